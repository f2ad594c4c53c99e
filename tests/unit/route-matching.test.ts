// The server's route matching runs with the patches in patches/ (ADR 0058): a build's route tree is made once, its
// ranked branches and each pattern's regular expression are kept, and branches that cannot match are skipped.
// These check that the patches are in place and that matching answers exactly as the unpatched router does: the package's ES module build (what browsers get) is
// left as published, so it serves as the reference for random route trees and paths.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AgnosticRouteObject, matchPath, matchRoutes } from '@remix-run/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

const routes: AgnosticRouteObject[] = [
  {
    id: 'root',
    path: '',
    children: [
      { id: 'home', index: true },
      { id: 'market', path: 'market' },
      { id: 'lot', path: 'lots/:lotId' },
      { id: 'lot-edit', path: 'sell/:lotId/edit' },
      { id: 'sell-new', path: 'sell/new' },
      { id: 'sell-lot', path: 'sell/:lotId' },
      { id: 'locale', path: ':lang?/about' },
      { id: 'files', path: 'files/*' },
      { id: 'catchall', path: '*' },
    ],
  },
];

const leaf = (pathname: string) => {
  const matches = matchRoutes(routes, pathname);
  const last = matches?.at(-1);
  return last ? { id: last.route.id, params: last.params } : null;
};

describe('route matching (patched router)', () => {
  it('is the patched files that the server loads (npm ci runs patch-package)', () => {
    const read = (id: string) => readFileSync(require.resolve(id), 'utf8');
    expect(read('@remix-run/router')).toContain('rankedBranchesCache');
    expect(read('@remix-run/router')).toContain('compiledPaths');
    expect(read('@remix-run/react/dist/server.js')).toContain('serverRoutesCache');
    expect(read('react-router-dom/server.js')).toContain('staticDataRoutesCache');
  });

  it('ranks static segments over dynamic ones and reads params, on the first and every later call', () => {
    for (let round = 0; round < 3; round++) {
      expect(leaf('/')).toEqual({ id: 'home', params: {} });
      expect(leaf('/sell/new')).toEqual({ id: 'sell-new', params: {} });
      expect(leaf('/sell/lot_9')).toEqual({ id: 'sell-lot', params: { lotId: 'lot_9' } });
      expect(leaf('/sell/lot_9/edit')).toEqual({ id: 'lot-edit', params: { lotId: 'lot_9' } });
      expect(leaf('/lots/%E8%99%BE')).toEqual({ id: 'lot', params: { lotId: '虾' } });
      expect(leaf('/en/about')).toEqual({ id: 'locale', params: { lang: 'en' } });
      expect(leaf('/about')).toEqual({ id: 'locale', params: { lang: undefined } });
      expect(leaf('/files/a/b.pdf')).toEqual({ id: 'files', params: { '*': 'a/b.pdf' } });
      expect(leaf('/nowhere/at/all')).toEqual({ id: 'catchall', params: { '*': 'nowhere/at/all' } });
    }
  });

  it('keeps separate answers for one pattern with a different end or case rule', () => {
    expect(matchPath({ path: '/Market', end: true }, '/market/x')).toBeNull();
    expect(matchPath({ path: '/Market', end: false }, '/market/x')?.pathnameBase).toBe('/market');
    expect(matchPath({ path: '/Market', end: false, caseSensitive: true }, '/market/x')).toBeNull();
    expect(matchPath({ path: '/Market', end: true }, '/market')?.pathname).toBe('/market');
  });

  it('answers for a tree built later, not from another tree of the same shape', () => {
    const other: AgnosticRouteObject[] = [{ id: 'only', path: 'market' }];
    expect(matchRoutes(other, '/market')?.at(-1)?.route.id).toBe('only');
    expect(matchRoutes(other, '/sell/new')).toBeNull();
    expect(leaf('/market')).toEqual({ id: 'market', params: {} });
  });
});

describe('route matching against the unpatched router', () => {
  const segment = fc.constantFrom(
    'market',
    'Market',
    'sell',
    'new',
    'a',
    'b.c',
    ':id',
    ':lang?',
    'x?',
    '*',
    '虾',
  );
  type Shape =
    | { index: true }
    | { path: string | undefined; caseSensitive: boolean; children: Shape[] | undefined };
  const route: fc.Memo<Shape> = fc.memo((depth) =>
    fc.oneof(
      fc.record({ index: fc.constant(true as const) }),
      fc.record({
        path: fc.option(
          fc.array(segment, { minLength: 1, maxLength: 2 }).map((s) => s.join('/')),
          { nil: undefined },
        ),
        caseSensitive: fc.boolean(),
        children: depth > 1 ? fc.array(route(depth - 1), { maxLength: 3 }) : fc.constant(undefined),
      }),
    ),
  );
  const withIds = (tree: Shape[], prefix = 'r'): AgnosticRouteObject[] =>
    tree.map((r, i): AgnosticRouteObject => {
      const id = `${prefix}${i}`;
      if ('index' in r) return { id, index: true };
      const children = r.children ? withIds(r.children, `${id}.`) : undefined;
      return { id, path: r.path, caseSensitive: r.caseSensitive, children };
    });
  const pathname = fc
    .array(fc.constantFrom('market', 'MARKET', 'sell', 'new', 'a', 'b.c', 'x', 'en', '%E8%99%BE', '7', ''), {
      maxLength: 4,
    })
    .map((parts) => `/${parts.join('/')}`);

  it('finds the same route and params for any tree and path, asked once or again', async () => {
    // The ES module build's declaration file covers only part of it; at run time it exports what the package does.
    const reference = (await import(
      '@remix-run/router/dist/router.js'
    )) as unknown as typeof import('@remix-run/router');
    const answer = (matches: ReturnType<typeof matchRoutes>) =>
      matches?.map((m) => ({
        id: m.route.id,
        params: m.params,
        pathname: m.pathname,
        base: m.pathnameBase,
      })) ?? null;
    fc.assert(
      fc.property(
        fc.array(route(3), { minLength: 1, maxLength: 4 }),
        fc.array(pathname, { maxLength: 6 }),
        (tree, paths) => {
          const routes = withIds(tree);
          for (const path of paths) {
            const expected = answer(reference.matchRoutes(routes, path));
            expect(answer(matchRoutes(routes, path))).toEqual(expected);
            expect(answer(matchRoutes(routes, path))).toEqual(expected);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
