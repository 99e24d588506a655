/** Parses Stripe's form encoding with bracket syntax: `expand[]=a&expand[1]=b&created[gte]=1&metadata[k]=v`. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Form = Record<string, FormValue>;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function parseForm(input: string): Form {
  const out: Form = {};
  if (!input) return out;
  for (const pair of input.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) {
      out[rawKey] = value;
      continue;
    }
    const head = m[1] ?? rawKey;
    const path = [...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? '');
    assign(out, head, path, value);
  }
  return out;
}

function assign(
  container: Record<string, FormValue> | FormValue[],
  key: string,
  path: string[],
  value: string,
): void {
  const set = (v: FormValue) => {
    if (Array.isArray(container)) {
      if (key === '') container.push(v);
      else container[Number(key)] = v;
    } else container[key] = v;
  };
  const get = (): FormValue | undefined =>
    Array.isArray(container) ? (key === '' ? undefined : container[Number(key)]) : container[key];
  if (path.length === 0) {
    set(value);
    return;
  }
  const [next, ...rest] = path as [string, ...string[]];
  const wantArray = next === '' || /^\d+$/.test(next);
  let child = get();
  if (child === undefined || typeof child === 'string' || Array.isArray(child) !== wantArray) {
    child = wantArray ? [] : {};
    set(child);
  }
  assign(child as Record<string, FormValue> | FormValue[], next, rest, value);
}
