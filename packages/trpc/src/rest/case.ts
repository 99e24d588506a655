/**
 * REST speaks snake_case, the router camelCase. Only camelCase identifiers are converted, so
 * record keys such as currency codes (`USD`) or Stripe object types pass through unchanged.
 */
const CAMEL = /^[a-z][a-zA-Z0-9]*$/;
const SNAKE = /^[a-z][a-z0-9_]*$/;

/** `newCustomers30d` → `new_customers_30d`, `last4` → `last4`. */
export function toSnake(key: string): string {
  if (!CAMEL.test(key)) return key;
  return key
    .replace(/([A-Z])/g, '_$1')
    .replace(/([a-z])(\d+[a-z])/g, '$1_$2')
    .toLowerCase();
}

/** `date_from` → `dateFrom`, `new_customers_30d` → `newCustomers30d`. */
export function toCamel(key: string): string {
  if (!SNAKE.test(key)) return key;
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Renames the keys of plain objects at every depth (Dates and other instances are left alone). */
export function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), renameKeys(v, rename)]));
}
