// The approvers' queue (ADR 0052): the active buyer org's orders over a member's spending limit, waiting for an owner
// or admin. Sorted by any column through its header links (no JavaScript needed), paged; each row opens the order,
// where the approver approves or rejects with a note.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { APPROVAL_SORTS, type ApprovalSort, awaitingApproval } from '~/b2b/approvals.server';
import { listingTitle } from '~/components/listing-form';
import { formatTime } from '~/components/notification';
import { Pager } from '~/components/pager';
import { EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { requireActiveOrg } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { type MessageKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';

function pageOf(value: string | null): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export async function loader({ request }: LoaderFunctionArgs) {
  // Owners and admins approve; a trader or viewer is refused (403), a suspended org too (it may not act).
  const viewer = await requireActiveOrg(request, 'admin');
  const url = new URL(request.url);
  const sortParam = url.searchParams.get('sort') ?? '';
  const sort: ApprovalSort = (APPROVAL_SORTS as readonly string[]).includes(sortParam)
    ? (sortParam as ApprovalSort)
    : 'created';
  const dir = url.searchParams.get('dir') === 'desc' ? 'desc' : 'asc';
  const page = pageOf(url.searchParams.get('page'));
  const { rows, hasMore } = await awaitingApproval(db, viewer.activeOrg.orgId, { sort, dir, page });
  return json({ rows, hasMore, page, sort, dir, orgId: viewer.activeOrg.orgId });
}

const COLUMNS: { key: ApprovalSort | null; label: MessageKey }[] = [
  { key: null, label: 'approvals.col.order' },
  { key: 'lot', label: 'approvals.col.lot' },
  { key: 'requester', label: 'approvals.col.requester' },
  { key: 'total', label: 'approvals.col.total' },
  { key: null, label: 'approvals.col.po' },
  { key: 'created', label: 'approvals.col.created' },
  { key: null, label: 'approvals.col.deadline' },
];

export default function Approvals() {
  const { rows, hasMore, page, sort, dir, orgId } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const href = (params: { sort: string; dir: string; page?: number }) =>
    `/orders/approvals?sort=${params.sort}&dir=${params.dir}${params.page && params.page > 1 ? `&page=${params.page}` : ''}`;
  return (
    <div>
      <PageHeader title={t('approvals.title')}>
        <Link to={`/orgs/${orgId}/members`} className="text-sm text-sea-700 underline">
          {t('approvals.membersLink')}
        </Link>
      </PageHeader>
      <p className="mb-4 max-w-prose text-sm text-slate-600">{t('approvals.lead')}</p>
      {rows.length === 0 ? (
        <EmptyState
          action={
            <Link
              to={`/orgs/${orgId}/members`}
              className="rounded-md bg-sea-700 px-3 py-2 text-sm font-semibold text-white"
            >
              {t('approvals.membersLink')}
            </Link>
          }
        >
          {page > 1 ? t('market.pastEnd') : t('approvals.empty')}
        </EmptyState>
      ) : (
        <TableScroll label={t('approvals.title')}>
          <table
            className="min-w-full divide-y divide-slate-200 bg-white text-sm"
            data-testid="approvals-table"
          >
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {COLUMNS.map((column) => {
                  const current = column.key !== null && column.key === sort;
                  const next = current && dir === 'asc' ? 'desc' : 'asc';
                  return (
                    <th
                      key={column.label}
                      scope="col"
                      className="px-3 py-2 whitespace-nowrap"
                      aria-sort={current ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      {column.key ? (
                        <Link
                          to={href({ sort: column.key, dir: next })}
                          className="text-sea-700 underline"
                          aria-label={t('approvals.sortBy', { column: t(column.label) })}
                        >
                          {t(column.label)}
                          {current ? (dir === 'asc' ? ' ↑' : ' ↓') : ''}
                        </Link>
                      ) : (
                        t(column.label)
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={row.id} data-testid="approval-row">
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link to={`/orders/${row.id}`} className="font-mono text-sea-700 underline">
                      {row.id.slice(-8).toUpperCase()}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <span className="break-words">{listingTitle(row, locale)}</span>
                  </td>
                  <td className="px-3 py-2">{row.requester}</td>
                  <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                    {formatMoney(row.subtotalFen, row.currency as Currency, locale)}
                  </td>
                  <td className="px-3 py-2 break-all">{row.poNumber ?? '—'}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <time dateTime={row.createdAt}>{formatTime(row.createdAt, locale)}</time>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <time dateTime={row.payBy}>{formatTime(row.payBy, locale)}</time>
                    <Link to={`/orders/${row.id}`} className="ml-3 text-sea-700 underline">
                      {t('approvals.open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager page={page} hasMore={hasMore} hrefFor={(p) => href({ sort, dir, page: p })} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'approvals.title');
