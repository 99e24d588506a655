import { DISPLAY_LOCALES, type DisplayLocale } from '@medpro/trpc';
import { createFormatter, useFormat } from '@medpro/widgets';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { PageHeader, Pagination, RouteError } from '~/components/ui';
import { asHttpError, readAppError } from '~/lib/app-error.server';
import { callerFor } from '~/lib/trpc.server';

export const meta: MetaFunction = () => [{ title: 'Configurações · MedPro' }];

const AUDIT_PAGE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const auditPage = Math.max(1, Math.floor(Number(url.searchParams.get('auditoria'))) || 1);
  const caller = await callerFor(request);
  try {
    // Admins only: the first admin call answers 403 for anyone else, shown by the ErrorBoundary.
    const users = await caller.admin.users.list({});
    const [tokens, settings, audit, me] = await Promise.all([
      caller.admin.tokens.list({}),
      caller.admin.settings.get({}),
      caller.admin.audit.list({ page: auditPage, limit: AUDIT_PAGE }),
      caller.auth.me({}),
    ]);
    return {
      users: users.users,
      tokens: tokens.tokens,
      settings,
      audit,
      meId: me.user?.id ?? null,
      locales: [...DISPLAY_LOCALES],
      timeZones: Intl.supportedValuesOf('timeZone'),
    };
  } catch (error) {
    return asHttpError(error);
  }
}

type Result =
  | { intent: string; ok: true; message: string; secret?: string; password?: string | null }
  | { intent: string; ok: false; message: string; fields: Record<string, string[]> };

const ROLE_OPTIONS = [
  { value: 'viewer', label: 'Leitor' },
  { value: 'analyst', label: 'Analista' },
  { value: 'admin', label: 'Administrador' },
] as const;
type Role = (typeof ROLE_OPTIONS)[number]['value'];
const asRole = (v: FormDataEntryValue | null): Role =>
  ROLE_OPTIONS.find((r) => r.value === v)?.value ?? 'viewer';

/** Lines of a textarea, trimmed, without blanks. */
const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "USD=5.2\nEUR=5.6" → { USD: '5.2', EUR: '5.6' }; a malformed line is kept so the router names it. */
function parseRates(v: FormDataEntryValue | null): Record<string, string> {
  return Object.fromEntries(
    lines(v).map((line) => {
      const [code, rate] = line.split(/[=:\s]+/);
      return [(code ?? '').toUpperCase(), (rate ?? '').replace(',', '.')];
    }),
  );
}

