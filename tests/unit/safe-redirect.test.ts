// Redirect targets from input: same-origin paths pass, everything a browser could read as another site falls back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeRedirect } from '../../app/lib/redirect.server';

/** Where a browser goes for a Location header on a page of https://wharf.example. */
const browserTarget = (location: string) => new URL(location, 'https://wharf.example/login').origin;

describe('safeRedirect', () => {
  it.each([
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '/\r\n/evil.example/x',
    '/\r/evil.example/x',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%5Cevil.example',
    '/%2F/evil.example',
    '%2F%2Fevil.example',
    'https://evil.example',
    'http:evil.example',
    'javascript:alert(1)',
    ' /dashboard',
    '/\u0000/evil.example',
    '/%09/evil.example',
    '',
    null,
    undefined,
  ])('refuses %j', (to) => {
    expect(safeRedirect(to)).toBe('/');
    expect(safeRedirect(to, '/dashboard')).toBe('/dashboard');
  });

  it.each([
    ['/dashboard', '/dashboard'],
    ['/market?q=%E8%99%BE&category=whiteleg-shrimp', '/market?q=%E8%99%BE&category=whiteleg-shrimp'],
    ['/auctions/auc_1#bid', '/auctions/auc_1#bid'],
    ['/market?q=白虾', '/market?q=%E7%99%BD%E8%99%BE'],
  ])('keeps the path %j', (to, expected) => {
    expect(safeRedirect(to)).toBe(expected);
  });

  it('never answers a target a browser reads as another origin, for any input', () => {
    const pieces = fc.constantFrom(
      '/',
      '\\',
      '\t',
      '\n',
      '\r',
      '%2F',
      '%5C',
      '.',
      ':',
      'evil.example',
      'x',
      '@',
      '?',
      '#',
      ' ',
      '\u0000',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')),
        (to) => {
          const target = safeRedirect(to);
          expect(target.startsWith('/')).toBe(true);
          expect(target.startsWith('//')).toBe(false);
          expect(browserTarget(target)).toBe('https://wharf.example');
        },
      ),
      { numRuns: 3000, seed: 21 },
    );
  });
});
