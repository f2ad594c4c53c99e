// Weekly standing orders (每周定期采购) of the buyer org: when each runs next, what it did last, pause, resume, delete.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Badge, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { RepeatError, setStandingStatus, standingActSchema, standingOrdersOf } from '~/b2b/repeat.server';
import { isWeekday, nextRunDay } from '~/b2b/schedule';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, parseForm, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, unitLabel } from '~/lib/units';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const today = marketToday();
  const rows = await standingOrdersOf(db, viewer.activeOrg.orgId);
  return json({
    standing: rows.map((r) => ({
      ...r,
      nextDay: r.status === 'active' && isWeekday(r.weekday) ? nextRunDay(today, r.weekday) : null,
    })),
    canEdit: roleAtLeast(viewer.activeOrg.role, 'trader'),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const formData = await readFormData(request);
  const parsed = parseForm(formData, standingActSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  try {
    await setStandingStatus({
      buyerOrgId: viewer.activeOrg.orgId,
      standingId: parsed.data.standingId,
      to: parsed.data.intent,
    });
  } catch (error) {
    if (error instanceof RepeatError && error.status === 404) throw notFound();
    throw error;
  }
  const toast = {
    paused: 'repeat.standing.toast.paused',
    active: 'repeat.standing.toast.active',
    deleted: 'repeat.standing.toast.deleted',
  } as const;
  return redirectWithToast('/buy/standing', toast[parsed.data.intent]);
}

export default function StandingOrders() {
  const { standing, canEdit } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unitLocale = locale === 'en' ? 'en' : 'zh-CN';
  return (
    <div>
      <PageHeader title={t('repeat.standing.title')}>
        <Link
          to="/buy/lists"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
        >
          {t('repeat.nav.lists')}
        </Link>
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('repeat.standing.lead')}</p>
      <FormAlert error={failed?.errors.standingId ?? failed?.errors.intent ?? failed?.errors.form} />
      {standing.length === 0 ? (
        <EmptyState
          action={
            <Link to="/buy/lists" className="text-sea-700 underline">
              {t('repeat.nav.lists')}
            </Link>
          }
        >
          {t('repeat.standing.empty')}
        </EmptyState>
      ) : (
        <TableScroll label={t('repeat.standing.title')}>
          <table className="min-w-full text-left text-sm" data-testid="standing-orders">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.lot')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.quantity')}
                </th>
                <th scope="col" className="px-3 py-2" aria-sort="ascending">
                  {t('repeat.standing.weekday')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.standing.basePrice')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.status')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.standing.last')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.actions')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {standing.map((s) => (
                <tr key={s.id}>
                  <td className="px-3 py-2">
                    <Link to={`/market/${s.listingId}`} className="font-medium text-sea-800 underline">
                      {listingTitle(s, locale)}
                    </Link>
                    <span className="block text-xs text-slate-500">{s.sellerName}</span>
                  </td>
                  <td className="px-3 py-2 tabular-nums">
                    {s.quantity} {unitLabel(s.unit as QuantityUnit, unitLocale)}
                  </td>
                  <td className="px-3 py-2">
                    {isWeekday(s.weekday) ? t(`repeat.weekday.${s.weekday}`) : null}
                    {s.nextDay ? (
                      <span className="block text-xs text-slate-500">
                        {t('repeat.standing.next')} {s.nextDay}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 tabular-nums">
                    {formatMoney(s.basePriceFen, s.currency as Currency, locale)} · +{s.maxRiseBps / 100}%
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={s.status === 'active' ? 'sea' : 'slate'}>
                      {t(`repeat.standing.status.${s.status}`)}
                    </Badge>
                  </td>
                  <td className="px-3 py-2" data-testid="standing-last">
                    {s.lastRun ? (
                      s.lastRun.orderId ? (
                        <Link to={`/orders/${s.lastRun.orderId}`} className="text-sea-700 underline">
                          {t(`repeat.standing.outcome.${s.lastRun.outcome}`, { week: s.lastRun.week })}
                        </Link>
                      ) : (
                        t(`repeat.standing.outcome.${s.lastRun.outcome}`, { week: s.lastRun.week })
                      )
                    ) : (
                      t('repeat.standing.never')
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {canEdit ? (
                      <Form method="post" className="flex flex-wrap gap-2">
                        <input type="hidden" name="standingId" value={s.id} />
                        {s.status === 'active' ? (
                          <SubmitButton intent="paused" variant="secondary">
                            {t('repeat.standing.pause')}
                          </SubmitButton>
                        ) : (
                          <SubmitButton intent="active" variant="secondary">
                            {t('repeat.standing.resume')}
                          </SubmitButton>
                        )}
                        <SubmitButton intent="deleted" variant="danger">
                          {t('repeat.standing.delete')}
                        </SubmitButton>
                      </Form>
                    ) : null}
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

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'repeat.standing.title');
