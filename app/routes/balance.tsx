// The active organisation's money at the market: available and held balances per currency, and its statement.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { formatTime } from '~/components/notification';
import { Card, EmptyState, PageHeader } from '~/components/ui';
import { type EscrowedOrder, balances, escrowByOrder, orgStatement } from '~/ledger/ledger.server';
import { requireActiveOrg } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, DEFAULT_CURRENCY, formatMoney } from '~/lib/money';
import { STATEMENT_PAGE_SIZE, pageParam, shortOrderId } from '~/orders/pages.server';
import { Pager } from '~/components/pager';
import { maySetUpPayouts } from '~/payments/payouts.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireActiveOrg(request);
  const orgId = viewer.activeOrg.orgId;
  const [all, statement, escrowed] = await Promise.all([
    balances(db, orgId),
    orgStatement(db, orgId, { page: pageParam(new URL(request.url)), pageSize: STATEMENT_PAGE_SIZE }),
    escrowByOrder(db, orgId),
  ]);
  // One row per currency the org holds money in; a new org sees its zero yuan rather than nothing.
  const currencies = [...new Set([DEFAULT_CURRENCY, ...all.map((b) => b.currency)])];
  const totals = currencies.map((currency) => ({
    currency,
    available: all.find((b) => b.currency === currency && b.kind === 'available')?.amount ?? 0,
    held: all.find((b) => b.currency === currency && b.kind === 'held')?.amount ?? 0,
  }));
  return json({
    orgName: viewer.activeOrg.orgName,
    showPayouts: maySetUpPayouts(viewer.activeOrg),
    totals,
    escrow: escrowSides(escrowed),
    page: statement.page,
    hasMore: statement.hasMore,
    entries: statement.entries.map((entry) => ({
      ...entry,
      orderShortId: entry.orderId ? shortOrderId(entry.orderId) : null,
    })),
  });
}

/** Orders in escrow by side, with each side's totals per currency (buying: the org's money held; selling: incoming). */
function escrowSides(escrowed: EscrowedOrder[]) {
  const side = (which: 'buyer' | 'seller') => {
    const rows = escrowed
      .filter((row) => row.side === which)
      .map((row) => ({ ...row, shortId: shortOrderId(row.orderId) }));
    const currencies = [...new Set(rows.map((row) => row.currency))];
    const totals = currencies.map((currency) => ({
      currency,
      heldFen: rows.filter((r) => r.currency === currency).reduce((sum, r) => sum + r.heldFen, 0),
      toSellerFen: rows.filter((r) => r.currency === currency).reduce((sum, r) => sum + r.toSellerFen, 0),
    }));
    return { rows, totals };
  };
  return { buying: side('buyer'), selling: side('seller') };
}

type EscrowSide = ReturnType<typeof escrowSides>['buying'];

