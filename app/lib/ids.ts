// Ids: a short prefix naming the kind of thing, then a time-ordered random part (sorts by creation).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export function newId(prefix: string): string {
  const random = randomBytes(10);
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 32];
  return `${prefix}_${encodeTime(Date.now())}${tail}`;
}

/** A URL-safe secret with 256 bits of entropy (session and invitation tokens). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
