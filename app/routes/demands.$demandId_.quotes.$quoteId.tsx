// A quote thread between the buyer and one seller: every version, counters in turns, accepting into an order, withdrawing, messages.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { and, eq } from '~/lib/db.server';
import { OfferForm } from '~/components/demand-form';
import { FormAlert, SubmitButton, TextareaField } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Badge, Card, PageHeader } from '~/components/ui';
import { DemandError } from '~/demand/demands.server';
import { priceInput, priceLabel } from '~/demand/format';
import { demandFormValues, parseOfferForm } from '~/demand/form.server';
import { threadForViewer } from '~/demand/queries.server';
import { acceptQuote, counterQuote, postMessage, withdrawQuote } from '~/demand/quotes.server';
import { requireActiveOrg, requireUser, roleAtLeast } from '~/lib/auth.server';
import { categories, db, demands, quotes } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity, fromBase } from '~/lib/units';
import { notFound } from '~/lib/http.server';
import { marketTimeZone } from '~/lib/market-time';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const thread = await threadForViewer(db, params.demandId ?? '', params.quoteId ?? '', viewer);
  if (!thread) throw notFound();
  const latest = thread.versions[thread.versions.length - 1];
  return json({
    ...thread,
    canAct: Boolean(thread.side && viewer.activeOrg && roleAtLeast(viewer.activeOrg.role, 'trader')),
    counterDefaults: {
      price: priceInput(latest.unitPriceFen, latest.priceUnit),
      priceUnit: latest.priceUnit,
      quantity: fromBase(latest.quantity, thread.demand.displayUnit),
      unit: thread.demand.displayUnit,
      deliverBy: latest.deliverBy,
      validDays: '2',
    } as Record<string, string>,
  });
}

const MESSAGE_MAX = 1000;

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireActiveOrg(request, 'trader');
  const demandId = params.demandId ?? '';
  const quoteId = params.quoteId ?? '';
  const values = demandFormValues(await readFormData(request));
  const [row] = await db
    .select({ baseUnit: categories.baseUnit })
    .from(quotes)
    .innerJoin(demands, eq(demands.id, quotes.demandId))
    .innerJoin(categories, eq(categories.id, demands.categoryId))
    .where(and(eq(quotes.id, quoteId), eq(quotes.demandId, demandId)));
  if (!row) throw notFound();
  const actor = { orgId: viewer.activeOrg.orgId, userId: viewer.user.id };
  const here = `/demands/${demandId}/quotes/${quoteId}`;
  const version = Number.parseInt(values.version ?? '', 10);
  try {
    if (values.intent === 'counter') {
      const parsed = parseOfferForm(values, row);
      if (!parsed.ok) return formError(parsed.errors, values, 400);
      await db.transaction((tx) =>
        counterQuote(tx, { quoteId, actor, expectedVersion: version, draft: parsed.draft }),
      );
      return redirectWithToast(here, 'demand.toast.countered');
    }
    if (values.intent === 'accept') {
      const orderId = await db.transaction((tx) =>
        acceptQuote(tx, { quoteId, actor, expectedVersion: version }),
      );
      return redirectWithToast(`/orders/${orderId}`, 'demand.toast.accepted');
    }
    if (values.intent === 'withdraw') {
      await db.transaction((tx) => withdrawQuote(tx, { quoteId, actor }));
      return redirectWithToast(here, 'demand.toast.withdrawn');
    }
    if (values.intent === 'message') {
      const body = values.body?.trim() ?? '';
      if (!body) return formError({ body: 'errors.required' }, values, 400);
      if (body.length > MESSAGE_MAX) return formError({ body: 'errors.tooLong' }, values, 400);
      await db.transaction((tx) => postMessage(tx, { quoteId, actor, body }));
      return redirectWithToast(here, 'demand.toast.messageSent');
    }
  } catch (error) {
    if (!(error instanceof DemandError)) throw error;
    if (error.status === 404) throw notFound();
    return formError({ [error.field]: error.messageKey }, values, error.status);
  }
  return formError({ form: 'errors.invalid' }, values, 400);
}