function EscrowList({ side, which }: { side: EscrowSide; which: 'buying' | 'selling' }) {
  const t = useT();
  const locale = useLocale();
  const money = (fen: number, currency: Currency) => formatMoney(fen, currency, locale);
  return (
    <section className="space-y-2" data-testid={`escrow-${which}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold text-slate-900">{t(`balance.escrow.${which}`)}</h3>
        <p className="text-sm text-slate-600">
          {side.totals.length === 0
            ? money(0, DEFAULT_CURRENCY)
            : side.totals.map((total) => (
                <span
                  key={total.currency}
                  className="ml-2 font-semibold tabular-nums"
                  data-testid="escrow-total"
                >
                  {t('balance.escrow.total', {
                    amount: money(which === 'buying' ? total.heldFen : total.toSellerFen, total.currency),
                  })}
                </span>
              ))}
        </p>
      </div>
      <p className="text-xs text-slate-500">{t(`balance.escrow.${which}Hint`)}</p>
      {side.rows.length === 0 ? (
        <p className="text-sm text-slate-500">{t(`balance.escrow.${which}Empty`)}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {side.rows.map((row) => (
            <li
              key={row.orderId}
              className="grid grid-cols-[6rem_minmax(0,1fr)_auto] items-baseline gap-3 py-2"
              data-testid="escrow-row"
            >
              <Link to={`/orders/${row.orderId}`} className="font-mono text-sea-700 underline">
                {row.shortId}
              </Link>
              <span className="min-w-0 truncate">
                {(locale === 'en' ? (row.titleEn ?? row.titleZh) : (row.titleZh ?? row.titleEn)) ?? ''}
                <span className="ml-1.5 text-xs text-slate-500">
                  {t(`orders.status.${row.status}` as 'orders.status.paid')}
                </span>
              </span>
              <span className="text-right tabular-nums">
                <span className="font-semibold text-slate-900">{money(row.heldFen, row.currency)}</span>
                {which === 'selling' ? (
                  <span className="block text-xs text-slate-500">
                    {t('balance.escrow.toSeller', { amount: money(row.toSellerFen, row.currency) })}
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function Balance() {
  const { orgName, showPayouts, totals, escrow, entries, page, hasMore } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (fen: number, currency: Currency) => formatMoney(fen, currency, locale);
  const signed = (fen: number, currency: Currency) =>
    fen > 0 ? `+${money(fen, currency)}` : money(fen, currency);
  const pageHref = (n: number) => (n > 1 ? `/balance?page=${n}` : '/balance');

  return (
    <div className="space-y-6">
      <PageHeader title={t('balance.title')}>
        <span className="text-sm text-slate-500">{orgName}</span>
        {showPayouts ? (
          <Link to="/balance/payouts" className="text-sm text-sea-700 underline">
            {t('balance.payoutsLink')}
          </Link>
        ) : null}
      </PageHeader>

      <div className="grid gap-3 sm:grid-cols-2" data-testid="balances">
        {totals.flatMap((total) => [
          <div
            key={`${total.currency}-available`}
            className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
          >
            <p className="text-sm text-slate-500">
              {t('balance.available')}
              {totals.length > 1 ? ` · ${total.currency}` : null}
            </p>
            <p
              className="mt-1 text-2xl font-bold text-slate-900 tabular-nums"
              data-testid="balance-available"
            >
              {money(total.available, total.currency)}
            </p>
            <p className="mt-1 text-xs text-slate-500">{t('balance.availableHint')}</p>
          </div>,
          <div
            key={`${total.currency}-held`}
            className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
          >
            <p className="text-sm text-slate-500">
              {t('balance.held')}
              {totals.length > 1 ? ` · ${total.currency}` : null}
            </p>
            <p className="mt-1 text-2xl font-bold text-slate-900 tabular-nums" data-testid="balance-held">
              {money(total.held, total.currency)}
            </p>
            <p className="mt-1 text-xs text-slate-500">{t('balance.heldHint')}</p>
          </div>,
        ])}
      </div>

      <Card title={t('balance.escrow.title')}>
        <div className="space-y-6" data-testid="escrow">
          <EscrowList side={escrow.buying} which="buying" />
          <EscrowList side={escrow.selling} which="selling" />
        </div>
      </Card>

      <Card title={t('balance.statement')}>
        {entries.length === 0 && page === 1 ? (
          <EmptyState>{t('balance.empty')}</EmptyState>
        ) : (
          <>
            <div className="hidden grid-cols-[11rem_minmax(0,1fr)_7rem_9rem_9rem] gap-4 border-b border-slate-200 pb-2 text-xs font-medium text-slate-500 md:grid">
              <span>{t('balance.col.time')}</span>
              <span>{t('balance.col.kind')}</span>
              <span>{t('balance.col.order')}</span>
              <span className="text-right">{t('balance.col.amount')}</span>
              <span className="text-right">{t('balance.col.balance')}</span>
            </div>
            <ul className="divide-y divide-slate-100 text-sm" data-testid="statement">
              {entries.map((entry) => (
                <li
                  key={entry.entryId}
                  className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-0.5 py-2.5 md:grid-cols-[11rem_minmax(0,1fr)_7rem_9rem_9rem] md:items-center md:gap-4"
                  data-testid="statement-row"
                >
                  <span className="order-3 text-xs text-slate-500 md:order-none md:text-sm md:text-slate-600">
                    <time dateTime={entry.at}>{formatTime(entry.at, locale)}</time>
                    {entry.orderId ? (
                      <>
                        <span className="md:hidden"> · </span>
                        <Link
                          to={`/orders/${entry.orderId}`}
                          className="font-mono text-sea-700 underline md:hidden"
                        >
                          {entry.orderShortId}
                        </Link>
                      </>
                    ) : null}
                  </span>
                  <span className="order-1 min-w-0 md:order-none">
                    {t(`balance.kind.${entry.transactionKind}` as KeyIn<'balance.kind'>)}
                    <span className="ml-1.5 text-xs text-slate-500">
                      {t(`balance.account.${entry.account}`)}
                    </span>
                  </span>
                  <span className="hidden font-mono text-xs md:block">
                    {entry.orderId ? (
                      <Link to={`/orders/${entry.orderId}`} className="text-sea-700 underline">
                        {entry.orderShortId}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </span>
                  <span
                    className={`order-2 text-right font-semibold tabular-nums md:order-none ${entry.amount > 0 ? 'text-emerald-700' : 'text-slate-900'}`}
                  >
                    {signed(entry.amount, entry.currency)}
                  </span>
                  <span className="order-4 text-right text-xs text-slate-500 tabular-nums md:order-none md:text-sm md:text-slate-600">
                    {money(entry.balanceAfter, entry.currency)}
                  </span>
                </li>
              ))}
            </ul>
            <Pager page={page} hasMore={hasMore} hrefFor={pageHref} label={t('balance.statement')} />
          </>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'balance.title');
