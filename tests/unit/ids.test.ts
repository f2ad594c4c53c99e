import { describe, expect, it } from 'vitest';
import { newId } from '../../app/lib/ids';

describe('newId', () => {
  it('sorts in the order ids were made, even many inside one millisecond (a batch’s rows)', () => {
    const ids = Array.from({ length: 5000 }, () => newId('nev'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^nev_[0-9a-hjkmnp-tv-z]{20}$/);
  });

  it('starts from fresh randomness in a new millisecond', async () => {
    const before = newId('x');
    await new Promise((resolve) => setTimeout(resolve, 3));
    const after = newId('x');
    expect(after > before).toBe(true);
    expect(after.slice(2, 12)).not.toBe(before.slice(2, 12));
  });
});
