// The retailer's list of its customers' reservations as a spreadsheet (CSV): only the pre-order's own org may download it.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { reservationsCsv, reservationsOf } from '~/farming/consumers.server';
import { retailerPreOrder } from '~/farming/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { translator } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import type { QuantityUnit } from '~/lib/units';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const pre = await retailerPreOrder(db, params.preOrderId ?? '', viewer.activeOrg.orgId);
  if (!pre) throw notFound();
  const rows = (await reservationsOf(db, pre.id, viewer.activeOrg.orgId)) ?? [];
  const t = translator(await resolveLocale(request));
  const unit = pre.displayUnit as QuantityUnit;
  const csv = reservationsCsv(rows, unit, [
    t('farming.consumer.name'),
    t('farming.consumer.phone'),
    t('farming.consumer.store'),
    `${t('farming.pre.quantity')} (${unit})`,
    t('farming.share.reservedAt'),
    t('farming.share.pickup'),
  ]);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="reservations-${pre.id}.csv"`,
      // Personal data: never kept by a shared cache.
      'Cache-Control': 'private, no-store',
    },
  });
}