export async function action({ request }: ActionFunctionArgs): Promise<Result> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const caller = await callerFor(request);
  const id = Number(form.get('id'));
  try {
    switch (intent) {
      case 'createUser': {
        const password = String(form.get('password') ?? '');
        const name = String(form.get('name') ?? '').trim();
        const { user, generatedPassword } = await caller.admin.users.create({
          email: String(form.get('email') ?? ''),
          role: asRole(form.get('role')),
          ...(name ? { name } : {}),
          ...(password ? { password } : {}),
        });
        return { intent, ok: true, message: `Usuário ${user.email} criado.`, password: generatedPassword };
      }
      case 'setRole':
        await caller.admin.users.setRole({ id, role: asRole(form.get('role')) });
        return { intent, ok: true, message: 'Papel alterado.' };
      case 'setDisabled':
        await caller.admin.users.setDisabled({ id, disabled: form.get('disabled') === 'true' });
        return {
          intent,
          ok: true,
          message: form.get('disabled') === 'true' ? 'Usuário desativado.' : 'Usuário reativado.',
        };
      case 'createToken': {
        const kind = form.get('kind') === 'embed' ? 'embed' : 'api';
        const days = String(form.get('expiresInDays') ?? '').trim();
        const { token, secret } = await caller.admin.tokens.create({
          name: String(form.get('name') ?? ''),
          kind,
          role: asRole(form.get('role')),
          allowedOrigins: lines(form.get('allowedOrigins')),
          ...(days ? { expiresInDays: Number(days) } : {}),
        });
        return { intent, ok: true, message: `Token “${token.name}” criado.`, secret };
      }
      case 'revokeToken':
        await caller.admin.tokens.revoke({ id });
        return { intent, ok: true, message: 'Token revogado.' };
      case 'metrics': {
        const days = String(form.get('pastDueChurnAfterDays') ?? '').trim();
        await caller.admin.settings.update({
          metrics: {
            reportingCurrency: String(form.get('reportingCurrency') ?? ''),
            rates: parseRates(form.get('rates')),
            pastDueChurnAfterDays: days === '' ? null : Number(days),
            discountMode: String(form.get('discountMode')) as 'none' | 'forever' | 'recurring' | 'all',
            cancelAtPeriodEndMode: String(form.get('cancelAtPeriodEndMode')) as 'period_end' | 'immediately',
          },
        });
        return { intent, ok: true, message: 'Regras salvas. O histórico será recalculado pelo worker.' };
      }
      case 'display':
        await caller.admin.settings.update({
          display: {
            locale: String(form.get('locale') ?? '') as DisplayLocale,
            timeZone: String(form.get('timeZone') ?? ''),
          },
        });
        return { intent, ok: true, message: 'Exibição salva: valores e datas seguem o novo formato.' };
      case 'widgets':
        await caller.admin.settings.update({
          widgets: { allowedOrigins: lines(form.get('allowedOrigins')) },
        });
        return { intent, ok: true, message: 'Origens dos widgets salvas.' };
      default:
        return { intent, ok: false, message: 'Ação desconhecida.', fields: {} };
    }
  } catch (error) {
    const known = readAppError(error);
    if (!known || known.status >= 500) throw error;
    return { intent, ok: false, message: known.message, fields: known.fields };
  }
}

function FieldError({
  result,
  intent,
  name,
  exact = false,
}: {
  result: Result | undefined;
  intent: string;
  name: string;
  /** Only errors of this very key, not of the fields nested under it. */
  exact?: boolean;
}) {
  if (!result || result.ok || result.intent !== intent) return null;
  const errors = Object.entries(result.fields)
    .filter(([key]) => key === name || (!exact && key.startsWith(`${name}.`)))
    .flatMap(([, messages]) => messages);
  if (!errors.length) return null;
  return (
    <p className="field-error" id={`${intent}-${name}-error`}>
      {errors.join(' ')}
    </p>
  );
}

function Notice({ result, intent }: { result: Result | undefined; intent: string }) {
  if (!result || result.intent !== intent) return null;
  return (
    <p className={`notice ${result.ok ? '' : 'error'}`} role={result.ok ? 'status' : 'alert'}>
      {result.message}
    </p>
  );
}

function CopySecret({ label, secret }: { label: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret" role="status">
      <span>{label} (mostrado só agora):</span>
      <code data-testid="secret">{secret}</code>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copiado ✓' : 'Copiar'}
      </button>
    </div>
  );
}

