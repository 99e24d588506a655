/**
 * The router speaks English to API clients (stable codes, English messages); the pages speak
 * Portuguese. Everything a form or page shows of a router error goes through here: zod issues by
 * their code and limits, the router's own messages by a table, and anything unknown falls back
 * to a Portuguese sentence for its HTTP status rather than leaking English into the UI.
 */
import type { z } from 'zod';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

/** The router's own messages (custom zod messages, AppError messages and field errors). */
const KNOWN: Rule[] = [
  [
    /^Expected an ISO 4217 currency code/,
    () => 'Moeda desconhecida: use um código ISO 4217, como BRL ou USD.',
  ],
  [/^Expected a 3-letter ISO currency code/, () => 'Use um código de moeda de 3 letras, como BRL.'],
  [
    /^Missing rates into (\w+) for (.+)$/,
    (m) => `Ao mudar a moeda de relatório, informe o câmbio para ${m[1]} de: ${m[2]}.`,
  ],
  [
    /^Expected a positive decimal string/,
    () => 'Use um número positivo com até 4 casas decimais, como 5.20.',
  ],
  [/^rates\.(\w+) must be 1/, (m) => `O câmbio de ${m[1]} deve ser 1: é a moeda de relatório.`],
  [/^rates\.(\w+) must be a positive decimal/, (m) => `O câmbio de ${m[1]} deve ser um número positivo.`],
  [/^rates: "(.*)" is not a 3-letter currency code/, (m) => `“${m[1]}” não é um código de moeda.`],
  [/^reportingCurrency must be/, () => 'Use um código de moeda de 3 letras, como BRL.'],
  [/^pastDueChurnAfterDays must be/, () => 'Informe um número inteiro de dias (0–3650) ou deixe vazio.'],
  [
    /^Expected an origin such as/,
    () => 'Use uma origem como https://loja.exemplo.com (sem caminho nem barra final).',
  ],
  [
    /^Expected an IANA time zone/,
    () => 'Fuso horário desconhecido: use um nome IANA, como America/Sao_Paulo.',
  ],
  [/^Embed tokens need allowed origins/, () => 'Tokens de incorporação precisam de origens permitidas.'],
  [/^Embed tokens expire within (\d+) days/, (m) => `Tokens de incorporação expiram em até ${m[1]} dias.`],
  [/^Only embed tokens have origins/, () => 'Só tokens de incorporação têm origens permitidas.'],
  [
    /^Add (.+) to the widget origins in the settings first/,
    (m) => `Adicione ${m[1]} às origens dos widgets (abaixo) primeiro.`,
  ],
  [/^The expiry must be in the future/, () => 'A validade deve terminar no futuro.'],
  [/^Use at least (\d+) characters/, (m) => `Use ao menos ${m[1]} caracteres.`],
  [/^Use at most (\d+) characters/, (m) => `Use no máximo ${m[1]} caracteres.`],
  [/^Not an email address/, () => 'Informe um e-mail válido.'],
  [/^Enter your password/, () => 'Informe a senha.'],
  [/^Wrong (current )?password/, () => 'Senha incorreta.'],
  [/^At least one active admin/, () => 'É preciso manter ao menos um administrador ativo.'],
  [/already revoked/, () => 'Este token já estava revogado.'],
  [/^A user with the email .* exists already/, () => 'Já existe um usuário com este e-mail.'],
];

const BY_STATUS: Record<number, string> = {
  400: 'Dados inválidos.',
  401: 'Entre para continuar.',
  403: 'Você não tem acesso a isto.',
  404: 'Não encontrado.',
  409: 'Não foi possível: os dados mudaram ou já existem.',
  429: 'Muitas tentativas; tente de novo em alguns minutos.',
};

function known(message: string): string | null {
  for (const [re, to] of KNOWN) {
    const m = message.match(re);
    if (m) return to(m);
  }
  return null;
}

/** A router message in Portuguese: translated when known, else the sentence for its status. */
export function userMessage(message: string, status: number): string {
  return known(message) ?? BY_STATUS[status] ?? 'Algo deu errado.';
}

/** A field error in Portuguese (field errors are always about input: 400). */
export function fieldMessage(message: string): string {
  return known(message) ?? 'Valor inválido.';
}

const plural = (n: unknown, one: string, many: string) => (Number(n) === 1 ? one : many);

/** A zod issue in Portuguese, from its code and limits; the router's custom messages by the table. */
export function zodIssueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === '' ? 'Obrigatório.' : 'Valor inválido.';
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? 'Obrigatório.'
          : `Use ao menos ${issue.minimum} ${plural(issue.minimum, 'caractere', 'caracteres')}.`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `Informe ao menos ${issue.minimum} ${plural(issue.minimum, 'item', 'itens')}.`;
      return `Use um valor a partir de ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string')
        return `Use no máximo ${issue.maximum} ${plural(issue.maximum, 'caractere', 'caracteres')}.`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `Informe no máximo ${issue.maximum} ${plural(issue.maximum, 'item', 'itens')}.`;
      return `Use um valor até ${issue.maximum}.`;
    case 'invalid_format':
      if (issue.format === 'email') return 'Informe um e-mail válido.';
      return known(issue.message) ?? 'Formato inválido.';
    case 'invalid_value':
      return 'Escolha uma das opções.';
    case 'unrecognized_keys':
      return 'Campo desconhecido.';
    default:
      return fieldMessage(issue.message);
  }
}
