// The after-fair report table (#19.5): per exhibitor visits, leads, appointments, orders and volume.
import { Link } from '@remix-run/react';
import { EmptyState, TableScroll } from '~/components/ui';
import { fen } from '~/fairs/format';
import { useLocale, useT } from '~/lib/i18n';

type Column = 'booth' | 'exhibitor' | 'visits' | 'leads' | 'appointments' | 'orders' | 'volume';

/** With `sort`, the column headers are links that sort the table (the page's loader sorts; no JavaScript). */
export function ReportTable({
  report,
  sort,
}: {
  sort?: { key: Column; dir: 'asc' | 'desc' };
  report: {
    orgId: string;
    name: string;
    number: string;
    zone: string;
    visits: number;
    leads: number;
    appointments: number;
    orders: number;
    volumeFen: number;
  }[];
}) {
  const t = useT();
  const locale = useLocale();
  if (report.length === 0) return <EmptyState>{t('fairs.report.empty')}</EmptyState>;
  const header = (key: Column, label: string, numeric = false) => {
    const className = `py-2 pr-4${numeric ? ' text-right' : ''}`;
    if (!sort)
      return (
        <th scope="col" className={className}>
          {label}
        </th>
      );
    const active = sort.key === key;
    // Numbers start largest first, names and booths in order; the current column flips.
    const dir = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : numeric ? 'desc' : 'asc';
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      >
        <Link to={`?sort=${key}&dir=${dir}`} className="text-sea-700 underline" preventScrollReset>
          {label}
          {active ? <span aria-hidden>{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
        </Link>
      </th>
    );
  };
  return (
    <TableScroll label={t('fairs.report.title')}>
      <table className="min-w-full text-left text-sm">
        <thead>
          <tr className="border-b text-slate-500">
            {header('booth', t('fairs.field.boothNumber'))}
            {header('exhibitor', t('fairs.field.exhibitor'))}
            {header('visits', t('fairs.report.visits'), true)}
            {header('leads', t('fairs.report.leads'), true)}
            {header('appointments', t('fairs.report.appointments'), true)}
            {header('orders', t('fairs.report.orders'), true)}
            {header('volume', t('fairs.report.volume'), true)}
          </tr>
        </thead>
        <tbody>
          {report.map((r) => (
            <tr key={r.orgId} className="border-b border-slate-100">
              <td className="py-2 pr-4">{r.number}</td>
              <td className="py-2 pr-4">{r.name}</td>
              <td className="py-2 pr-4 text-right">{r.visits}</td>
              <td className="py-2 pr-4 text-right">{r.leads}</td>
              <td className="py-2 pr-4 text-right">{r.appointments}</td>
              <td className="py-2 pr-4 text-right">{r.orders}</td>
              <td className="py-2 pr-4 text-right">{fen(r.volumeFen, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
