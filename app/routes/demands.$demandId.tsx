// One demand: what the buyer wants, its quotes (all of them for the buyer, its own for a seller), the lots that fit, and quoting.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { DemandStatusBadge, MatchWhy, targetText } from '~/components/demand-card';
import { OfferForm } from '~/components/demand-form';
import { FormAlert, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { DemandError, changeDemandStatus } from '~/demand/demands.server';
import { priceLabel } from '~/demand/format';
import { demandFormValues } from '~/demand/form.server';
import { lotChoices, newOfferValues, saveQuoteForm } from '~/demand/pages.server';
import { demandForViewer, listingsForDemand, quotesOfDemand } from '~/demand/queries.server';
import { requireActiveOrg, requireUser, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity } from '~/lib/units';
import { notFound } from '~/lib/http.server';
import { marketTimeZone } from '~/lib/market-time';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const found = await demandForViewer(db, params.demandId ?? '', viewer);
  if (!found) throw notFound();
  const { demand, side, ownQuote, canQuote } = found;
  const canAct = Boolean(viewer.activeOrg && roleAtLeast(viewer.activeOrg.role, 'trader'));
  const locale = await resolveLocale(request);
  const [quoteRows, fits, lots] = await Promise.all([
    side ? quotesOfDemand(db, demand.id, viewer, side) : Promise.resolve([]),
    side === 'buyer' || side === 'operator' ? listingsForDemand(db, demand.id) : Promise.resolve([]),
    canQuote && canAct && viewer.activeOrg
      ? lotChoices(db, viewer.activeOrg.orgId, demand.categoryId as string, locale)
      : Promise.resolve(null),
  ]);
  return json({
    demand,
    side,
    ownQuote,
    canQuote: canQuote && canAct,
    canAct,
    quotes: quoteRows,
    fits,
    lots,
    offerDefaults: newOfferValues({
      quantity: demand.quantity as number,
      displayUnit: demand.displayUnit as 't',
      deliverBy: demand.deliverBy as string,
      priceUnit: demand.priceUnit as string,
    }),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireActiveOrg(request, 'trader');
  const demandId = params.demandId ?? '';
  const formData = await readFormData(request);
  const values = demandFormValues(formData);
  if (values.intent === 'quote') {
    const result = await saveQuoteForm(db, {
      demandId,
      orgId: viewer.activeOrg.orgId,
      actorUserId: viewer.user.id,
      values,
    });
    if (!result.ok) return formError(result.errors, values, result.status);
    return redirectWithToast(`/demands/${demandId}/quotes/${result.id}`, 'demand.toast.quoted');
  }
  if (values.intent === 'close' || values.intent === 'reopen') {
    const action = values.intent;
    try {
      await db.transaction((tx) =>
        changeDemandStatus(tx, { demandId, orgId: viewer.activeOrg.orgId, action }),
      );
    } catch (error) {
      if (!(error instanceof DemandError)) throw error;
      return formError({ form: error.messageKey }, values, error.status);
    }
    return redirectWithToast(
      `/demands/${demandId}`,
      action === 'close' ? 'demand.toast.closed' : 'demand.toast.reopened',
    );
  }
  return formError({ form: 'errors.invalid' }, values, 400);
}

export default function DemandPage() {
  const { demand, side, ownQuote, canQuote, canAct, quotes, fits, lots, offerDefaults } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const expired = new Date(demand.expiresAt as string) <= new Date() && demand.status === 'open';
  const quoteFailed = failed && failed.values.intent === 'quote' ? failed : null;
  return (
    <div>
      <PageHeader title={demand.title as string}>
        {side === 'buyer' && canAct ? (
          <>
            {demand.status !== 'fulfilled' ? (
              <Link
                to={`/demands/${demand.id}/edit`}
                className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium"
              >
                {t('demand.action.edit')}
              </Link>
            ) : null}
            <Form method="post">
              {demand.status === 'open' ? (
                <SubmitButton intent="close" variant="danger">
                  {t('demand.action.close')}
                </SubmitButton>
              ) : demand.status === 'closed' ? (
                <SubmitButton intent="reopen" variant="secondary">
                  {t('demand.action.reopen')}
                </SubmitButton>
              ) : null}
            </Form>
          </>
        ) : null}
      </PageHeader>
      {failed && !quoteFailed ? (
        <div className="mb-4">
          <FormAlert error={failed.errors.form} />
        </div>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
        <div className="space-y-4">
          <Card>
            <div className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-600">
              <DemandStatusBadge status={demand.status as 'open'} expired={expired} />
              <span>{locale === 'en' ? demand.categoryEn : demand.categoryZh}</span>
              <span>· {demand.buyerName}</span>
              {demand.visibility === 'verified' ? (
                <Badge tone="amber">{t('demand.visibility.verifiedShort')}</Badge>
              ) : null}
            </div>
            <dl
              className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm"
              data-testid="demand-facts"
            >
              <dt className="text-slate-500">{t('demand.card.quantity')}</dt>
              <dd className="font-medium tabular-nums">
                {formatQuantity(demand.quantity as number, demand.displayUnit as 't', locale)}
              </dd>
              <dt className="text-slate-500">{t('demand.card.target')}</dt>
              <dd className="tabular-nums">
                {targetText(
                  {
                    targetPriceFen: demand.targetPriceFen as number | null,
                    priceUnit: demand.priceUnit as string,
                  },
                  locale,
                  t('demand.card.open'),
                )}
              </dd>
              <dt className="text-slate-500">{t('demand.card.deliverTo')}</dt>
              <dd>
                {locale === 'en' ? demand.cityEn : demand.cityZh} ·{' '}
                {t('demand.card.by', { date: demand.deliverBy as string })}
              </dd>
              <dt className="text-slate-500">{t('demand.card.coldChain')}</dt>
              <dd>{t(`listing.coldChain.${demand.coldChain}`)}</dd>
              {demand.specRows.map((row) => (
                <div key={row.key} className="contents">
                  <dt className="text-slate-500">{locale === 'en' ? row.label.en : row.label.zh}</dt>
                  <dd>{locale === 'en' ? row.value.en : row.value.zh}</dd>
                </div>
              ))}
              <dt className="text-slate-500">{t('demand.card.expires')}</dt>
              <dd>
                {new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: marketTimeZone() }).format(
                  new Date(new Date(demand.expiresAt as string).getTime() - 1),
                )}
              </dd>
            </dl>
            {demand.notes ? (
              <p className="mt-3 text-sm whitespace-pre-line text-slate-700">{demand.notes}</p>
            ) : null}
          </Card>

          {side === 'buyer' || side === 'operator' ? (
            <Card title={t('demand.fits.title')}>
              {fits.length === 0 ? (
                <p className="text-sm text-slate-600">{t('demand.fits.empty')}</p>
              ) : (
                <ul className="divide-y divide-slate-100" data-testid="demand-fits">
                  {fits.map((fit) => (
                    <li key={fit.listingId} className="py-3">
                      <div className="flex flex-wrap items-baseline justify-between gap-2">
                        <Link
                          to={`/market/${fit.listingId}`}
                          className="font-medium text-slate-900 hover:underline"
                        >
                          {listingTitle(fit, locale)}
                        </Link>
                        <span className="text-sm tabular-nums text-slate-700">
                          {fit.parts.unitPriceFen
                            ? priceLabel(fit.parts.unitPriceFen, demand.priceUnit as string, locale)
                            : ''}
                        </span>
                      </div>
                      <p className="mb-1 text-xs text-slate-500">
                        {fit.sellerName} · {fit.pickupPlace} ·{' '}
                        {formatQuantity(fit.quantityAvailable, fit.displayUnit, locale, {
                          caseNetGrams: fit.caseNetGrams ?? undefined,
                        })}
                      </p>
                      <MatchWhy score={fit.score} parts={fit.parts} distanceKm={fit.distanceKm} />
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          ) : null}
        </div>

        <div className="space-y-4">
          {side ? (
            <Card title={side === 'seller' ? t('demand.quotes.yours') : t('demand.quotes.title')}>
              {quotes.length === 0 ? (
                <p className="text-sm text-slate-600">
                  {side === 'buyer' ? t('demand.quotes.noneBuyer') : t('demand.quotes.noneSeller')}
                </p>
              ) : (
                <ul className="divide-y divide-slate-100" data-testid="demand-quotes">
                  {quotes.map((quote) => (
                    <li key={quote.id} className="py-2">
                      <Link
                        to={`/demands/${demand.id}/quotes/${quote.id}`}
                        className="flex flex-wrap items-baseline justify-between gap-2 hover:underline"
                      >
                        <span className="font-medium text-slate-900">{quote.sellerName}</span>
                        <span className="tabular-nums">
                          {priceLabel(quote.unitPriceFen, quote.priceUnit, locale)}
                        </span>
                      </Link>
                      <p className="text-xs text-slate-500">
                        {t(`demand.quoteStatus.${quote.status}`)} ·{' '}
                        {t(quote.side === 'buyer' ? 'demand.quotes.lastBuyer' : 'demand.quotes.lastSeller', {
                          version: quote.version,
                        })}{' '}
                        · {formatQuantity(quote.quantity, demand.displayUnit as 't', locale)}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
              {side === 'seller' && ownQuote ? (
                <Link
                  to={`/demands/${demand.id}/quotes/${ownQuote.id}`}
                  className="mt-3 inline-block text-sm text-sea-700 underline"
                >
                  {t('demand.quotes.openThread')}
                </Link>
              ) : null}
            </Card>
          ) : null}
          {canQuote && lots ? (
            <Card title={t('demand.offer.title')}>
              <OfferForm
                intent="quote"
                baseUnit={demand.baseUnit as 'g'}
                values={quoteFailed?.values ?? offerDefaults}
                errors={quoteFailed?.errors ?? {}}
                lots={lots}
                submitLabel={t('demand.offer.submit')}
              />
            </Card>
          ) : side === 'seller' && !ownQuote && !demand.open ? (
            <EmptyState>{t('demand.errors.closed')}</EmptyState>
          ) : null}
        </div>
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'demand.page.title', (data?.demand.title as string | undefined) ?? undefined);
