// A harvest plan's public page: its terms, how much is pre-ordered, progress posts and versions; a buyer org pre-orders
// here (deposit held in the ledger) and withdraws while it may.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { LateHarvestNotice, PlanFacts, PlanStatusBadges, PreOrderStatusBadge } from '~/components/plan-parts';
import { Card, PageHeader } from '~/components/ui';
import { demandFormValues } from '~/demand/form.server';
import { mayPreOrder, ownPreOrder, planDetail } from '~/farming/pages.server';
import { depositFor, planUnits, placePreOrder, withdrawPreOrder } from '~/farming/plans.server';
import { stepOrRefuse } from '~/farming/route-helpers.server';
import { getViewer, requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketToday } from '~/lib/market-time';
import { formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';
import { perBaseOf } from '~/orders/pricing';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const [viewer, detail] = await Promise.all([getViewer(request), planDetail(db, params.planId ?? '')]);
  if (!detail) throw notFound();
  const { plan } = detail;
  const buyerOrgId =
    mayPreOrder(viewer) && viewer?.activeOrg?.orgId !== plan.sellerOrgId ? viewer?.activeOrg?.orgId : null;
  const mine = buyerOrgId ? await ownPreOrder(db, plan.id, buyerOrgId) : null;
  const today = marketToday();
  const taking = plan.status === 'open' && today <= plan.cutoffDate;
  const baseUnit = plan.baseUnit as 'g' | 'piece';
  return json({
    ...detail,
    mine,
    signedIn: Boolean(viewer),
    canPreOrder: Boolean(buyerOrgId) && taking,
    units: planUnits(baseUnit),
    // The deposit of the smallest pre-order, so the buyer sees the share before posting.
    depositExample: depositFor(plan, plan.minPerBuyer, perBaseOf(baseUnit)),
    isSeller: viewer?.memberships.some((m) => m.orgId === plan.sellerOrgId) ?? false,
    today,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const planId = params.planId ?? '';
  const values = demandFormValues(await readFormData(request));
  const buyerOrgId = viewer.activeOrg.orgId;
  if (values.intent === 'preorder') {
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) =>
        placePreOrder(tx, {
          planId,
          buyerOrgId,
          userId: viewer.user.id,
          quantity: values.quantity ?? '',
          unit: (values.unit ?? 'kg') as QuantityUnit,
        }),
      ),
    );
    if (!result.ok) return result.response;
    return redirectWithToast(`/plans/${planId}`, 'farming.toast.preOrdered');
  }
  if (values.intent === 'withdraw') {
    const result = await stepOrRefuse(values, () =>
      db.transaction((tx) => withdrawPreOrder(tx, { preOrderId: values.preOrderId ?? '', buyerOrgId })),
    );
    if (!result.ok) return result.response;
    return redirectWithToast(`/plans/${planId}`, 'farming.toast.withdrawn');
  }
  return formError({ form: 'errors.invalid' }, values);
}

