import { Form, NavLink, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';

export interface ShellUser {
  email: string;
  name: string | null;
  role: 'admin' | 'analyst' | 'viewer';
}

const ROLE_LABEL: Record<ShellUser['role'], string> = {
  admin: 'Administrador',
  analyst: 'Analista',
  viewer: 'Leitor',
};

const NAV = [
  { to: '/customers', label: 'Clientes' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/sync', label: 'Sincronização' },
  { to: '/settings', label: 'Configurações' },
];

/** The page frame: skip link, navigation, who is signed in, and a global loading bar. */
export function Shell({ user, children }: { user: ShellUser | null; children: ReactNode }) {
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  return (
    <>
      <a className="skip-link" href="#main">
        Pular para o conteúdo
      </a>
      {busy ? <div className="progress-bar" role="progressbar" aria-label="Carregando" /> : null}
      <header className="topbar">
        <span className="brand">
          MedPro <small>Customer Intelligence</small>
        </span>
        {user ? (
          <>
            <nav aria-label="Principal">
              <ul>
                {NAV.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} prefetch="intent">
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="who">
              <span>
                <span className="visually-hidden">Conectado como </span>
                {user.name || user.email} <span className="role-tag">{ROLE_LABEL[user.role]}</span>
              </span>
              <Form method="post" action="/logout">
                <button type="submit">Sair</button>
              </Form>
            </div>
          </>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} aria-busy={busy}>
        {children}
      </main>
    </>
  );
}
