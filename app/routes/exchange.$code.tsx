// One instrument's book page: 5 levels of depth a side, last trades, phase and indicative open during the call,
// an order ticket that works without JavaScript, and the viewer's orders with cancel and amend.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Badge, Card, PageHeader, TableScroll } from '~/components/ui';
import {
  ExchangeOrderError,
  amendExchangeOrder,
  amendSchema,
  cancelExchangeOrder,
  liveExchange,
  placeExchangeOrder,
  ticketSchema,
} from '~/exchange/orders.server';
import {
  bookIntentSchema,
  bookView,
  instrumentByCode,
  myExchangeOrders,
  publicInstrument,
  sellableLots,
  uuidSchema,
} from '~/exchange/pages.server';
import { ExchangeUnavailable } from '~/exchange/submit.server';
import type { Level } from '~/exchange/types';
import { getViewer, requireActiveOrg, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { type MessageKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const instrument = await instrumentByCode(db, params.code ?? '');
  const viewer = await getViewer(request);
  const org = viewer?.activeOrg ?? null;
  const tradingOrg = org !== null && ['buyer', 'seller', 'both'].includes(org.kind);
  const mayTrade =
    tradingOrg && org !== null && roleAtLeast(org.role, 'trader') && org.verification === 'verified';
  const canSell = mayTrade && org !== null && (org.kind === 'seller' || org.kind === 'both');
  // What stands between a trading org and the ticket is its verification: the page says where to apply.
  const mayApply = tradingOrg && org !== null && org.verification !== 'verified';
  return json({
    instrument: publicInstrument(instrument),
    view: await bookView(db, instrument),
    signedIn: viewer !== null,
    mayTrade,
    mayApply,
    canBuy: mayTrade && org !== null && (org.kind === 'buyer' || org.kind === 'both'),
    lots: canSell && org ? await sellableLots(db, org.orgId, instrument) : [],
    mine: org ? await myExchangeOrders(db, org.orgId, instrument.id) : [],
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const instrument = await instrumentByCode(db, params.code ?? '');
  const viewer = await requireActiveOrg(request, 'trader');
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intent = bookIntentSchema.safeParse({ intent: formData.get('intent') });
  if (!intent.success) return formError({ form: 'errors.invalid' }, values);
  const actor = { orgId: viewer.activeOrg.orgId, userId: viewer.user.id };
  const here = `/exchange/${instrument.code}`;
  try {
    if (intent.data.intent === 'place') {
      const parsed = parseForm(formData, ticketSchema);
      if (!parsed.ok) return formError(parsed.errors, values);
      await placeExchangeOrder(db, liveExchange(), {
        instrumentId: instrument.id,
        ...actor,
        ticket: parsed.data,
      });
      return redirectWithToast(here, 'exchange.placed');
    }
    const orderId = uuidSchema.safeParse(formData.get('orderId'));
    if (!orderId.success) return formError({ form: 'errors.invalid' }, values);
    if (intent.data.intent === 'cancel') {
      await cancelExchangeOrder(db, liveExchange(), { orderId: orderId.data, ...actor });
      return redirectWithToast(here, 'exchange.cancelled');
    }
    const parsed = parseForm(formData, amendSchema);
    if (!parsed.ok) return formError(parsed.errors, values);
    await amendExchangeOrder(db, liveExchange(), {
      orderId: parsed.data.orderId,
      ...actor,
      price: parsed.data.price,
      quantity: parsed.data.quantity,
    });
    return redirectWithToast(here, 'exchange.amended');
  } catch (error) {
    if (error instanceof ExchangeOrderError)
      return formError({ [error.field]: error.messageKey }, values, error.status);
    if (error instanceof ExchangeUnavailable) return formError({ form: 'exchange.unavailable' }, values, 503);
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'exchange.title', data?.instrument.code);

function useExchangeLive(instrumentId: string) {
  const revalidator = useRevalidator();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/events?exchange=${encodeURIComponent(instrumentId)}`);
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('exchange', () => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    });
    return () => source.close();
  }, [instrumentId, revalidator]);
  return connected;
}

function DepthTable({
  levels,
  side,
  money,
}: {
  levels: Level[];
  side: 'bids' | 'asks';
  money: (fen: number) => string;
}) {
  const t = useT();
  const rows = side === 'asks' ? [...levels].reverse() : levels;
  return (
    <table className="w-full text-sm" data-testid={`depth-${side}`}>
      <caption
        className={`py-1 text-left font-semibold ${side === 'bids' ? 'text-red-700' : 'text-emerald-700'}`}
      >
        {t(side === 'bids' ? 'exchange.bids' : 'exchange.asks')}
      </caption>
      <thead className="text-left text-xs text-slate-500">
        <tr>
          <th className="py-1">{t('exchange.price')}</th>
          <th className="py-1 text-right">{t('exchange.quantity')}</th>
          <th className="py-1 text-right">{t('exchange.orders')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={3} className="py-2 text-slate-500">
              {t('exchange.noDepth')}
            </td>
          </tr>
        ) : (
          rows.map((level) => (
            <tr key={level.price} className="tabular-nums">
              <td className={`py-1 ${side === 'bids' ? 'text-red-700' : 'text-emerald-700'}`}>
                {money(level.price)}
              </td>
              <td className="py-1 text-right">{level.quantity}</td>
              <td className="py-1 text-right text-slate-500">{level.orders}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

export default function ExchangeBook() {
  const { instrument, view, signedIn, mayTrade, mayApply, canBuy, lots, mine } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const connected = useExchangeLive(instrument.id);
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const money = (fen: number) => formatMoney(fen, instrument.currency as Currency, locale);
  const unit = locale === 'en' ? instrument.unitNameEn : instrument.unitNameZh;
  const failedIntent = values.intent;
  const ticketErrors = failedIntent === 'place' ? errors : {};
  const ticketValues = failedIntent === 'place' ? values : {};
  const sides = [...(canBuy ? ['buy'] : []), ...(lots.length > 0 || !canBuy ? ['sell'] : [])] as (
    | 'buy'
    | 'sell'
  )[];

  return (
    <div>
      <Link to="/exchange" className="text-sm text-sea-700 underline">
        ← {t('exchange.back')}
      </Link>
      <div className="mt-2">
        <PageHeader title={`${locale === 'en' ? instrument.nameEn : instrument.nameZh} · ${instrument.code}`}>
          <Badge tone={view.phase === 'continuous' ? 'green' : view.phase === 'halted' ? 'red' : 'amber'}>
            <span data-testid="phase">{t(`exchange.phase.${view.phase}`)}</span>
          </Badge>
        </PageHeader>
      </div>
      <ul className="mb-4 space-y-1 text-sm text-slate-600">
        <li>
          {t('exchange.hours', {
            callStart: instrument.callStart,
            open: instrument.openTime,
            close: instrument.closeTime,
          })}
        </li>
        <li>
          {instrument.deliveryKind === 'spot'
            ? t('exchange.delivery.spot', { place: instrument.deliveryPlace })
            : t('exchange.delivery.dated', {
                date: instrument.deliveryDate ?? '',
                place: instrument.deliveryPlace,
              })}
        </li>
        <li>
          {unit} · {t('exchange.tick', { tick: money(instrument.tickFen) })} ·{' '}
          {view.band
            ? t('exchange.band', { low: money(view.band.lowFen), high: money(view.band.highFen) })
            : t('exchange.noBand')}
        </li>
      </ul>

      {view.phase === 'call' ? (
        <p
          role="status"
          data-testid="indicative"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {view.indicative
            ? t('exchange.indicative', {
                price: money(view.indicative.price),
                volume: view.indicative.volume,
              })
            : t('exchange.indicativeNone')}
        </p>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <h2 className="mb-2 flex items-center justify-between text-base font-semibold">
            {t('exchange.book')}
            {connected ? (
              <span className="text-xs font-normal text-emerald-700">● {t('exchange.live')}</span>
            ) : null}
          </h2>
          <DepthTable levels={view.depth.asks} side="asks" money={money} />
          <DepthTable levels={view.depth.bids} side="bids" money={money} />
        </Card>

        <Card>
          <h2 className="mb-2 text-base font-semibold">{t('exchange.trades')}</h2>
          {view.trades.length === 0 ? (
            <p className="text-sm text-slate-500">{t('exchange.noTrades')}</p>
          ) : (
            <table className="w-full text-sm" data-testid="trades">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th className="py-1">{t('exchange.time')}</th>
                  <th className="py-1 text-right">{t('exchange.price')}</th>
                  <th className="py-1 text-right">{t('exchange.quantity')}</th>
                </tr>
              </thead>
              <tbody>
                {view.trades.map((trade) => (
                  <tr key={trade.tradeId} className="tabular-nums">
                    <td className="py-1 text-slate-500">{trade.at}</td>
                    <td className="py-1 text-right">{money(trade.priceFen)}</td>
                    <td className="py-1 text-right">{trade.quantity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>

        <Card>
          <h2 className="mb-2 text-base font-semibold">{t('exchange.ticket')}</h2>
          {!signedIn ? (
            <Link to={`/login?next=/exchange/${instrument.code}`} className="text-sea-700 underline">
              {t('exchange.ticket.signIn')}
            </Link>
          ) : !mayTrade ? (
            <div className="space-y-2 text-sm text-slate-600">
              <p>{t('exchange.ticket.notTrader')}</p>
              {mayApply ? (
                <Link to="/settings/verification" className="text-sea-700 underline">
                  {t('exchange.ticket.verify')}
                </Link>
              ) : null}
            </div>
          ) : (
            <Form method="post" className="grid gap-3" noValidate aria-label={t('exchange.ticket')}>
              <input type="hidden" name="intent" value="place" />
              <FormAlert error={ticketErrors.form} />
              <SelectField
                name="side"
                label={t('exchange.ticket.side')}
                defaultValue={ticketValues.side ?? sides[0]}
                error={ticketErrors.side}
                options={sides.map((side) => ({ value: side, label: t(`exchange.side.${side}`) }))}
              />
              <SelectField
                name="type"
                label={t('exchange.ticket.type')}
                defaultValue={ticketValues.type ?? 'limit'}
                error={ticketErrors.type}
                options={(['limit', 'market'] as const).map((type) => ({
                  value: type,
                  label: t(`exchange.type.${type}`),
                }))}
              />
              <SelectField
                name="tif"
                label={t('exchange.ticket.tif')}
                defaultValue={ticketValues.tif ?? 'day'}
                error={ticketErrors.tif}
                options={(['gtc', 'day', 'ioc', 'fok'] as const).map((tif) => ({
                  value: tif,
                  label: t(`exchange.tif.${tif}`),
                }))}
              />
              <Field
                name="price"
                label={t('exchange.ticket.price')}
                hint={t('exchange.ticket.priceHint')}
                defaultValue={ticketValues.price}
                error={ticketErrors.price}
                inputMode="decimal"
              />
              <Field
                name="quantity"
                label={t('exchange.ticket.quantity')}
                defaultValue={ticketValues.quantity}
                error={ticketErrors.quantity}
                inputMode="numeric"
                required
              />
              <Field
                name="minQuantity"
                label={t('exchange.ticket.minQuantity')}
                defaultValue={ticketValues.minQuantity}
                error={ticketErrors.minQuantity}
                inputMode="numeric"
              />
              {lots.length > 0 ? (
                <SelectField
                  name="listingId"
                  label={t('exchange.ticket.lot')}
                  defaultValue={ticketValues.listingId ?? lots[0].id}
                  error={ticketErrors.listingId}
                  options={lots.map((lot) => ({
                    value: lot.id,
                    label: `${locale === 'en' ? lot.titleEn : lot.title} · ${lot.units} ${unit}`,
                  }))}
                />
              ) : canBuy ? null : (
                <p className="text-sm text-slate-600">{t('exchange.ticket.noLots')}</p>
              )}
              <p className="text-xs text-slate-500">{t('exchange.ticket.cover')}</p>
              <SubmitButton intent="place">{t('exchange.ticket.submit')}</SubmitButton>
            </Form>
          )}
        </Card>
      </div>

      {signedIn ? (
        <section className="mt-6" aria-labelledby="my-orders">
          <h2 id="my-orders" className="mb-2 text-lg font-semibold">
            {t('exchange.mine')}
          </h2>
          {failedIntent && failedIntent !== 'place' ? (
            <FormAlert error={errors.form ?? Object.values(errors)[0]} />
          ) : null}
          {mine.length === 0 ? (
            <p className="text-sm text-slate-500">{t('exchange.mine.none')}</p>
          ) : (
            <TableScroll label={t('exchange.mine')}>
              <table
                className="min-w-full divide-y divide-slate-200 bg-white text-sm"
                data-testid="my-orders"
              >
                <thead className="bg-slate-50 text-left text-slate-600">
                  <tr>
                    <th className="px-3 py-2">{t('exchange.time')}</th>
                    <th className="px-3 py-2">{t('exchange.ticket.side')}</th>
                    <th className="px-3 py-2 text-right">{t('exchange.price')}</th>
                    <th className="px-3 py-2 text-right">{t('exchange.quantity')}</th>
                    <th className="px-3 py-2">{t('exchange.col.phase')}</th>
                    <th className="px-3 py-2">
                      <span className="sr-only">{t('exchange.mine.amend')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {mine.map((order) => (
                    <tr key={order.id} className="align-top">
                      <td className="px-3 py-2 whitespace-nowrap text-slate-500">{order.at.slice(11)}</td>
                      <td className="px-3 py-2">
                        {t(`exchange.side.${order.side}`)} · {t(`exchange.type.${order.type}`)} ·{' '}
                        {t(`exchange.tif.${order.tif}`)}
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {order.priceFen === null ? '—' : money(order.priceFen)}
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {t('exchange.mine.filled', {
                          filled: order.quantity - order.remaining,
                          quantity: order.quantity,
                        })}
                      </td>
                      <td className="px-3 py-2">
                        {t(`exchange.status.${order.status}` as MessageKey)}
                        {order.statusReason ? (
                          <span className="text-xs text-slate-500"> ({order.statusReason})</span>
                        ) : null}
                      </td>
                      <td className="px-3 py-2">
                        {order.open && mayTrade ? (
                          <div className="flex flex-wrap items-end gap-2">
                            <Form method="post">
                              <input type="hidden" name="orderId" value={order.id} />
                              <SubmitButton intent="cancel" variant="danger">
                                {t('exchange.mine.cancel')}
                              </SubmitButton>
                            </Form>
                            {order.type === 'limit' ? (
                              <Form method="post" className="flex flex-wrap items-end gap-2">
                                <input type="hidden" name="orderId" value={order.id} />
                                <label className="text-xs">
                                  <span className="block text-slate-600">{t('exchange.mine.newPrice')}</span>
                                  <input
                                    name="price"
                                    inputMode="decimal"
                                    className="mt-1 w-24 rounded-md border border-slate-300 px-2 py-1"
                                  />
                                </label>
                                <label className="text-xs">
                                  <span className="block text-slate-600">
                                    {t('exchange.mine.newQuantity')}
                                  </span>
                                  <input
                                    name="quantity"
                                    inputMode="numeric"
                                    className="mt-1 w-20 rounded-md border border-slate-300 px-2 py-1"
                                  />
                                </label>
                                <SubmitButton intent="amend" variant="secondary">
                                  {t('exchange.mine.amend')}
                                </SubmitButton>
                              </Form>
                            ) : null}
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <p className="mt-2 text-sm">
            <Link to="/orders" className="text-sea-700 underline">
              {t('exchange.ordersLink')}
            </Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
