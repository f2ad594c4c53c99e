// The exchange's instruments: standardized grades traded on an order book, with the last price and phase now.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { instrumentList } from '~/exchange/pages.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';

export async function loader(_args: LoaderFunctionArgs) {
  return json({ instruments: await instrumentList(db) });
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'exchange.title');

export default function ExchangeIndex() {
  const { instruments } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div>
      <PageHeader title={t('exchange.title')} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('exchange.intro')}</p>
      {instruments.length === 0 ? (
        <EmptyState>{t('exchange.empty')}</EmptyState>
      ) : (
        <TableScroll label={t('exchange.title')}>
          <table className="min-w-full divide-y divide-slate-200 bg-white text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">{t('exchange.col.code')}</th>
                <th className="px-3 py-2">{t('exchange.col.name')}</th>
                <th className="px-3 py-2">{t('exchange.col.unit')}</th>
                <th className="px-3 py-2 text-right">{t('exchange.col.last')}</th>
                <th className="px-3 py-2">{t('exchange.col.phase')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {instruments.map((row) => (
                <tr key={row.id}>
                  <td className="px-3 py-2 font-mono">
                    <Link to={`/exchange/${row.code}`} className="text-sea-700 underline">
                      {row.code}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <Link to={`/exchange/${row.code}`} className="hover:underline">
                      {locale === 'en' ? row.nameEn : row.nameZh}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{locale === 'en' ? row.unitNameEn : row.unitNameZh}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {row.lastPriceFen === null
                      ? '—'
                      : formatMoney(row.lastPriceFen, row.currency as Currency, locale)}
                  </td>
                  <td className="px-3 py-2">
                    <Badge
                      tone={row.phase === 'continuous' ? 'green' : row.phase === 'halted' ? 'red' : 'slate'}
                    >
                      {t(`exchange.phase.${row.phase}`)}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
