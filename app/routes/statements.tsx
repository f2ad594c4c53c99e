// Statements on terms (对账单, issue #18, ADR 0056): a month of an org's trade on credit terms — what it owes each
// seller, or what each buyer owes it — from the ledger's receivable entries, with CSV and PDF downloads.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { statementForRequest } from '~/b2b/statement-route.server';
import { shiftMonth } from '~/b2b/terms-rules';
import { openTermsOrders } from '~/b2b/terms.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { marketDate } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { formatMoney } from '~/lib/money';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'terms.statement.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, statement, titles, sides, orgName } = await statementForRequest(request);
  const open = await openTermsOrders(db, viewer.activeOrg?.orgId ?? '', statement.side);
  return json({
    statement,
    titles: Object.fromEntries(titles),
    sides,
    orgName,
    open: open.map((row) => ({ ...row, overdue: row.overdueAt !== null })),
    today: marketDate(new Date()),
  });
}

export default function Statements() {
  const { statement, titles, sides, orgName, open } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatMoney(fen, 'CNY', locale);
  const query = (month: string) => `?month=${month}&side=${statement.side}`;
  const title = (orderId: string) => {
    const found = titles[orderId];
    return (locale === 'en' ? (found?.en ?? found?.zh) : (found?.zh ?? found?.en)) ?? '';
  };
  return (
    <div className="space-y-6">
      <PageHeader title={t('terms.statement.title')}>
        <a
          href={`/statements.csv${query(statement.month)}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
          download
        >
          {t('terms.statement.csv')}
        </a>
        <a
          href={`/statements.pdf${query(statement.month)}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
          download
        >
          {t('terms.statement.pdf')}
        </a>
      </PageHeader>
      <p className="-mt-4 text-sm text-slate-600">
        {orgName} ·{' '}
        {t(statement.side === 'buyer' ? 'terms.statement.sideBuyer' : 'terms.statement.sideSeller')}
      </p>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="statement-month" className="block text-sm font-medium text-slate-700">
            {t('terms.statement.month')}
          </label>
          <input
            id="statement-month"
            type="month"
            name="month"
            defaultValue={statement.month}
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-base"
          />
        </div>
        {sides.length > 1 ? (
          <div>
            <label htmlFor="statement-side" className="block text-sm font-medium text-slate-700">
              {t('terms.statement.side')}
            </label>
            <select
              id="statement-side"
              name="side"
              defaultValue={statement.side}
              className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-base"
            >
              {sides.map((side) => (
                <option key={side} value={side}>
                  {t(side === 'buyer' ? 'terms.statement.sideBuyer' : 'terms.statement.sideSeller')}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="side" value={statement.side} />
        )}
        <button
          type="submit"
          className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sea-800"
        >
          {t('terms.statement.show')}
        </button>
        <nav aria-label={t('terms.statement.monthNav')} className="flex gap-3 text-sm">
          <Link to={query(shiftMonth(statement.month, -1))} className="text-sea-800 underline">
            {t('terms.statement.previous')}
          </Link>
          <Link to={query(shiftMonth(statement.month, 1))} className="text-sea-800 underline">
            {t('terms.statement.next')}
          </Link>
        </nav>
      </Form>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[
          ['terms.statement.opening', statement.openingFen],
          ['terms.statement.ordered', statement.orderedFen],
          ['terms.statement.paid', statement.paidFen],
          ['terms.statement.closing', statement.closingFen],
        ].map(([key, fen]) => (
          <div key={key as string} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-xs text-slate-500">{t(key as 'terms.statement.opening')}</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums text-slate-900">{money(fen as number)}</dd>
          </div>
        ))}
      </dl>

      <Card title={t('terms.statement.linesTitle', { month: statement.month })}>
        {statement.lines.length === 0 ? (
          <EmptyState>
            {t(statement.side === 'buyer' ? 'terms.statement.emptyBuyer' : 'terms.statement.emptySeller')}
          </EmptyState>
        ) : (
          <TableScroll label={t('terms.statement.linesTitle', { month: statement.month })}>
            <table className="w-full min-w-[42rem] text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.statement.col.date')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.statement.col.kind')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.statement.col.order')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t(
                      statement.side === 'buyer' ? 'terms.statement.col.seller' : 'terms.statement.col.buyer',
                    )}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.statement.col.po')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.statement.col.due')}
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    {t('terms.statement.col.amount')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {statement.lines.map((line, i) => (
                  <tr key={`${line.orderId}-${i}`}>
                    <td className="px-3 py-2 whitespace-nowrap">{marketDate(new Date(line.at))}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{t(`terms.kind.${line.kind}`)}</td>
                    <td className="px-3 py-2">
                      <Link to={`/orders/${line.orderId}`} className="text-sea-800 underline">
                        {line.orderId.slice(-8).toUpperCase()}
                      </Link>
                      <div className="text-xs text-slate-500">{title(line.orderId)}</div>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">{line.counterpartyName}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{line.poNumber ?? '—'}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {line.dueAt ? marketDate(new Date(line.dueAt)) : t('terms.statement.dueAfterInvoice')}
                      {line.overdue ? <Badge tone="red">{t('terms.overdue')}</Badge> : null}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{money(line.amountFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Card>

      <Card title={t('terms.statement.openTitle')}>
        {open.length === 0 ? (
          <p className="text-sm text-slate-600">{t('terms.statement.openEmpty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {open.map((row) => (
              <li key={row.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <Link to={`/orders/${row.id}`} className="text-sea-800 underline">
                  {row.id.slice(-8).toUpperCase()}
                </Link>
                <span>
                  {row.dueAt
                    ? t('terms.dueOn', { date: marketDate(new Date(row.dueAt)) })
                    : t('terms.statement.dueAfterInvoice')}{' '}
                  {row.overdue ? <Badge tone="red">{t('terms.overdue')}</Badge> : null}
                </span>
                <span className="tabular-nums font-medium">
                  {t('terms.owed', { amount: money(row.owedFen) })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
