/**
 * Password hashing with scrypt (memory-hard, in node:crypto) and the random secrets behind
 * sessions and API tokens, which are stored only as sha256 (they are 256-bit random, so a
 * fast hash is enough: nobody can guess their way back from it).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** N = 2^15, r = 8: 32 MiB and ~100 ms per hash, OWASP's scrypt recommendation. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 64 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(
    password,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return timingSafeEqual(key, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export const TOKEN_PREFIX = 'mp_';

/** A new API/embed token: `mp_` + 256 random bits. Shown once; only its hash is stored. */
export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  return { token, prefix: token.slice(0, 12), hash: sha256(token) };
}

/** A generated password (120 random bits) for `user create` without --password and the demo admin. */
export function generatePassword(): string {
  return randomSecret(15);
}
