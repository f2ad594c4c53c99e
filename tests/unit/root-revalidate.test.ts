// The shell's loader (which takes the one-time toast) is not re-run by a live page refreshing itself.
import { describe, expect, it } from 'vitest';
import { shouldRevalidate } from '../../app/root';

const url = (path: string) => new URL(path, 'http://market.test');
const args = (from: string, to: string, formMethod?: 'POST' | 'GET') =>
  ({
    currentUrl: url(from),
    nextUrl: url(to),
    currentParams: {},
    nextParams: {},
    formMethod,
    defaultShouldRevalidate: true,
  }) as Parameters<typeof shouldRevalidate>[0];

describe('the shell loader', () => {
  it('is skipped when a live page revalidates itself (same address, no form)', () => {
    expect(shouldRevalidate(args('/exchange/WLS-4050', '/exchange/WLS-4050'))).toBe(false);
  });

  it('runs after a form post (its redirect carries the toast), and on a navigation elsewhere', () => {
    expect(shouldRevalidate(args('/exchange/WLS-4050', '/exchange/WLS-4050', 'POST'))).toBe(true);
    expect(shouldRevalidate(args('/market', '/orders'))).toBe(true);
    expect(shouldRevalidate(args('/market?q=虾', '/market?q=蟹'))).toBe(true);
  });
});