export default function Settings() {
  const { users, tokens, settings, audit, meId, locales, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting';
  const [tokenKind, setTokenKind] = useState<'api' | 'embed'>('api');
  const f = useFormat();
  const dateOrDash = (v: string | Date | null) => (v ? f.date(v) : '—');
  const m = settings.metrics;

  return (
    <section className="page" aria-busy={navigation.state !== 'idle'}>
      <PageHeader title="Configurações" />

      <section className="card section" aria-labelledby="users">
        <h2 id="users">Usuários e papéis</h2>
        <Notice result={result} intent="createUser" />
        <Notice result={result} intent="setRole" />
        <Notice result={result} intent="setDisabled" />
        {result?.ok && result.intent === 'createUser' && result.password ? (
          <CopySecret label="Senha gerada" secret={result.password} />
        ) : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Nome</th>
                <th scope="col">Papel</th>
                <th scope="col">Situação</th>
                <th scope="col">Ações</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.email}</td>
                  <td>{u.name ?? '—'}</td>
                  <td>
                    <Form method="post" className="actions" style={{ display: 'flex', gap: '0.4rem' }}>
                      <input type="hidden" name="intent" value="setRole" />
                      <input type="hidden" name="id" value={u.id} />
                      <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                        Papel de {u.email}
                      </label>
                      <RoleSelect id={`role-${u.id}`} defaultValue={u.role} />
                      <button type="submit" className="secondary" disabled={busy}>
                        Alterar
                      </button>
                    </Form>
                  </td>
                  <td>
                    {u.disabledAt ? (
                      <span className="badge risk">Desativado</span>
                    ) : (
                      <span className="badge good">Ativo</span>
                    )}
                  </td>
                  <td>
                    {u.id === meId ? (
                      <span className="muted small">você</span>
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="setDisabled" />
                        <input type="hidden" name="id" value={u.id} />
                        <input type="hidden" name="disabled" value={u.disabledAt ? 'false' : 'true'} />
                        <button
                          type="submit"
                          className={u.disabledAt ? 'secondary' : 'danger'}
                          disabled={busy}
                        >
                          {u.disabledAt ? 'Reativar' : 'Desativar'}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 style={{ marginTop: '1rem' }}>Convidar usuário</h3>
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="createUser" />
          <div className="field">
            <label htmlFor="new-email">E-mail</label>
            <input
              id="new-email"
              name="email"
              type="email"
              required
              aria-describedby="createUser-email-error"
            />
            <FieldError result={result} intent="createUser" name="email" />
          </div>
          <div className="field">
            <label htmlFor="new-name">Nome</label>
            <input id="new-name" name="name" />
            <FieldError result={result} intent="createUser" name="name" />
          </div>
          <div className="field">
            <label htmlFor="new-role">Papel</label>
            <RoleSelect id="new-role" defaultValue="viewer" />
          </div>
          <div className="field">
            <label htmlFor="new-password">Senha (vazio: gerar uma)</label>
            <input id="new-password" name="password" type="password" autoComplete="new-password" />
            <FieldError result={result} intent="createUser" name="password" />
          </div>
          <div className="field">
            <button type="submit" disabled={busy}>
              Criar usuário
            </button>
          </div>
        </Form>
      </section>

      <section className="card section" aria-labelledby="tokens">
        <h2 id="tokens">Tokens de API</h2>
        <Notice result={result} intent="createToken" />
        <Notice result={result} intent="revokeToken" />
        {result?.ok && result.intent === 'createToken' && result.secret ? (
          <CopySecret label="Token" secret={result.secret} />
        ) : null}
        {tokens.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Nome</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Papel</th>
                  <th scope="col">Prefixo</th>
                  <th scope="col" className="hide-narrow">
                    Origens
                  </th>
                  <th scope="col">Expira</th>
                  <th scope="col" className="hide-narrow">
                    Último uso
                  </th>
                  <th scope="col">Situação</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.kind === 'embed' ? 'Incorporação' : 'API'}</td>
                    <td>{ROLE_OPTIONS.find((r) => r.value === t.role)?.label ?? t.role}</td>
                    <td className="mono">{t.prefix}…</td>
                    <td className="hide-narrow small">{t.allowedOrigins.join(', ') || '—'}</td>
                    <td>{dateOrDash(t.expiresAt)}</td>
                    <td className="hide-narrow">{dateOrDash(t.lastUsedAt)}</td>
                    <td>
                      {t.active ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revokeToken" />
                          <input type="hidden" name="id" value={t.id} />
                          <button
                            type="submit"
                            className="danger"
                            disabled={busy}
                            aria-label={`Revogar ${t.name}`}
                          >
                            Revogar
                          </button>
                        </Form>
                      ) : (
                        <span className="badge">{t.revokedAt ? 'Revogado' : 'Expirado'}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Nenhum token criado.</p>
        )}
        <h3 style={{ marginTop: '1rem' }}>Novo token</h3>
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="createToken" />
          <div className="field">
            <label htmlFor="token-name">Nome</label>
            <input id="token-name" name="name" required />
            <FieldError result={result} intent="createToken" name="name" />
          </div>
          <div className="field">
            <label htmlFor="token-kind">Tipo</label>
            <select
              id="token-kind"
              name="kind"
              value={tokenKind}
              onChange={(e) => setTokenKind(e.target.value === 'embed' ? 'embed' : 'api')}
            >
              <option value="api">API (leitura/escrita conforme o papel)</option>
              <option value="embed">Incorporação (widgets, só leitura)</option>
            </select>
          </div>
          {tokenKind === 'api' ? (
            <div className="field">
              <label htmlFor="token-role">Papel</label>
              <RoleSelect id="token-role" defaultValue="viewer" />
            </div>
          ) : (
            <div className="field">
              <label htmlFor="token-origins">Origens permitidas (uma por linha)</label>
              <textarea
                id="token-origins"
                name="allowedOrigins"
                rows={2}
                placeholder="https://catalogo.exemplo.com"
              />
              <FieldError result={result} intent="createToken" name="allowedOrigins" />
            </div>
          )}
          <div className="field">
            <label htmlFor="token-days">Expira em (dias)</label>
            <input
              id="token-days"
              name="expiresInDays"
              type="number"
              min={1}
              max={3650}
              inputMode="numeric"
            />
            <FieldError result={result} intent="createToken" name="expiresInDays" />
          </div>
          <div className="field">
            <button type="submit" disabled={busy}>
              Criar token
            </button>
          </div>
        </Form>
      </section>

      <section className="card section" aria-labelledby="rules">
        <h2 id="rules">Regras de métricas e moeda</h2>
        <Notice result={result} intent="metrics" />
        {settings.metricsIssues.length ? (
          <p className="notice error">
            As regras salvas têm problemas (valendo os padrões): {settings.metricsIssues.join('; ')}
          </p>
        ) : null}
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="metrics" />
          <div className="field">
            <label htmlFor="currency">Moeda de relatório</label>
            <input id="currency" name="reportingCurrency" defaultValue={m.reportingCurrency} maxLength={3} />
            <FieldError result={result} intent="metrics" name="metrics.reportingCurrency" />
          </div>
          <div className="field">
            <label htmlFor="rates">Câmbio (uma moeda por linha: USD=5.20)</label>
            <textarea
              id="rates"
              name="rates"
              rows={3}
              defaultValue={Object.entries(m.rates)
                .map(([code, rate]) => `${code}=${rate}`)
                .join('\n')}
            />
            <FieldError result={result} intent="metrics" name="metrics.rates" />
          </div>
          <div className="field">
            <label htmlFor="pastdue">Past due vira churn após (dias; vazio: nunca)</label>
            <input
              id="pastdue"
              name="pastDueChurnAfterDays"
              type="number"
              min={0}
              defaultValue={m.pastDueChurnAfterDays ?? ''}
            />
            <FieldError result={result} intent="metrics" name="metrics.pastDueChurnAfterDays" />
          </div>
          <div className="field">
            <label htmlFor="discounts">Descontos no MRR</label>
            <select id="discounts" name="discountMode" defaultValue={m.discountMode}>
              <option value="none">Ignorar descontos</option>
              <option value="forever">Só os permanentes</option>
              <option value="recurring">Recorrentes (padrão)</option>
              <option value="all">Todos</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="cancel-mode">Cancelamento agendado</label>
            <select id="cancel-mode" name="cancelAtPeriodEndMode" defaultValue={m.cancelAtPeriodEndMode}>
              <option value="period_end">Churn no fim do período (padrão)</option>
              <option value="immediately">Churn ao agendar</option>
            </select>
          </div>
          <div className="field">
            <button type="submit" disabled={busy}>
              Salvar regras
            </button>
          </div>
        </Form>
        <FieldError result={result} intent="metrics" name="metrics" exact />
        <p className="small muted">
          Versão das regras: {settings.metricsVersion.version}
          {settings.metricsVersion.changedBy ? ` · alterada por ${settings.metricsVersion.changedBy}` : ''}
          {settings.metricsVersion.changedAt ? ` em ${f.date(settings.metricsVersion.changedAt)}` : ''}
        </p>
      </section>

      <section className="card section" aria-labelledby="display">
        <h2 id="display">Exibição de valores e datas</h2>
        <Notice result={result} intent="display" />
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="display" />
          <div className="field">
            <label htmlFor="display-locale">Formato (idioma e região)</label>
            <select id="display-locale" name="locale" defaultValue={settings.display.locale}>
              {locales.map((locale) => (
                <option key={locale} value={locale}>
                  {localeLabel(locale)}
                </option>
              ))}
            </select>
            <FieldError result={result} intent="display" name="display.locale" />
          </div>
          <div className="field">
            <label htmlFor="display-tz">Fuso horário (horários de sincronização e auditoria)</label>
            <input
              id="display-tz"
              name="timeZone"
              list="display-tz-options"
              defaultValue={settings.display.timeZone}
              aria-describedby="display-display.timeZone-error"
            />
            <datalist id="display-tz-options">
              {timeZones.map((tz) => (
                <option key={tz} value={tz} />
              ))}
            </datalist>
            <FieldError result={result} intent="display" name="display.timeZone" />
          </div>
          <div className="field">
            <button type="submit" disabled={busy}>
              Salvar exibição
            </button>
          </div>
        </Form>
      </section>

      <section className="card section" aria-labelledby="widgets">
        <h2 id="widgets">Widgets: origens permitidas</h2>
        <Notice result={result} intent="widgets" />
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="widgets" />
          <div className="field">
            <label htmlFor="widget-origins">Páginas que podem incorporar os widgets (uma por linha)</label>
            <textarea
              id="widget-origins"
              name="allowedOrigins"
              rows={3}
              defaultValue={settings.widgets.allowedOrigins.join('\n')}
            />
            <FieldError result={result} intent="widgets" name="widgets" />
          </div>
          <div className="field">
            <button type="submit" disabled={busy}>
              Salvar origens
            </button>
          </div>
        </Form>
      </section>

      <section className="card section" aria-labelledby="audit">
        <h2 id="audit">Auditoria</h2>
        {audit.entries.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Quando ({f.display.timeZone})</th>
                  <th scope="col">Quem</th>
                  <th scope="col">Ação</th>
                  <th scope="col">Alvo</th>
                  <th scope="col" className="hide-narrow">
                    IP
                  </th>
                </tr>
              </thead>
              <tbody>
                {audit.entries.map((e) => (
                  <tr key={e.id}>
                    <td>{f.dateTime(e.createdAt)}</td>
                    <td>{e.actor}</td>
                    <td className="mono">{e.action}</td>
                    <td>{e.target ?? '—'}</td>
                    <td className="hide-narrow">{e.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Nenhum registro.</p>
        )}
        {audit.total > AUDIT_PAGE ? (
          <Pagination page={audit.page} limit={AUDIT_PAGE} total={audit.total} param="auditoria" />
        ) : null}
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError what="as configurações" />;
}

/** "inglês (Estados Unidos) · R$1,234.56": the language and how it writes money. */
function localeLabel(locale: string): string {
  const name = new Intl.DisplayNames(['pt-BR'], { type: 'language' }).of(locale) ?? locale;
  return `${name} · ${createFormatter({ locale, timeZone: 'UTC' }).money(123456, 'BRL')}`;
}

/** The role picker of the users and tokens forms. */
function RoleSelect({ id, defaultValue }: { id: string; defaultValue: string }) {
  return (
    <select id={id} name="role" defaultValue={defaultValue}>
      {ROLE_OPTIONS.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label}
        </option>
      ))}
    </select>
  );
}
