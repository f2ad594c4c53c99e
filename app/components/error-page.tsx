// The body of an error page (404, 403, 500): the status, why in the reader's language, and a way back.
import { Link, isRouteErrorResponse, useLocation } from '@remix-run/react';
import { storedKey, useT } from '~/lib/i18n';

/** The path one level up (/orders/ord_1 → /orders), or null at the top. */
export function parentPath(pathname: string): string | null {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length < 2) return null;
  return `/${parts.slice(0, -1).join('/')}`;
}

export function ErrorPage({ error }: { error: unknown }) {
  const t = useT();
  const location = useLocation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A 403 or 404 may say why (app/lib/http.server.ts, a sanctioned org in auth.server.ts) with a key and params.
  const said = isRouteErrorResponse(error)
    ? (error.data as { messageKey?: unknown; params?: unknown })
    : null;
  const message =
    typeof said?.messageKey === 'string'
      ? t(storedKey(said.messageKey), (said.params ?? {}) as Record<string, string>)
      : status === 404
        ? t('errors.notFound')
        : status === 403
          ? t('errors.forbidden')
          : t('errors.server');
  const up = parentPath(location.pathname);
  return (
    <section className="mx-auto max-w-xl px-4 py-12 text-center" aria-labelledby="error-title">
      <p className="text-5xl font-bold text-sea-700">{status}</p>
      <h1 id="error-title" className="mt-4 text-xl font-semibold">
        {status === 404
          ? t('errors.notFoundTitle')
          : status === 403
            ? t('errors.forbiddenTitle')
            : t('errors.title')}
      </h1>
      <p className="mt-2 text-slate-700">{message}</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {up ? (
          <Link to={up} className="rounded-md border border-sea-700 px-4 py-2 text-sea-800 hover:bg-sea-50">
            {t('errors.goUp')}
          </Link>
        ) : null}
        <Link to="/" className="rounded-md bg-sea-700 px-4 py-2 text-white hover:bg-sea-800">
          {t('errors.goHome')}
        </Link>
      </div>
    </section>
  );
}
