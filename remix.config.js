/** Remix v2, classic compiler (see docs/decisions/0001-classic-remix-compiler.md). */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}', '**/*.spec.{ts,tsx}', '**/__*'],
  serverModuleFormat: 'esm',
  serverPlatform: 'node',
  postcss: true,
  tailwind: false,
  serverDependenciesToBundle: [],
  watchPaths: ['./db/**/*.ts'],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