export default function PlanPage() {
  const {
    plan,
    posts,
    versions,
    traceHref,
    mine,
    signedIn,
    canPreOrder,
    units,
    depositExample,
    isSeller,
    today,
  } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unit = plan.displayUnit as QuantityUnit;
  const money = (fen: number) => formatMoney(fen, 'CNY', locale);
  const live = mine && (mine.status === 'pending' || mine.status === 'confirmed');
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <PageHeader title={plan.title}>
        <PlanStatusBadges plan={plan} today={today} />
        {isSeller ? (
          <Link to={`/sell/plans/${plan.id}`} className="text-sm text-sea-700 underline">
            {t('farming.plan.manage')}
          </Link>
        ) : null}
      </PageHeader>
      {plan.status === 'cancelled' && plan.statusReason ? (
        <p
          role="status"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {t('farming.plan.cancelledBecause', { reason: plan.statusReason })}
        </p>
      ) : null}
      <LateHarvestNotice plan={plan} today={today} audience={isSeller ? 'seller' : 'buyer'} />
      <Card>
        <PlanFacts plan={plan} />
        <p className="mt-3 text-sm text-slate-600">
          {t('farming.plan.terms', {
            min: formatQuantity(plan.minPerBuyer, unit, locale),
            max: formatQuantity(plan.maxPerBuyer, unit, locale),
            deposit: `${plan.depositBps / 100}%`,
            forfeit: `${plan.forfeitBps / 100}%`,
            days: plan.materialDays,
          })}{' '}
          {t(`farming.allocation.${plan.allocation}` as 'farming.allocation.commitment')} ·{' '}
          {plan.delivery.map((d) => t(`farming.delivery.${d}` as 'farming.delivery.pickup')).join('、')}
        </p>
        {plan.notes ? <p className="mt-2 whitespace-pre-line text-sm">{plan.notes}</p> : null}
        {traceHref ? (
          <p className="mt-3 text-sm">
            <Link to={traceHref} className="text-sea-700 underline" data-testid="plan-trace">
              {t('farming.sell.trace')}
            </Link>
          </p>
        ) : null}
      </Card>

      {mine ? (
        <Card title={t('farming.plan.yours')}>
          <p className="text-sm" data-testid="own-pre-order">
            {formatQuantity(mine.quantity, unit, locale)} · {t('farming.pre.deposit')}{' '}
            {money(mine.depositFen)} · <PreOrderStatusBadge status={mine.status} />
          </p>
          {mine.mayWithdraw && live ? (
            <p className="mt-2 text-sm text-amber-800">{t('farming.plan.mayWithdraw')}</p>
          ) : null}
          {live && (mine.status === 'pending' || mine.mayWithdraw) ? (
            <Form method="post" className="mt-3">
              <input type="hidden" name="preOrderId" value={mine.id} />
              <SubmitButton intent="withdraw" variant="secondary">
                {t('farming.plan.withdraw')}
              </SubmitButton>
            </Form>
          ) : null}
          <p className="mt-2 text-sm">
            <Link to={`/preorders/${mine.id}`} className="text-sea-700 underline">
              {t('farming.plan.consumersLink')}
            </Link>
          </p>
        </Card>
      ) : null}

      {canPreOrder && !(mine && mine.status === 'confirmed') ? (
        <Card title={t(mine?.status === 'pending' ? 'farming.plan.change' : 'farming.plan.preOrder')}>
          <Form
            method="post"
            className="grid items-end gap-4 sm:grid-cols-[1fr_10rem_auto]"
            data-testid="pre-order-form"
          >
            <Field
              name="quantity"
              label={t('farming.pre.quantity')}
              inputMode="decimal"
              defaultValue={failed?.values?.quantity}
              error={failed?.errors?.quantity}
              hint={t('farming.plan.depositHint', {
                deposit: money(depositExample),
                min: formatQuantity(plan.minPerBuyer, unit, locale),
              })}
            />
            <SelectField
              name="unit"
              label={t('farming.form.unit')}
              defaultValue={failed?.values?.unit ?? plan.displayUnit}
              options={units.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
              error={failed?.errors?.unit}
            />
            <SubmitButton intent="preorder">{t('farming.plan.submit')}</SubmitButton>
          </Form>
          <div className="mt-2">
            <FormAlert error={failed?.errors?.form} />
          </div>
        </Card>
      ) : !signedIn && plan.status === 'open' ? (
        <p className="text-sm text-slate-600">
          <Link to={`/login?next=/plans/${plan.id}`} className="text-sea-700 underline">
            {t('farming.plan.signIn')}
          </Link>
        </p>
      ) : null}

      <Card title={t('farming.posts.title')}>
        {posts.length === 0 ? (
          <p className="text-sm text-slate-600">{t('farming.posts.empty')}</p>
        ) : (
          <ul className="space-y-4" data-testid="plan-posts">
            {posts.map((p) => (
              <li key={p.id} className="text-sm">
                <p className="text-slate-500">{new Date(p.createdAt).toISOString().slice(0, 10)}</p>
                <p className="whitespace-pre-line">{p.body}</p>
                {p.photoKey ? (
                  <img
                    src={`/plans/${plan.id}/posts/${p.id}`}
                    alt={t('farming.posts.photoAlt', {
                      date: new Date(p.createdAt).toISOString().slice(0, 10),
                    })}
                    className="mt-2 max-h-64 rounded-md"
                    loading="lazy"
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>

      {versions.length > 1 ? (
        <Card title={t('farming.plan.versions')}>
          <ul className="space-y-1 text-sm text-slate-700" data-testid="plan-versions">
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
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'farming.board.title', data?.plan.title);
