// A retailer's share of a harvest plan opened to its own customers: the pickup stores, the public reservation link, and
// the list of its customers' reservations (only this org sees it), sorted and paged, with pickup marked and a CSV export.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton, TextareaField } from '~/components/forms';
import { PreOrderStatusBadge } from '~/components/plan-parts';
import { Pager } from '~/components/pager';
import { Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import {
  CONSUMER_DATA_DAYS,
  markPickedUp,
  openToConsumers,
  reservationsOf,
} from '~/farming/consumers.server';
import { pageOf, retailerPreOrder } from '~/farming/pages.server';
import { stepOrRefuse } from '~/farming/route-helpers.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, formatQuantity } from '~/lib/units';

const PAGE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const pre = await retailerPreOrder(db, params.preOrderId ?? '', viewer.activeOrg.orgId);
  if (!pre) throw notFound();
  const url = new URL(request.url);
  const sort = url.searchParams.get('sort') === 'time' ? 'time' : 'store';
  const page = pageOf(url.searchParams.get('page'));
  const all = (await reservationsOf(db, pre.id, viewer.activeOrg.orgId)) ?? [];
  if (sort === 'time') all.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return json({
    pre,
    rows: all.slice((page - 1) * PAGE, page * PAGE),
    total: all.length,
    page,
    pages: Math.max(1, Math.ceil(all.length / PAGE)),
    sort,
    origin: url.origin,
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
    days: CONSUMER_DATA_DAYS,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const preOrderId = params.preOrderId ?? '';
  const buyerOrgId = viewer.activeOrg.orgId;
  const values = demandFormValues(await readFormData(request));
  const back = `/preorders/${preOrderId}`;
  if (values.intent === 'stores') {
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) => openToConsumers(tx, { preOrderId, buyerOrgId, stores: values.stores ?? '' })),
    );
    if (!result.ok) return result.response;
    return redirectWithToast(back, 'farming.toast.storesSaved');
  }
  if (values.intent === 'picked') {
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) =>
        markPickedUp(tx, { reservationId: values.reservationId ?? '', preOrderId, buyerOrgId }),
      ),
    );
    if (!result.ok) return result.response;
    return redirectWithToast(back, 'farming.toast.pickedUp');
  }
  return formError({ form: 'errors.invalid' }, values);
}

export default function RetailerShare() {
  const { pre, rows, total, page, pages, sort, origin, canAct, days } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unit = pre.displayUnit as QuantityUnit;
  const link = `${origin}/plans/${pre.planId}/r/${pre.id}`;
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <PageHeader title={t('farming.share.title', { plan: pre.title })}>
        <PreOrderStatusBadge status={pre.status} />
      </PageHeader>
      <Card title={t('farming.share.open')}>
        <p className="mb-3 text-sm text-slate-600">
          {t('farming.share.lead', {
            quantity: formatQuantity(pre.allocated ?? pre.quantity, unit, locale),
            reserved: formatQuantity(pre.reserved, unit, locale),
            days,
          })}
        </p>
        {pre.consumerOpen ? (
          <p className="mb-3 text-sm">
            {t('farming.share.link')}{' '}
            <Link
              to={`/plans/${pre.planId}/r/${pre.id}`}
              className="break-all text-sea-700 underline"
              data-testid="consumer-link"
            >
              {link}
            </Link>
          </p>
        ) : null}
        {canAct ? (
          <Form method="post" className="space-y-3" data-testid="stores-form">
            <TextareaField
              name="stores"
              label={t('farming.share.stores')}
              hint={t('farming.share.storesHint')}
              rows={3}
              defaultValue={failed?.values?.stores ?? pre.consumerStores.join('\n')}
              error={failed?.errors?.stores}
            />
            <SubmitButton intent="stores">{t('farming.share.save')}</SubmitButton>
            <FormAlert error={failed?.errors?.form} />
          </Form>
        ) : null}
      </Card>
      <Card title={t('farming.share.list', { count: total })}>
        {total > 0 ? (
          <p className="mb-3 text-sm">
            <a href={`/preorders/${pre.id}/csv`} className="text-sea-700 underline" download>
              {t('farming.share.export')}
            </a>
          </p>
        ) : null}
        {rows.length === 0 ? (
          <EmptyState>{t('farming.share.empty')}</EmptyState>
        ) : (
          <TableScroll label={t('farming.share.list', { count: total })}>
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="consumer-list">
              <thead className="text-left text-slate-600">
                <tr>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.consumer.name')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.consumer.phone')}
                  </th>
                  <th
                    scope="col"
                    className="px-2 py-2"
                    aria-sort={sort === 'store' ? 'ascending' : undefined}
                  >
                    <Link to="?sort=store" className="underline">
                      {t('farming.consumer.store')}
                    </Link>
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.quantity')}
                  </th>
                  <th scope="col" className="px-2 py-2" aria-sort={sort === 'time' ? 'ascending' : undefined}>
                    <Link to="?sort=time" className="underline">
                      {t('farming.share.reservedAt')}
                    </Link>
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.share.pickup')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td className="px-2 py-2">{r.name}</td>
                    <td className="px-2 py-2 whitespace-nowrap">{r.phone}</td>
                    <td className="px-2 py-2">{r.pickupStore}</td>
                    <td className="px-2 py-2 whitespace-nowrap">
                      {formatQuantity(r.quantity, unit, locale)}
                    </td>
                    <td className="px-2 py-2 whitespace-nowrap">
                      {new Date(r.createdAt).toISOString().slice(0, 10)}
                    </td>
                    <td className="px-2 py-2">
                      {r.pickedUpAt ? (
                        new Date(r.pickedUpAt).toISOString().slice(0, 10)
                      ) : canAct ? (
                        <Form method="post">
                          <input type="hidden" name="reservationId" value={r.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="picked"
                            className="text-sea-700 underline"
                            aria-label={t('farming.share.markFor', { name: r.name })}
                          >
                            {t('farming.share.mark')}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={page} pages={pages} hrefFor={(p) => `/preorders/${pre.id}?sort=${sort}&page=${p}`} />
      </Card>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'farming.mine.title', data?.pre.title);
