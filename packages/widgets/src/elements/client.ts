/**
 * The widgets' HTTP client: one GET per procedure at `<apiBase>/api/trpc/<procedure>` in
 * tRPC's wire format with superjson (no batching). Plain fetch instead of @trpc/client keeps
 * the bundle small (decision 005); superjson keeps Dates and the server's types intact.
 */
import superjson, { type SuperJSONResult } from 'superjson';

export interface WidgetConfig {
  /** Origin (and optional path prefix) of the admin app, e.g. https://admin.example.com */
  apiBase: string;
  /** Embed token; without one the browser's session cookie is used (same-origin pages). */
  token: string | null;
}

/** What went wrong, in words for the person looking at the widget (pt-BR). */
export class WidgetError extends Error {
  override name = 'WidgetError';
  constructor(
    message: string,
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export function errorMessage(status: number, hasToken: boolean): string {
  switch (status) {
    case 0:
      return 'Não foi possível conectar ao MedPro. Verifique a conexão e se este site está autorizado.';
    case 401:
      return hasToken
        ? 'Token de incorporação inválido, revogado ou expirado.'
        : 'Acesso negado: entre no MedPro ou configure um token de incorporação.';
    case 403:
      return hasToken
        ? 'Este site não está autorizado a usar este token de incorporação.'
        : 'Acesso negado a estes dados.';
    case 404:
      return 'Não encontrado.';
    case 429:
      return 'Muitas requisições; tente de novo em instantes.';
    default:
      return status >= 500
        ? `O MedPro não conseguiu responder (HTTP ${status}). Tente de novo mais tarde.`
        : `Não foi possível carregar os dados (HTTP ${status}).`;
  }
}

export async function queryProcedure<T>(
  config: WidgetConfig,
  procedure: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const url = `${config.apiBase.replace(/\/+$/, '')}/api/trpc/${procedure}?input=${encodeURIComponent(
    JSON.stringify(superjson.serialize(input)),
  )}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: config.token ? { Authorization: `Bearer ${config.token}` } : {},
      // Cross-origin requests carry the token, never the admin's cookies.
      credentials: 'same-origin',
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new WidgetError(errorMessage(0, Boolean(config.token)), 0);
  }
  const body = (await response.json().catch(() => null)) as { result?: { data?: SuperJSONResult } } | null;
  if (!response.ok || !body?.result?.data) {
    throw new WidgetError(
      errorMessage(response.ok ? 502 : response.status, Boolean(config.token)),
      response.status,
    );
  }
  return superjson.deserialize<T>(body.result.data);
}
