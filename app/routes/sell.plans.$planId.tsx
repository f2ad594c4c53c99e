// A seller's harvest plan: its pre-orders in commitment order (confirm or decline), the weighed harvest, progress posts,
// a new version of the terms, closing it to new pre-orders, and cancelling it after a crop failure.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FieldError, FormAlert, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import {
  LateHarvestNotice,
  PlanFacts,
  PlanForm,
  PlanStatusBadges,
  PreOrderStatusBadge,
} from '~/components/plan-parts';
import { Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import {
  planAttributes,
  planDetail,
  planForEdit,
  planFormValues,
  planPreOrders,
} from '~/farming/pages.server';
import { readPostMultipart, storePostPhoto } from '~/farming/posts.server';
import {
  addPlanPost,
  cancelPlan,
  decidePreOrder,
  parsePlanForm,
  planUnits,
  recordHarvest,
  setPlanOpen,
  updatePlan,
} from '~/farming/plans.server';
import { stepOrRefuse } from '~/farming/route-helpers.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketToday } from '~/lib/market-time';
import { formatMoney } from '~/lib/money';
import { removeStoredFiles } from '~/lib/storage.server';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const own = await planForEdit(db, params.planId ?? '', viewer.activeOrg.orgId);
  if (!own) throw notFound();
  const [detail, preOrders] = await Promise.all([planDetail(db, own.id), planPreOrders(db, own.id)]);
  if (!detail) throw notFound();
  const [category] = (await activeCategories(db)).filter((c) => c.id === own.categoryId);
  return json({
    ...detail,
    preOrders,
    values: planFormValues(own),
    units: planUnits(category?.baseUnit ?? 'g'),
    attributes: planAttributes(category),
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
    today: marketToday(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const planId = params.planId ?? '';
  const orgId = viewer.activeOrg.orgId;
  const back = `/sell/plans/${planId}`;
  // The progress post carries a photo: the one multipart form of the page.
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data'))
    return addPost(request, { planId, orgId, userId: viewer.user.id, back });
  const values = demandFormValues(await readFormData(request));
  switch (values.intent) {
    case 'update': {
      const own = await planForEdit(db, planId, orgId);
      if (!own) throw notFound();
      const categories = await activeCategories(db);
      const category = categories.find((c) => c.id === own.categoryId) ?? null;
      const parsed = parsePlanForm({ ...values, categoryId: own.categoryId }, category, marketToday(), false);
      if (!parsed.ok) return formError(parsed.errors, values);
      const result = await stepOrRefuse(values, () =>
        db.transaction((tx) =>
          updatePlan(tx, { planId, orgId, userId: viewer.user.id, draft: parsed.draft }),
        ),
      );
      if (!result.ok) return result.response;
      return redirectWithToast(
        back,
        result.value.material ? 'farming.toast.updatedMaterial' : 'farming.toast.updated',
      );
    }
    case 'confirm':
    case 'decline': {
      const decision = values.intent;
      const result = await stepOrRefuse(values, () =>
        db.transaction((tx) =>
          decidePreOrder(tx, { preOrderId: values.preOrderId ?? '', sellerOrgId: orgId, decision }),
        ),
      );
      if (!result.ok) return result.response;
      return redirectWithToast(
        back,
        decision === 'confirm' ? 'farming.toast.confirmed' : 'farming.toast.declined',
      );
    }
    case 'harvest': {
      const result = await stepOrRefuse(values, () =>
        db.transaction((tx) =>
          recordHarvest(tx, {
            planId,
            sellerOrgId: orgId,
            userId: viewer.user.id,
            quantity: values.quantity ?? '',
            unit: (values.unit ?? 'kg') as QuantityUnit,
          }),
        ),
      );
      if (!result.ok) return result.response;
      return redirectWithToast(back, 'farming.toast.harvested');
    }
    case 'cancel': {
      const result = await stepOrRefuse(values, () =>
        db.transaction((tx) => cancelPlan(tx, { planId, sellerOrgId: orgId, reason: values.reason ?? '' })),
      );
      if (!result.ok) return result.response;
      return redirectWithToast(back, 'farming.toast.cancelled');
    }
    case 'close':
    case 'open': {
      const open = values.intent === 'open';
      const result = await stepOrRefuse(values, () =>
        db.transaction((tx) => setPlanOpen(tx, { planId, sellerOrgId: orgId, open })),
      );
      if (!result.ok) return result.response;
      return redirectWithToast(back, open ? 'farming.toast.reopened' : 'farming.toast.closed');
    }
    default:
      return formError({ form: 'errors.invalid' }, values);
  }
}

async function addPost(
  request: Request,
  input: { planId: string; orgId: string; userId: string; back: string },
) {
  const { fields, uploads, errors } = await readPostMultipart(request);
  const values = { body: fields.body ?? '', intent: 'post' };
  if (Object.keys(errors).length > 0) return formError(errors, values);
  const written: string[] = [];
  try {
    const photo = uploads[0] ? await storePostPhoto(input.planId, uploads[0], written) : undefined;
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) =>
        addPlanPost(tx, {
          planId: input.planId,
          sellerOrgId: input.orgId,
          userId: input.userId,
          body: values.body,
          photo,
        }),
      ),
    );
    if (!result.ok) {
      await removeStoredFiles(written);
      return result.response;
    }
  } catch (error) {
    await removeStoredFiles(written);
    throw error;
  }
  return redirectWithToast(input.back, 'farming.toast.posted');
}

