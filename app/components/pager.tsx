// Previous / next links for a paged list; plain links, so paging works without JavaScript.
import { Link } from '@remix-run/react';
import { useT } from '~/lib/i18n';

/** `pages` when the total is known (shows "page 2 of 5"); otherwise `hasMore` says whether a next page exists. */
export function Pager({
  page,
  pages,
  hasMore,
  hrefFor,
  label,
}: {
  page: number;
  pages?: number;
  hasMore?: boolean;
  hrefFor: (page: number) => string;
  label?: string;
}) {
  const t = useT();
  const more = pages !== undefined ? page < pages : Boolean(hasMore);
  if (page <= 1 && !more) return null;
  const position = pages !== undefined ? t('orders.pager.page', { page, pages }) : null;
  return (
    <nav
      className="mt-4 flex items-center justify-between text-sm"
      aria-label={label ?? position ?? undefined}
    >
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} className="text-sea-700 underline" rel="prev">
          {t('orders.pager.prev')}
        </Link>
      ) : (
        <span />
      )}
      {position ? <span className="text-slate-500">{position}</span> : null}
      {more ? (
        <Link to={hrefFor(page + 1)} className="text-sea-700 underline" rel="next">
          {t('orders.pager.next')}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
