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

let lastMs = 0;
let lastTail: number[] = [];

/**
 * Within one process ids also sort in the order they were made inside one millisecond (a batch's rows): the random
 * part of the next id in the same millisecond is the previous one plus one, as monotonic ULIDs do.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now > lastMs || lastTail.length === 0) {
    lastMs = now;
    lastTail = [...randomBytes(10)].map((byte) => byte % 32);
  } else {
    let i = lastTail.length - 1;
    while (i >= 0 && lastTail[i] === 31) lastTail[i--] = 0;
    if (i >= 0) lastTail[i] += 1;
  }
  return `${prefix}_${encodeTime(lastMs)}${lastTail.map((digit) => ALPHABET[digit]).join('')}`;
}

/** A URL-safe secret with 256 bits of entropy (session and invitation tokens). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