export default function SellerPlan() {
  const { plan, posts, versions, traceHref, preOrders, values, units, attributes, canAct, today } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unit = plan.displayUnit as QuantityUnit;
  const live = plan.status === 'open' || plan.status === 'closed';
  const errorsFor = (intent: string) => (failed?.values?.intent === intent ? failed.errors : {});
  const money = (fen: number) => formatMoney(fen, 'CNY', locale);
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <PageHeader title={plan.title}>
        <PlanStatusBadges plan={plan} today={today} />
        <Link to={`/plans/${plan.id}`} className="text-sm text-sea-700 underline">
          {t('farming.sell.publicPage')}
        </Link>
      </PageHeader>
      {plan.statusReason ? (
        <p className="text-sm text-red-700" data-testid="plan-reason">
          {t('farming.sell.reason', { reason: plan.statusReason })}
        </p>
      ) : null}
      <LateHarvestNotice plan={plan} today={today} audience="seller" />
      <Card>
        <PlanFacts plan={plan} />
        {traceHref ? (
          <p className="mt-3 text-sm">
            <Link to={traceHref} className="text-sea-700 underline">
              {t('farming.sell.trace')}
            </Link>
          </p>
        ) : null}
      </Card>

      <Card title={t('farming.sell.preOrders')}>
        {preOrders.length === 0 ? (
          <EmptyState>{t('farming.sell.noPreOrders')}</EmptyState>
        ) : (
          <TableScroll label={t('farming.sell.preOrders')}>
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="plan-pre-orders">
              <thead className="text-left text-slate-600">
                <tr>
                  <th scope="col" className="px-2 py-2" aria-sort="ascending">
                    #
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.buyer')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.quantity')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.deposit')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.status')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('farming.pre.actions')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {preOrders.map((pre, i) => (
                  <tr key={pre.id}>
                    <td className="px-2 py-2">{i + 1}</td>
                    <td className="px-2 py-2">{pre.buyerName}</td>
                    <td className="px-2 py-2 whitespace-nowrap">
                      {formatQuantity(pre.quantity, unit, locale)}
                      {pre.allocated !== null && pre.status === 'filled'
                        ? ` → ${formatQuantity(pre.allocated, unit, locale)}`
                        : ''}
                    </td>
                    <td className="px-2 py-2 whitespace-nowrap">{money(pre.depositFen)}</td>
                    <td className="px-2 py-2">
                      <PreOrderStatusBadge status={pre.status} />
                    </td>
                    <td className="px-2 py-2">
                      {pre.status === 'pending' && canAct && live ? (
                        <Form method="post" className="flex gap-2">
                          <input type="hidden" name="preOrderId" value={pre.id} />
                          <SubmitButton intent="confirm">{t('farming.pre.confirm')}</SubmitButton>
                          <SubmitButton intent="decline" variant="secondary">
                            {t('farming.pre.decline')}
                          </SubmitButton>
                        </Form>
                      ) : pre.orderId ? (
                        <Link to={`/orders/${pre.orderId}`} className="text-sea-700 underline">
                          {t('farming.pre.order')}
                        </Link>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <FormAlert error={errorsFor('confirm').form ?? errorsFor('decline').form} />
      </Card>

      {canAct && live ? (
        <Card title={t('farming.harvest.title')}>
          <p className="mb-3 text-sm text-slate-600">
            {t(
              plan.allocation === 'pro_rata'
                ? 'farming.harvest.leadProRata'
                : 'farming.harvest.leadCommitment',
            )}
          </p>
          <Form
            method="post"
            className="grid items-end gap-4 sm:grid-cols-[1fr_10rem_auto]"
            data-testid="harvest-form"
          >
            <Field
              id="harvest-quantity"
              name="quantity"
              label={t('farming.harvest.quantity')}
              inputMode="decimal"
              error={errorsFor('harvest').quantity}
              defaultValue={failed?.values?.intent === 'harvest' ? failed.values.quantity : undefined}
            />
            <SelectField
              id="harvest-unit"
              name="unit"
              label={t('farming.form.unit')}
              defaultValue={plan.displayUnit}
              options={units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
              error={errorsFor('harvest').unit}
            />
            <SubmitButton intent="harvest">{t('farming.harvest.submit')}</SubmitButton>
          </Form>
          <FormAlert error={errorsFor('harvest').form} />
        </Card>
      ) : null}

      <Card title={t('farming.posts.title')}>
        {canAct ? (
          <Form
            key={posts.length}
            method="post"
            encType="multipart/form-data"
            className="mb-4 space-y-3"
            data-testid="post-form"
          >
            <input type="hidden" name="intent" value="post" />
            <TextareaField
              name="body"
              label={t('farming.posts.body')}
              rows={2}
              defaultValue={failed?.values?.intent === 'post' ? failed.values.body : undefined}
              error={errorsFor('post').body}
            />
            <div>
              <label htmlFor="photo" className="block text-sm font-medium text-slate-700">
                {t('farming.posts.photo')}
              </label>
              <input
                id="photo"
                name="photo"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                className="mt-1 text-sm"
                aria-invalid={errorsFor('post').photo ? true : undefined}
                aria-describedby={errorsFor('post').photo ? 'photo-error' : undefined}
              />
              <FieldError name="photo" error={errorsFor('post').photo} />
            </div>
            <SubmitButton>{t('farming.posts.submit')}</SubmitButton>
          </Form>
        ) : null}
        {posts.length === 0 ? (
          <p className="text-sm text-slate-600">{t('farming.posts.emptySeller')}</p>
        ) : (
          <ul className="space-y-3">
            {posts.map((p) => (
              <li key={p.id} className="text-sm">
                <p className="text-slate-500">{new Date(p.createdAt).toISOString().slice(0, 10)}</p>
                <p className="whitespace-pre-line">{p.body}</p>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {canAct && live ? (
        <Card title={t('farming.edit.title')}>
          <p className="mb-3 text-sm text-slate-600">{t('farming.edit.lead', { days: plan.materialDays })}</p>
          <PlanForm
            values={failed?.values?.intent === 'update' ? failed.values : values}
            errors={errorsFor('update')}
            category={{
              id: plan.categoryId,
              name: locale === 'en' ? plan.categoryEn : plan.categoryZh,
              attributes,
            }}
            units={units}
            submitLabel={t('farming.edit.submit')}
            intent="update"
          />
          {versions.length > 1 ? (
            <ul className="mt-4 space-y-1 text-sm text-slate-600" data-testid="plan-versions">
              {versions.map((v) => (
                <li key={v.version}>
                  v{v.version} · {new Date(v.createdAt).toISOString().slice(0, 10)}
                  {v.changes.length
                    ? ` · ${v.changes.map((c) => t(`farming.change.${c}` as 'farming.change.window')).join('、')}`
                    : ''}
                  {v.material ? ` · ${t('farming.edit.material')}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      ) : null}

      {canAct && live ? (
        <Card title={t('farming.stop.title')}>
          <Form method="post" className="mb-4">
            {plan.status === 'open' ? (
              <SubmitButton intent="close" variant="secondary">
                {t('farming.stop.close')}
              </SubmitButton>
            ) : (
              <SubmitButton intent="open" variant="secondary">
                {t('farming.stop.open')}
              </SubmitButton>
            )}
          </Form>
          <Form method="post" className="space-y-3" data-testid="cancel-form">
            <TextareaField
              name="reason"
              label={t('farming.stop.reason')}
              hint={t('farming.stop.reasonHint')}
              rows={2}
              error={errorsFor('cancel').reason}
            />
            <SubmitButton intent="cancel" variant="danger">
              {t('farming.stop.cancel')}
            </SubmitButton>
          </Form>
          <FormAlert error={errorsFor('cancel').form ?? errorsFor('close').form ?? errorsFor('open').form} />
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'farming.sell.title', data?.plan.title);
