/** Ids of generated objects: `<prefix>_<tag><base62 index, fixed width>` so that id order = index order. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WIDTH = 10;

export function base62(n: number, width: number): string {
  let s = '';
  let v = Math.floor(n);
  while (v > 0) {
    s = ALPHABET[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

export function decodeBase62(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = ALPHABET.indexOf(s.charAt(i));
    if (d < 0) return -1;
    v = v * 62 + d;
  }
  return v;
}

export function tagFromSeed(seed: number): string {
  return base62((seed >>> 0) % 14_776_336, 4); // 62^4
}

export class IdCodec {
  constructor(
    readonly prefix: string,
    readonly tag: string,
  ) {}

  id(idx: number): string {
    return `${this.prefix}_${this.tag}${base62(idx, WIDTH)}`;
  }

  /** Index of an id of this codec, or -1. */
  parse(id: string): number {
    const head = `${this.prefix}_${this.tag}`;
    if (id.length !== head.length + WIDTH || !id.startsWith(head)) return -1;
    return decodeBase62(id.slice(head.length));
  }
}
