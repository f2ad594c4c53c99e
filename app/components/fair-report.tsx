// The after-fair report table (#19.5): per exhibitor visits, leads, appointments, orders and volume.
import { EmptyState, TableScroll } from '~/components/ui';
import { fen } from '~/fairs/format';
import { useLocale, useT } from '~/lib/i18n';

export function ReportTable({
  report,
}: {
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
  return (
    <TableScroll label={t('fairs.report.title')}>
      <table className="min-w-full text-left text-sm">
        <thead>
          <tr className="border-b text-slate-500">
            <th className="py-2 pr-4">{t('fairs.field.boothNumber')}</th>
            <th className="py-2 pr-4">{t('fairs.field.exhibitor')}</th>
            <th className="py-2 pr-4 text-right">{t('fairs.report.visits')}</th>
            <th className="py-2 pr-4 text-right">{t('fairs.report.leads')}</th>
            <th className="py-2 pr-4 text-right">{t('fairs.report.appointments')}</th>
            <th className="py-2 pr-4 text-right">{t('fairs.report.orders')}</th>
            <th className="py-2 pr-4 text-right">{t('fairs.report.volume')}</th>
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
