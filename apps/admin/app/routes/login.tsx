import { createCaller } from '@medpro/trpc';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { readAppError } from '~/lib/app-error.server';
import { contextFor, safeNext } from '~/lib/trpc.server';

export const meta: MetaFunction = () => [{ title: 'Entrar · MedPro' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await contextFor(request);
  if (ctx.principal) throw redirect(safeNext(new URL(request.url).searchParams.get('next')));
  // An expired cookie is cleared here.
  return new Response(null, { status: 200, headers: ctx.resHeaders });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const ctx = await contextFor(request);
  try {
    await createCaller(ctx).auth.signIn({
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    });
  } catch (error) {
    const known = readAppError(error);
    if (!known) throw error;
    const message =
      known.status === 400
        ? 'Confira o e-mail e a senha.'
        : known.status === 429
          ? known.message
          : 'E-mail ou senha incorretos.';
    return Response.json(
      { message, fields: known.fields },
      { status: known.status, headers: ctx.resHeaders },
    );
  }
  return redirect(safeNext(String(form.get('next') ?? '')), { headers: ctx.resHeaders });
}

export default function Login() {
  const result = useActionData<typeof action>() as
    | { message: string; fields: Record<string, string[]> }
    | undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  return (
    <section className="page login">
      <h1>Entrar</h1>
      <p className="muted">Acesse o MedPro Customer Intelligence com seu e-mail e senha.</p>
      <Form method="post" className="card" aria-describedby={result ? 'login-error' : undefined}>
        <input type="hidden" name="next" value={params.get('next') ?? ''} />
        <div className="field">
          <label htmlFor="email">E-mail</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
          {result?.fields.email ? <p className="field-error">{result.fields.email[0]}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="password">Senha</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {result ? (
          <p id="login-error" className="field-error" role="alert">
            {result.message}
          </p>
        ) : null}
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {navigation.state === 'submitting' ? 'Entrando…' : 'Entrar'}
        </button>
      </Form>
    </section>
  );
}