export default function QuoteThread() {
  const {
    demand,
    quote,
    listing,
    versions,
    messages,
    side,
    myTurn,
    canAccept,
    canAct,
    counterDefaults,
    baseUnit,
  } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const latest = versions[versions.length - 1];
  const intent = failed?.values.intent;
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={t('demand.thread.title', { seller: quote.sellerName })}>
        <Link to={`/demands/${demand.id}`} className="text-sm text-sea-700 underline">
          {demand.title}
        </Link>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <Badge tone={quote.status === 'open' ? 'green' : quote.status === 'accepted' ? 'sea' : 'slate'}>
          <span data-testid="quote-status">{t(`demand.quoteStatus.${quote.status}`)}</span>
        </Badge>
        <span>{t('demand.thread.between', { buyer: demand.buyerName, seller: quote.sellerName })}</span>
        {listing ? (
          <span>
            · {t('demand.thread.backedBy')}{' '}
            <Link to={`/market/${listing.id}`} className="text-sea-700 underline">
              {listingTitle(listing, locale)}
            </Link>
          </span>
        ) : (
          <span>· {t('demand.thread.noLot')}</span>
        )}
      </div>
      {quote.orderId ? (
        <p className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {t('demand.thread.ordered')}{' '}
          <Link
            to={`/orders/${quote.orderId}`}
            className="font-semibold underline"
            data-testid="quote-order-link"
          >
            {t('demand.thread.viewOrder')}
          </Link>
        </p>
      ) : null}
      {failed && (intent === 'accept' || intent === 'withdraw' || !intent) ? (
        <div className="mb-4">
          <FormAlert error={failed.errors.form} />
        </div>
      ) : null}
      <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,20rem)]">
        <Card title={t('demand.thread.versions')}>
          <ol className="space-y-3" data-testid="quote-versions">
            {versions.map((v) => (
              <li
                key={v.version}
                className={`rounded-md border p-3 text-sm ${v.version === latest.version ? 'border-sea-300 bg-sea-50' : 'border-slate-200'}`}
                data-testid="quote-version"
              >
                <p className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-medium">
                    {t(v.side === 'seller' ? 'demand.thread.bySeller' : 'demand.thread.byBuyer', {
                      version: v.version,
                    })}
                  </span>
                  <span className="text-base font-semibold tabular-nums" data-testid="version-price">
                    {priceLabel(v.unitPriceFen, v.priceUnit, locale)}
                  </span>
                </p>
                <p className="mt-1 text-slate-600">
                  {formatQuantity(v.quantity, demand.displayUnit, locale)} ·{' '}
                  {t('demand.card.by', { date: v.deliverBy })} ·{' '}
                  {v.expired
                    ? t('demand.thread.expired')
                    : t('demand.thread.validUntil', {
                        time: new Intl.DateTimeFormat(locale, {
                          dateStyle: 'short',
                          timeStyle: 'short',
                          timeZone: marketTimeZone(),
                        }).format(new Date(v.validUntil)),
                      })}
                </p>
                {v.tiers.length > 1 ? (
                  <p className="mt-1 text-xs text-slate-500">
                    {v.tiers
                      .map((tier) =>
                        t('demand.thread.tier', {
                          from: formatQuantity(tier.minQuantity, demand.displayUnit, locale),
                          price: priceLabel(tier.unitPriceFen, v.priceUnit, locale),
                        }),
                      )
                      .join('；')}
                  </p>
                ) : null}
                {v.note ? <p className="mt-1 whitespace-pre-line text-slate-700">{v.note}</p> : null}
              </li>
            ))}
          </ol>
          <h3 className="mt-6 mb-2 text-sm font-semibold text-slate-700">{t('demand.thread.messages')}</h3>
          {messages.length === 0 ? (
            <p className="text-sm text-slate-500">{t('demand.thread.noMessages')}</p>
          ) : (
            <ul className="space-y-2" data-testid="quote-messages">
              {messages.map((m) => (
                <li
                  key={m.id}
                  className={`rounded-md px-3 py-2 text-sm ${m.mine ? 'ml-6 bg-sea-50' : 'mr-6 bg-slate-100'}`}
                >
                  <p className="text-xs text-slate-500">{m.orgName}</p>
                  <p className="whitespace-pre-line break-words">{m.body}</p>
                </li>
              ))}
            </ul>
          )}
          {canAct ? (
            <Form method="post" className="mt-3 space-y-2">
              <TextareaField
                name="body"
                label={t('demand.thread.message')}
                rows={2}
                defaultValue={intent === 'message' ? failed?.values.body : undefined}
                error={intent === 'message' ? failed?.errors.body : undefined}
              />
              <SubmitButton intent="message" variant="secondary">
                {t('demand.thread.send')}
              </SubmitButton>
            </Form>
          ) : null}
        </Card>
        <div className="space-y-4">
          {canAct && quote.status === 'open' ? (
            <Card title={myTurn ? t('demand.thread.yourTurn') : t('demand.thread.theirTurn')}>
              {myTurn ? (
                <>
                  {canAccept ? (
                    <Form method="post" className="mb-4">
                      <input type="hidden" name="version" value={latest.version} />
                      <p className="mb-2 text-sm text-slate-600">
                        {t('demand.thread.acceptLead', {
                          price: priceLabel(latest.unitPriceFen, latest.priceUnit, locale),
                          quantity: formatQuantity(latest.quantity, demand.displayUnit, locale),
                        })}
                      </p>
                      <SubmitButton intent="accept">{t('demand.thread.accept')}</SubmitButton>
                    </Form>
                  ) : (
                    <p className="mb-4 text-sm text-amber-700">
                      {latest.expired
                        ? t('demand.errors.expired')
                        : !listing
                          ? t('demand.errors.needsListing')
                          : t('demand.errors.closed')}
                    </p>
                  )}
                  <h3 className="mb-2 text-sm font-semibold text-slate-700">{t('demand.thread.counter')}</h3>
                  <OfferForm
                    intent="counter"
                    baseUnit={baseUnit}
                    values={intent === 'counter' && failed ? failed.values : counterDefaults}
                    errors={intent === 'counter' && failed ? failed.errors : {}}
                    version={latest.version}
                    submitLabel={t('demand.thread.sendCounter')}
                  />
                </>
              ) : (
                <p className="text-sm text-slate-600">{t('demand.thread.waiting')}</p>
              )}
              <Form method="post" className="mt-4 border-t border-slate-100 pt-4">
                <SubmitButton intent="withdraw" variant="danger">
                  {t('demand.thread.withdraw')}
                </SubmitButton>
              </Form>
            </Card>
          ) : null}
          {side === null ? <p className="text-sm text-slate-500">{t('demand.thread.operatorView')}</p> : null}
          <Card>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
              <dt className="text-slate-500">{t('demand.card.quantity')}</dt>
              <dd className="tabular-nums">{formatQuantity(demand.quantity, demand.displayUnit, locale)}</dd>
              <dt className="text-slate-500">{t('demand.card.target')}</dt>
              <dd className="tabular-nums">
                {demand.targetPriceFen === null
                  ? t('demand.card.open')
                  : priceLabel(demand.targetPriceFen, demand.priceUnit, locale)}
              </dd>
              <dt className="text-slate-500">{t('demand.card.deliverBy')}</dt>
              <dd>{demand.deliverBy}</dd>
            </dl>
          </Card>
        </div>
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.thread.pageTitle');
