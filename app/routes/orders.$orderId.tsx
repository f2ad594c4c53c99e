// One order: its summary and money, how to pay, its timeline, and a form for each step the viewer may take now.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';
import { Field, FieldError, FormAlert, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { formatTime } from '~/components/notification';
import { OrderStatusBadge, OrderTimeline, percentOfBps } from '~/components/order-timeline';
import { ExcursionList, ShipmentPanel } from '~/components/shipment-panel';
import { Card } from '~/components/ui';
import { ColdChainError, cancelBooking, mayCancelBooking } from '~/coldchain/coldchain.server';
import { shipmentForOrder } from '~/coldchain/shipment.server';
import { requireActingOrg, requireOperator, requireOrgRole, requireUser } from '~/lib/auth.server';
import { TrustError } from '~/trust/moderation.server';
import { mayRate, rateOrder, ratingOf, ratingSchema } from '~/trust/ratings.server';
import { db } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { type Translate, useLocale, useT, type KeyIn } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity, pricePerUnit, unitLabel } from '~/lib/units';
import { availableActions } from '~/orders/lifecycle';
import { type DisputePhoto, disputePhotos, readDisputeMultipart } from '~/orders/dispute-files.server';
import { OrderError, actOnOrder, mayView, newBuyToken, partiesOf } from '~/orders/orders.server';
import {
  ACTION_TOASTS,
  actionInputOf,
  findOrder,
  orderActionSchema,
  orderFigures,
  orderParties,
  shortOrderId,
  timelineOf,
  weighingUnits,
} from '~/orders/pages.server';
import { startCheckout } from '~/payments/stripe.server';
import { forbidden, notFound } from '~/lib/http.server';
import { decideApproval, decisionSchema, isApproverRole } from '~/b2b/approvals.server';
import { recordPaymentOnTerms, termsPosition } from '~/b2b/terms.server';
import { TermsPanel } from '~/components/terms-parts';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const found = await findOrder(db, params.orderId ?? '');
  // Another organisation's order is "not found": its existence is not revealed.
  if (!found || !mayView(viewer, found.order)) throw notFound();
  const { order, lot, buyerName, sellerName, dispute, hasInvoice } = found;
  const parties = partiesOf(viewer, order);
  const memberOf = (orgId: string) => viewer.memberships.some((m) => m.orgId === orgId);
  const sellerSide = viewer.isOperator || memberOf(order.sellerOrgId);
  const buyerSide = viewer.isOperator || memberOf(order.buyerOrgId);
  const figures = orderFigures(order);
  const shipment = await shipmentForOrder(db, order.id);
  // Credit terms (ADR 0056): net days, due date and what is owed, for both sides; the operator records payments.
  const terms = await termsPosition(db, order);
  return json({
    terms,
    termsPayment:
      terms?.payable && viewer.isOperator ? { token: newBuyToken(), owedFen: terms.owedFen } : null,
    order: {
      id: order.id,
      shortId: shortOrderId(order.id),
      status: order.status,
      quantity: order.quantity,
      deliveredQuantity: order.deliveredQuantity,
      unitPriceFen: order.unitPriceFen,
      subtotalFen: order.subtotalFen,
      finalTotalFen: order.finalTotalFen,
      currency: order.currency as Currency,
      feeBps: order.feeBps,
      toleranceBps: order.toleranceBps,
      provider: order.provider,
      payBy: order.payBy,
      inspectionEndsAt: order.inspectionEndsAt,
      createdAt: order.createdAt,
      poNumber: order.poNumber,
    },
    // Purchase approvals (ADR 0052): an owner or admin of the buyer, never the member who placed the order.
    approval:
      order.status === 'awaiting_approval' && memberOf(order.buyerOrgId)
        ? {
            mayDecide:
              order.createdBy !== viewer.user.id &&
              isApproverRole(viewer.memberships.find((m) => m.orgId === order.buyerOrgId)?.role),
            ownOrder: order.createdBy === viewer.user.id,
          }
        : null,
    lot,
    hasInvoice,
    buyerName,
    sellerName,
    dispute: dispute
      ? {
          id: dispute.id,
          photos: await disputePhotos(db, dispute.id),
          reason: dispute.reason,
          status: dispute.status,
          outcome: dispute.outcome,
          resolution: dispute.resolution,
          refundFen: dispute.refundFen,
          createdAt: dispute.createdAt,
        }
      : null,
    actions: availableActions(order.status, parties),
    readOnly: parties.length === 0,
    totalFen: figures.totalFen,
    weighing: figures.weighing,
    // The fee is the seller's business (and the market's); the buyer pays the order's total either way.
    fee: sellerSide ? { feeFen: figures.feeFen, toSellerFen: figures.toSellerFen } : null,
    showPayment: buyerSide && order.status === 'pending_payment' && order.provider === 'offline',
    // Only a buyer who may act pays; back from Checkout (?paid=1) the webhook may not have landed yet.
    payOnline:
      parties.includes('buyer') && order.status === 'pending_payment' && order.provider === 'stripe'
        ? new URL(request.url).searchParams.get('paid') === '1'
          ? ('confirming' as const)
          : ('pay' as const)
        : null,
    weighUnits: weighingUnits(lot.baseUnit, lot.caseNetGrams),
    timeline: await timelineOf(db, order, {
      isOperator: viewer.isOperator,
      orgIds: viewer.memberships.map((m) => m.orgId),
    }),
    now: new Date().toISOString(),
    // Cold chain (#7): the booking, its temperatures and excursions; buyer or seller may ask for transport once paid.
    shipment,
    canBook: order.status === 'paid' && (parties.includes('buyer') || parties.includes('seller')),
    canCancelBooking: shipment.booking ? mayCancelBooking(viewer, shipment.booking) : false,
    // Buyers rate a finished order once (credit score, app/trust).
    rating: await ratingOf(db, order.id),
    canRate: parties.includes('buyer') && mayRate(order.status),
    // Repeat buying (#18): the buyer org's traders may order the same again (app/routes/buy_.reorder.$orderId.tsx).
    canReorder: parties.includes('buyer') && viewer.activeOrg?.orgId === order.buyerOrgId,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const orderId = params.orderId ?? '';
  const order = await orderParties(db, orderId);
  if (!order || !mayView(viewer, order)) throw notFound();
  // Only the dispute step posts multipart (its photos); every other step is a plain urlencoded form.
  const multipart = (request.headers.get('content-type') ?? '').startsWith('multipart/form-data');
  let formData: FormData;
  let photos: DisputePhoto[] = [];
  if (multipart) {
    const read = await readDisputeMultipart(request);
    formData = new FormData();
    for (const [key, value] of Object.entries(read.fields)) formData.set(key, value);
    if (Object.keys(read.errors).length > 0) return formError(read.errors, formValues(formData));
    photos = read.uploads;
  } else formData = await readFormData(request);
  if (formData.get('intent') === 'cancel_booking') {
    try {
      await cancelBooking(viewer, orderId);
    } catch (error) {
      if (!(error instanceof ColdChainError)) throw error;
      if (error.status === 404) throw notFound();
      return formError({ booking: error.messageKey }, formValues(formData), error.status);
    }
    return redirectWithToast(`/orders/${orderId}`, 'coldchain.toast.cancelled');
  }
  if (formData.get('intent') === 'rate') {
    await requireOrgRole(request, order.buyerOrgId, 'trader');
    const rated = parseForm(formData, ratingSchema);
    if (!rated.ok) return formError({ rate: rated.errors.comment ?? 'trust.errors.stars' }, rated.values);
    try {
      await db.transaction((tx) => rateOrder(tx, { orderId, userId: viewer.user.id, ...rated.data }));
    } catch (error) {
      if (!(error instanceof TrustError)) throw error;
      return formError({ rate: error.messageKey }, formValues(formData), error.status);
    }
    return redirectWithToast(`/orders/${orderId}`, 'trust.rating.saved');
  }
  const intent = formData.get('intent');
  if (intent === 'terms_payment') {
    // A bank transfer against an order on terms, recorded by the market's operator (ADR 0056).
    await requireOperator(request);
    const values = formValues(formData);
    try {
      await recordPaymentOnTerms({
        orderId,
        userId: viewer.user.id,
        amount: values.amount ?? '',
        reference: values.reference?.trim() || null,
        token: values.token ?? '',
      });
    } catch (error) {
      if (!(error instanceof OrderError)) throw error;
      return formError(
        { [error.field === 'form' ? 'termsPayment' : error.field]: error.messageKey },
        values,
        error.status,
      );
    }
    return redirectWithToast(`/orders/${orderId}`, 'terms.toast.paymentRecorded');
  }
  if (intent === 'approve' || intent === 'reject') {
    // The approver acts for the buyer org: a member of it with at least admin's role; decideApproval checks the rest.
    await requireActingOrg(request, order.buyerOrgId, 'admin');
    const decided = parseForm(formData, decisionSchema);
    if (!decided.ok) return formError(decided.errors, decided.values);
    let provider: string;
    try {
      ({ provider } = await decideApproval(
        orderId,
        viewer.user.id,
        decided.data.intent,
        decided.data.note ?? null,
      ));
    } catch (error) {
      if (!(error instanceof OrderError)) throw error;
      return formError({ [error.field]: error.messageKey }, formValues(formData), error.status);
    }
    return redirectWithToast(
      `/orders/${orderId}`,
      intent === 'reject'
        ? 'approvals.toast.rejected'
        : provider === 'terms'
          ? 'approvals.toast.approvedOnTerms'
          : 'approvals.toast.approved',
    );
  }
  if (formData.get('intent') === 'pay_online') {
    // Paying is the buyer's step: a seller or a viewer-role member of the buyer may not start it.
    if (!partiesOf(viewer, order).includes('buyer')) throw forbidden();
    await requireActingOrg(request, order.buyerOrgId, 'trader');
    // Stripe sends the buyer back to an absolute URL; behind a proxy the configured origin is the true one.
    const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
    try {
      const { url } = await startCheckout(orderId, {
        successUrl: `${origin}/orders/${orderId}?paid=1`,
        cancelUrl: `${origin}/orders/${orderId}`,
      });
      return redirect(url);
    } catch (error) {
      if (!(error instanceof OrderError)) throw error;
      return formError({ [error.field]: error.messageKey }, formValues(formData), error.status);
    }
  }
  const parsed = parseForm(formData, orderActionSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  try {
    await actOnOrder(
      orderId,
      { userId: viewer.user.id, parties: partiesOf(viewer, order) },
      actionInputOf(parsed.data, photos),
    );
  } catch (error) {
    if (!(error instanceof OrderError)) throw error;
    return formError({ [error.field]: error.messageKey }, formValues(formData), error.status);
  }
  return redirectWithToast(`/orders/${orderId}`, ACTION_TOASTS[parsed.data.intent]);
}

/** The current time, ticking every 30 s after hydration; the server's time before, so both render alike. */
function useNow(serverNow: string): number {
  const [now, setNow] = useState(() => Date.parse(serverNow));
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function timeLeft(until: string, now: number, t: Translate): string {
  const ms = Date.parse(until) - now;
  if (ms <= 0) return t('orders.detail.ended');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const span =
    h > 0
      ? t('orders.time.hours', { h, m })
      : m > 0
        ? t('orders.time.minutes', { m })
        : t('orders.time.seconds');
  return t('orders.detail.left', { time: span });
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex gap-3 border-b border-slate-100 py-2 last:border-0" data-testid={testId}>
      <dt className="w-28 shrink-0 text-slate-500 sm:w-36">{label}</dt>
      <dd className="min-w-0 flex-1 text-slate-900">{children}</dd>
    </div>
  );
}

export default function OrderPage() {
  const data = useLoaderData<typeof loader>();
  const { order, lot, actions, timeline, fee, weighing } = data;
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const now = useNow(data.now);
  const money = (fen: number) => formatMoney(fen, order.currency, locale);
  const unitOpts = { caseNetGrams: lot.caseNetGrams ?? undefined };
  const quantity = (value: number) => formatQuantity(value, lot.displayUnit, locale, unitOpts);
  const byWeight = lot.baseUnit === 'g';
  const failedIntent = failed?.values.intent;
  const errorsFor = (intent: string): Record<string, string> =>
    failed && failedIntent === intent ? failed.errors : {};
  const valuesFor = (intent: string): Record<string, string> =>
    failed && failedIntent === intent ? failed.values : {};
  // A refusal for a form no longer on the page (the order moved on meanwhile) still needs saying.
  const orphanError =
    failed &&
    !actions.some((a) => a === failedIntent) &&
    !(failedIntent === 'pay_online' && data.payOnline === 'pay') &&
    !(failedIntent === 'terms_payment' && data.termsPayment)
      ? (failed.errors.form ?? 'errors.invalid')
      : undefined;
  const step = (intent: string, children: ReactNode, hint?: string, withFiles = false) => (
    <section
      className="border-t border-slate-100 pt-4 first:border-0 first:pt-0"
      data-testid={`action-${intent}`}
    >
      <h3 className="font-semibold text-slate-900">
        {t(`orders.action.${intent}` as KeyIn<'orders.action'>)}
      </h3>
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
      <Form
        method="post"
        className="mt-3 space-y-3"
        noValidate
        encType={withFiles ? 'multipart/form-data' : undefined}
      >
        <FormAlert error={errorsFor(intent).form} />
        {children}
      </Form>
    </section>
  );

  return (
    <div>
      <Link to="/orders" className="text-sm text-sea-700 underline">
        ← {t('orders.detail.back')}
      </Link>
      <div className="mt-3 mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">
          {t('orders.detail.title', { id: order.shortId })}
        </h1>
        <OrderStatusBadge status={order.status} />
        {data.canReorder ? (
          <Link
            to={`/buy/reorder/${order.id}`}
            className="rounded-md border border-sea-300 bg-white px-3 py-1.5 text-sm font-semibold text-sea-800"
            data-testid="reorder"
          >
            {t('repeat.reorder.button')}
          </Link>
        ) : null}
        {data.hasInvoice ? (
          <span className="ml-auto flex gap-2 text-sm">
            <Link
              to={`/orders/${order.id}/invoice`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-semibold"
            >
              {t('invoice.title')}
            </Link>
            <a
              href={`/orders/${order.id}/invoice.pdf`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-semibold"
              data-testid="invoice-pdf"
            >
              {t('invoice.downloadPdf')}
            </a>
          </span>
        ) : null}
      </div>

      <div className="grid items-start gap-4 lg:grid-cols-3">
        <Card title={t('orders.detail.summary')} className="lg:col-span-2">
          <dl className="text-sm">
            <Row label={t('orders.detail.lot')}>
              <Link to={`/market/${lot.id}`} className="font-medium break-words text-sea-800 hover:underline">
                {listingTitle(lot, locale)}
              </Link>
            </Row>
            <Row label={t('orders.detail.seller')}>{data.sellerName}</Row>
            <Row label={t('orders.detail.buyer')}>{data.buyerName}</Row>
            <Row label={t('orders.detail.pickup')}>
              <span className="break-words">{lot.pickupPlace}</span>
            </Row>
            <Row label={t('orders.detail.ordered')} testId="order-quantity">
              <span className="tabular-nums">{quantity(order.quantity)}</span>
              {byWeight ? (
                <span className="ml-2 text-xs text-slate-500">
                  {t('orders.detail.toleranceValue', { percent: percentOfBps(order.toleranceBps) })}
                </span>
              ) : null}
            </Row>
            {byWeight ? (
              <Row label={t('orders.detail.weighed')} testId="order-weighed">
                {order.deliveredQuantity === null ? (
                  <span className="text-slate-500">{t('orders.detail.notWeighed')}</span>
                ) : (
                  <>
                    <span className="tabular-nums">{quantity(order.deliveredQuantity)}</span>
                    {weighing ? (
                      <span
                        className={`mt-0.5 block text-xs ${weighing.withinTolerance ? 'text-emerald-700' : 'font-medium text-red-700'}`}
                      >
                        {t('orders.detail.deviation', { percent: percentOfBps(weighing.deviationBps) })} ·{' '}
                        {t(
                          weighing.withinTolerance
                            ? 'orders.detail.withinTolerance'
                            : 'orders.detail.outsideTolerance',
                        )}
                      </span>
                    ) : null}
                  </>
                )}
              </Row>
            ) : null}
            <Row label={t('orders.detail.unitPrice')}>
              <span className="tabular-nums">
                {money(order.unitPriceFen)}/{unitLabel(byWeight ? 'kg' : 'piece', locale)}
              </span>
              {byWeight ? (
                <span className="ml-2 text-slate-500 tabular-nums">
                  {money(pricePerUnit(order.unitPriceFen, 'jin'))}/{unitLabel('jin', locale)}
                </span>
              ) : null}
            </Row>
            <Row label={t('orders.detail.subtotal')}>
              <span className="tabular-nums">{money(order.subtotalFen)}</span>
            </Row>
            {order.finalTotalFen !== null ? (
              <Row label={t('orders.detail.finalTotal')} testId="order-final-total">
                <span className="font-semibold tabular-nums">{money(order.finalTotalFen)}</span>
                {order.deliveredQuantity !== null && order.deliveredQuantity > order.quantity ? (
                  <span className="mt-0.5 block text-xs text-slate-500">{t('orders.detail.overweight')}</span>
                ) : null}
              </Row>
            ) : null}
            {fee ? (
              <>
                <Row label={t('orders.detail.fee', { percent: percentOfBps(order.feeBps) })}>
                  <span className="tabular-nums">−{money(fee.feeFen)}</span>
                </Row>
                <Row label={t('orders.detail.sellerReceives')} testId="order-seller-receives">
                  <span className="font-semibold tabular-nums">{money(fee.toSellerFen)}</span>
                </Row>
              </>
            ) : null}
            {order.poNumber ? (
              <Row label={t('orders.detail.poNumber')} testId="order-po-number">
                <span className="break-all">{order.poNumber}</span>
              </Row>
            ) : null}
            <Row label={t('orders.detail.payment')} testId="order-payment-method">
              {data.terms
                ? t('terms.paymentRow', { days: data.terms.netDays })
                : t(`orders.detail.provider.${order.provider}`)}
            </Row>
            <Row label={t('orders.detail.placed')}>
              <time dateTime={order.createdAt}>{formatTime(order.createdAt, locale)}</time>
            </Row>
            {order.status === 'pending_payment' ? (
              <Row label={t('orders.detail.payBy')}>
                <time dateTime={order.payBy}>{formatTime(order.payBy, locale)}</time>
                <span className="ml-2 inline-block text-xs font-medium whitespace-nowrap text-amber-700">
                  {timeLeft(order.payBy, now, t)}
                </span>
              </Row>
            ) : null}
            {order.inspectionEndsAt ? (
              <Row label={t('orders.detail.inspectionEnds')} testId="order-inspection">
                <time dateTime={order.inspectionEndsAt}>{formatTime(order.inspectionEndsAt, locale)}</time>
                {order.status === 'delivered' ? (
                  <span className="ml-2 inline-block text-xs font-medium whitespace-nowrap text-amber-700">
                    {timeLeft(order.inspectionEndsAt, now, t)}
                  </span>
                ) : null}
              </Row>
            ) : null}
          </dl>
        </Card>

        {data.terms ? (
          <TermsPanel
            terms={data.terms}
            currency={order.currency}
            payment={data.termsPayment}
            values={valuesFor('terms_payment')}
            errors={errorsFor('terms_payment')}
          />
        ) : null}

        {data.approval ? (
          <Card title={t('approvals.panel.title')} className="lg:col-span-2">
            <div data-testid="approval-panel" className="space-y-3 text-sm">
              <p className="text-slate-700">
                {t('approvals.panel.waiting', { deadline: formatTime(order.payBy, locale) })}
              </p>
              {data.approval.ownOrder ? (
                <p className="text-slate-600">{t('approvals.panel.ownOrder')}</p>
              ) : null}
              {data.approval.mayDecide ? (
                <Form method="post" className="space-y-3" noValidate>
                  <FormAlert
                    error={
                      failedIntent === 'approve' || failedIntent === 'reject'
                        ? failed?.errors.form
                        : undefined
                    }
                  />
                  <TextareaField
                    name="note"
                    label={t('approvals.panel.note')}
                    hint={t('approvals.panel.noteHint')}
                    rows={2}
                    error={
                      failedIntent === 'approve' || failedIntent === 'reject'
                        ? failed?.errors.note
                        : undefined
                    }
                    defaultValue={
                      failedIntent === 'approve' || failedIntent === 'reject'
                        ? failed?.values.note
                        : undefined
                    }
                  />
                  <div className="flex flex-wrap gap-2">
                    <SubmitButton intent="approve">{t('approvals.approve')}</SubmitButton>
                    <SubmitButton intent="reject" variant="danger">
                      {t('approvals.reject')}
                    </SubmitButton>
                  </div>
                </Form>
              ) : null}
            </div>
          </Card>
        ) : null}

        {data.showPayment ? (
          <Card title={t('orders.pay.title')} className="lg:col-span-2">
            <div data-testid="payment-instructions">
              <p className="text-sm text-slate-700">
                {t('orders.pay.body', { amount: money(order.subtotalFen) })}
              </p>
              <dl className="mt-3 rounded-md bg-slate-50 p-3 text-sm">
                <Row label={t('orders.pay.accountName')}>{t('orders.pay.accountNameValue')}</Row>
                <Row label={t('orders.pay.bank')}>{t('orders.pay.bankValue')}</Row>
                <Row label={t('orders.pay.account')}>
                  <span className="font-mono">{t('orders.pay.accountValue')}</span>
                </Row>
                <Row label={t('orders.pay.reference')}>
                  <code className="font-mono font-semibold break-all select-all">{order.id}</code>
                </Row>
              </dl>
              <p className="mt-2 text-xs text-slate-500">{t('orders.pay.referenceNote')}</p>
            </div>
          </Card>
        ) : null}

        {data.payOnline ? (
          <Card title={t('orders.payOnline.title')} className="lg:col-span-2">
            {data.payOnline === 'confirming' ? (
              <p className="text-sm text-slate-700" data-testid="payment-confirming" role="status">
                {t('orders.payOnline.confirming')}
              </p>
            ) : (
              <Form method="post" data-testid="pay-online">
                <p className="text-sm text-slate-700">
                  {t('orders.payOnline.body', { amount: money(order.subtotalFen) })}
                </p>
                <FormAlert error={errorsFor('pay_online').form} />
                <div className="mt-3">
                  <SubmitButton intent="pay_online">{t('orders.payOnline.submit')}</SubmitButton>
                </div>
              </Form>
            )}
          </Card>
        ) : null}

        {data.dispute ? (
          <Card title={t('orders.dispute.title')} className="lg:col-span-2">
            <p className="text-xs text-slate-500">
              {t('orders.dispute.opened', { time: formatTime(data.dispute.createdAt, locale) })}
            </p>
            <p className="mt-1 text-sm break-words whitespace-pre-line text-slate-800">
              {data.dispute.reason}
            </p>
            {data.shipment.excursions.length ? (
              <div className="mt-3" data-testid="dispute-evidence">
                <p className="mb-1 text-xs text-slate-600">{t('coldchain.excursion.evidence')}</p>
                <ExcursionList excursions={data.shipment.excursions} />
              </div>
            ) : null}
            {data.dispute.photos.length > 0 ? (
              <ul className="mt-3 flex flex-wrap gap-2" data-testid="dispute-photos">
                {data.dispute.photos.map((photo, index) => {
                  const src = `/disputes/${data.dispute?.id}/files/${photo.id}`;
                  return (
                    <li key={photo.id}>
                      <a href={src} target="_blank" rel="noreferrer" className="block">
                        <img
                          src={src}
                          alt={t('orders.dispute.photo', { n: index + 1 })}
                          loading="lazy"
                          className="h-24 w-24 rounded-md border border-slate-200 object-cover"
                        />
                      </a>
                    </li>
                  );
                })}
              </ul>
            ) : null}
            {data.dispute.status === 'resolved' ? (
              <div className="mt-3 border-t border-slate-100 pt-3 text-sm">
                <p className="font-medium">
                  {data.dispute.outcome
                    ? t('orders.timeline.outcome', { outcome: t(`orders.outcome.${data.dispute.outcome}`) })
                    : t('orders.dispute.resolution')}
                </p>
                {data.dispute.resolution ? (
                  <p className="mt-1 break-words whitespace-pre-line text-slate-700">
                    {data.dispute.resolution}
                  </p>
                ) : null}
              </div>
            ) : null}
          </Card>
        ) : null}

        <Card title={t('orders.actions.title')} className="lg:col-start-3 lg:row-span-3 lg:row-start-1">
          {/* Keyed by the step count: after each step the forms start empty again. */}
          <div className="space-y-4" data-testid="order-actions" key={timeline.length}>
            <FormAlert error={orphanError} />
            {actions.length === 0 ? (
              <p className="text-sm text-slate-600">
                {t(data.readOnly ? 'orders.actions.readOnly' : 'orders.actions.none')}
              </p>
            ) : null}
            {actions.includes('record_payment')
              ? step(
                  'record_payment',
                  <>
                    <Field
                      name="reference"
                      label={t('orders.field.reference')}
                      required={false}
                      defaultValue={valuesFor('record_payment').reference}
                      error={errorsFor('record_payment').reference}
                    />
                    <SubmitButton intent="record_payment">{t('orders.action.record_payment')}</SubmitButton>
                  </>,
                  t('orders.action.record_payment.hint'),
                )
              : null}
            {actions.includes('ship')
              ? step(
                  'ship',
                  <SubmitButton intent="ship">{t('orders.action.ship')}</SubmitButton>,
                  t('orders.action.ship.hint'),
                )
              : null}
            {actions.includes('record_weight')
              ? step(
                  'record_weight',
                  <>
                    <div className="grid grid-cols-[minmax(0,1fr)_auto] gap-3">
                      <Field
                        name="quantity"
                        label={t('orders.field.weighedQuantity')}
                        inputMode="decimal"
                        defaultValue={valuesFor('record_weight').quantity}
                        error={errorsFor('record_weight').quantity}
                      />
                      <SelectField
                        name="unit"
                        label={t('orders.field.unit')}
                        defaultValue={
                          valuesFor('record_weight').unit ??
                          (data.weighUnits.includes(lot.displayUnit) ? lot.displayUnit : data.weighUnits[0])
                        }
                        error={errorsFor('record_weight').unit}
                        options={data.weighUnits.map((u) => ({ value: u, label: unitLabel(u, locale) }))}
                      />
                    </div>
                    <SubmitButton intent="record_weight" variant="secondary">
                      {t('orders.action.record_weight')}
                    </SubmitButton>
                  </>,
                  t('orders.action.record_weight.hint'),
                )
              : null}
            {actions.includes('confirm_delivery')
              ? step(
                  'confirm_delivery',
                  <SubmitButton intent="confirm_delivery">
                    {t('orders.action.confirm_delivery')}
                  </SubmitButton>,
                  t('orders.action.confirm_delivery.hint'),
                )
              : null}
            {actions.includes('accept')
              ? step(
                  'accept',
                  <SubmitButton intent="accept">{t('orders.action.accept')}</SubmitButton>,
                  t('orders.action.accept.hint'),
                )
              : null}
            {actions.includes('open_dispute')
              ? step(
                  'open_dispute',
                  <>
                    {data.shipment.excursions.length ? (
                      <div data-testid="dispute-excursions">
                        <p className="mb-1 text-xs text-slate-600">{t('coldchain.excursion.evidence')}</p>
                        <ExcursionList excursions={data.shipment.excursions} />
                      </div>
                    ) : null}
                    <TextareaField
                      name="reason"
                      label={t('orders.field.disputeReason')}
                      hint={t('orders.field.disputeHint')}
                      defaultValue={valuesFor('open_dispute').reason}
                      error={errorsFor('open_dispute').reason}
                    />
                    <div>
                      <label htmlFor="photos" className="block text-sm font-medium text-slate-700">
                        {t('orders.field.disputePhotos')}
                        <span className="ml-1 font-normal text-slate-500">({t('common.optional')})</span>
                      </label>
                      <input
                        id="photos"
                        name="photos"
                        type="file"
                        multiple
                        accept="image/jpeg,image/png,image/webp"
                        aria-invalid={errorsFor('open_dispute').photos ? true : undefined}
                        aria-describedby={`photos-hint${errorsFor('open_dispute').photos ? ' photos-error' : ''}`}
                        className="mt-1 block w-full text-sm text-slate-700"
                      />
                      <p id="photos-hint" className="mt-1 text-xs text-slate-500">
                        {t('orders.field.disputePhotosHint')}
                      </p>
                      <FieldError name="photos" error={errorsFor('open_dispute').photos} />
                    </div>
                    <SubmitButton intent="open_dispute" variant="danger">
                      {t('orders.action.open_dispute')}
                    </SubmitButton>
                  </>,
                  t('orders.action.open_dispute.hint'),
                  true,
                )
              : null}
            {actions.includes('resolve_dispute')
              ? step(
                  'resolve_dispute',
                  <>
                    <SelectField
                      name="outcome"
                      label={t('orders.field.outcome')}
                      defaultValue={valuesFor('resolve_dispute').outcome}
                      error={errorsFor('resolve_dispute').outcome}
                      options={(['refund_partial', 'refund_full', 'rejected'] as const).map((outcome) => ({
                        value: outcome,
                        label: t(`orders.outcome.${outcome}`),
                      }))}
                    />
                    <Field
                      name="refund"
                      label={t('orders.field.refund')}
                      inputMode="decimal"
                      hint={t('orders.field.refundHint', { amount: money(data.totalFen) })}
                      defaultValue={valuesFor('resolve_dispute').refund}
                      error={errorsFor('resolve_dispute').refund}
                    />
                    <TextareaField
                      name="resolution"
                      label={t('orders.field.resolution')}
                      defaultValue={valuesFor('resolve_dispute').resolution}
                      error={errorsFor('resolve_dispute').resolution}
                    />
                    <SubmitButton intent="resolve_dispute">{t('orders.action.resolve_dispute')}</SubmitButton>
                  </>,
                  t('orders.action.resolve_dispute.hint'),
                )
              : null}
            {actions.includes('cancel')
              ? step(
                  'cancel',
                  <>
                    <TextareaField
                      name="reason"
                      label={t('orders.field.cancelReason')}
                      required={false}
                      defaultValue={valuesFor('cancel').reason}
                      error={errorsFor('cancel').reason}
                    />
                    <SubmitButton intent="cancel" variant="danger">
                      {t('orders.action.cancel')}
                    </SubmitButton>
                  </>,
                  t('orders.action.cancel.hint'),
                )
              : null}
          </div>
        </Card>

        <Card title={t('coldchain.shipment.title')} className="lg:col-span-2">
          <ShipmentPanel
            shipment={data.shipment}
            requestHref={
              data.canBook &&
              (!data.shipment.booking || ['unmatched', 'cancelled'].includes(data.shipment.booking.status))
                ? `/orders/${order.id}/booking`
                : null
            }
            canCancel={data.canCancelBooking}
          />
          <FormAlert error={failed?.values.intent === 'cancel_booking' ? failed.errors.booking : undefined} />
        </Card>

        {data.rating || data.canRate ? (
          <Card title={t('trust.rating.title')} className="lg:col-span-2">
            {data.rating ? (
              <p className="text-sm" data-testid="rating">
                {t('trust.rating.yours', { count: data.rating.stars })}
                {data.rating.comment ? ` · ${data.rating.comment}` : ''}
              </p>
            ) : (
              <Form method="post" className="space-y-3" noValidate>
                <FormAlert error={failed?.errors.rate} />
                <fieldset className="flex flex-wrap gap-3 text-sm">
                  <legend className="mb-1 font-medium text-slate-700">{t('trust.rating.stars')}</legend>
                  {[5, 4, 3, 2, 1].map((n) => (
                    <label key={n} className="flex items-center gap-1">
                      <input type="radio" name="stars" value={n} defaultChecked={n === 5} />
                      {t('trust.rating.star', { count: n })}
                    </label>
                  ))}
                </fieldset>
                <Field name="comment" label={t('trust.rating.comment')} required={false} />
                <SubmitButton intent="rate">{t('trust.rating.submit')}</SubmitButton>
              </Form>
            )}
          </Card>
        ) : null}

        <Card title={t('orders.timeline.title')} className="lg:col-span-2">
          <OrderTimeline
            entries={timeline}
            currency={order.currency}
            displayUnit={lot.displayUnit}
            caseNetGrams={lot.caseNetGrams}
            toleranceBps={order.toleranceBps}
          />
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'orders.title', data?.order.shortId);
