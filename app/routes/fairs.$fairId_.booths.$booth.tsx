// A booth's page (#19.2–4): what its QR code opens on a visitor's phone — the exhibitor, its lots with fair-only
// prices, its auctions at the fair, its free meeting slots to book (in the hall or by video), and the booth's QR.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton } from '~/components/forms';
import { HallMap } from '~/components/hall-map';
import { PlanCard } from '~/components/plan-parts';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { FairError, bookSlot, fairIsOn, recordVisit } from '~/fairs/fairs.server';
import { fairName, fen, marketMinute, meetingSpan } from '~/fairs/format';
import {
  absoluteUrl,
  boothByNumber,
  exhibitorLots,
  fairAuctions,
  fairById,
  fairView,
  hallBooths,
  qrSvg,
  slotsOf,
} from '~/fairs/pages.server';
import { openPlansOfSeller } from '~/farming/pages.server';
import { getViewer, requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { localeOf, pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

async function heldBooth(fairId: string, number: string) {
  const fair = await fairById(db, fairId);
  if (!fair) throw notFound();
  const found = await boothByNumber(db, fair.id, number);
  if (!found?.orgId || !found.orgName) throw notFound();
  return { fair, booth: found.booth, orgId: found.orgId, orgName: found.orgName };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { fair, booth, orgId, orgName } = await heldBooth(params.fairId ?? '', params.booth ?? '');
  const viewer = await getViewer(request);
  const viewerOrg = viewer?.activeOrg?.orgId ?? null;
  const now = new Date();
  // Every opening counts as a visit (a QR scan or a link), except the exhibitor's own.
  if (viewerOrg !== orgId)
    await recordVisit(db, { fairId: fair.id, boothId: booth.id, visitorOrgId: viewerOrg });
  const [lots, auctions, plans, slots, booths] = await Promise.all([
    exhibitorLots(db, fair.id, orgId),
    fairAuctions(db, fair, orgId),
    openPlansOfSeller(db, orgId),
    slotsOf(db, fair.id, orgId),
    hallBooths(db, fair.id),
  ]);
  const path = `/fairs/${fair.id}/booths/${booth.number}`;
  const url = absoluteUrl(request, path);
  return json({
    fair: fairView(fair),
    on: fairIsOn(fair, now),
    booth: { number: booth.number, zone: booth.zone, widthM: booth.widthM, depthM: booth.depthM },
    exhibitor: orgName,
    lots,
    auctions,
    plans,
    slots: slots.filter((s) => !s.booked && new Date(s.from) > now),
    booths: booths.map(({ number, zone, row, col, exhibitor }) => ({ number, zone, row, col, exhibitor })),
    url,
    qr: await qrSvg(url),
    mayBook:
      Boolean(viewer?.activeOrg && ['buyer', 'both'].includes(viewer.activeOrg.kind)) && viewerOrg !== orgId,
    signedIn: Boolean(viewer),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const { fair, orgId } = await heldBooth(params.fairId ?? '', params.booth ?? '');
  const values = formValues(await readFormData(request));
  const mode = values.mode === 'video' ? 'video' : values.mode === 'hall' ? 'hall' : null;
  if (!values.slotId) return formError({ form: 'fairs.errors.chooseSlot' }, values);
  if (!mode) return formError({ form: 'fairs.errors.chooseMode' }, values);
  try {
    await db.transaction(async (tx) => {
      // The slot must be this booth's exhibitor's, at this fair.
      const own = await slotsOf(tx, fair.id, orgId);
      if (!own.some((s) => s.id === values.slotId)) throw new FairError('errors.notFound', 404);
      await bookSlot(tx, {
        slotId: values.slotId,
        buyerOrgId: viewer.activeOrg.orgId,
        userId: viewer.user.id,
        mode,
        now: new Date(),
      });
    });
  } catch (error) {
    if (error instanceof FairError) return formError({ form: error.messageKey }, values, error.status);
    throw error;
  }
  return redirectWithToast(`/fairs/${fair.id}/visit`, 'fairs.toast.booked');
}

export default function BoothPage() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const { fair, booth } = data;
  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link to={`/fairs/${fair.id}`} className="text-sea-700 underline">
          {fairName(fair, locale)}
        </Link>
      </nav>
      <PageHeader title={data.exhibitor}>
        <Badge tone="sea">{t('fairs.booth.number', { number: booth.number })}</Badge>
      </PageHeader>
      <p className="text-sm text-slate-700">
        {t('fairs.booth.where', {
          zone: booth.zone,
          hall: fair.hall,
          width: booth.widthM,
          depth: booth.depthM,
        })}
      </p>

      <Card title={t('fairs.booth.lots')}>
        {data.lots.length === 0 ? (
          <EmptyState>{t('fairs.booth.noLots')}</EmptyState>
        ) : (
          <TableScroll label={t('fairs.booth.lots')}>
            <table className="min-w-full text-left text-sm" data-testid="booth-lots">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="py-2 pr-4">{t('fairs.booth.lot')}</th>
                  <th className="py-2 pr-4 text-right">{t('fairs.booth.listPrice')}</th>
                  <th className="py-2 pr-4 text-right">{t('fairs.booth.fairPrice')}</th>
                  {data.mayBook ? <th className="py-2 pr-4">{t('fairs.booth.deal')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.lots.map((lot) => (
                  <tr key={lot.id} className="border-b border-slate-100">
                    <td className="py-2 pr-4">
                      <Link to={`/market/${lot.id}`} className="text-sea-700 underline">
                        {(locale === 'en' ? (lot.titleEn ?? lot.titleZh) : (lot.titleZh ?? lot.titleEn)) ??
                          ''}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 text-right">
                      {lot.listPriceFen === null ? '—' : fen(lot.listPriceFen, locale, lot.currency)}
                    </td>
                    <td className="py-2 pr-4 text-right">
                      {lot.fairPriceFen === null ? (
                        '—'
                      ) : (
                        <span className="font-semibold text-red-700">
                          {fen(lot.fairPriceFen, locale, lot.currency)}
                          {data.on ? null : (
                            <span className="block text-xs font-normal text-slate-500">
                              {t('fairs.booth.fairPriceLater')}
                            </span>
                          )}
                        </span>
                      )}
                    </td>
                    {data.mayBook ? (
                      <td className="py-2 pr-4">
                        {lot.saleMode === 'fixed' ? (
                          <Link
                            to={`/orders/new?listingId=${lot.id}`}
                            className="whitespace-nowrap text-sea-700 underline"
                          >
                            {t('fairs.booth.orderNow')}
                          </Link>
                        ) : (
                          <Link
                            to={`/demands/new?listing=${lot.id}`}
                            className="whitespace-nowrap text-sea-700 underline"
                          >
                            {t('fairs.booth.askQuote')}
                          </Link>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <p className="mt-2 text-xs text-slate-500">
          {t('fairs.booth.fairPriceNote', { from: fair.startsOn, until: fair.endsOn })}
        </p>
      </Card>

      {data.auctions.length > 0 ? (
        <Card title={t('fairs.booth.auctions')}>
          <ul className="divide-y divide-slate-100 text-sm">
            {data.auctions.map((a) => (
              <li key={a.id} className="flex flex-wrap justify-between gap-2 py-2">
                <Link to={`/auctions/${a.id}`} className="text-sea-700 underline">
                  {a.title}
                </Link>
                <span className="text-slate-600">
                  {t(`auctions.type.${a.type}` as KeyIn<'auctions.type'>)} · {marketMinute(a.startsAt)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {data.plans.length > 0 ? (
        <Card title={t('fairs.booth.plans')}>
          <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2" data-testid="booth-plans">
            {data.plans.map((plan) => (
              <li key={plan.id} className="flex">
                <PlanCard plan={plan} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title={t('fairs.booth.meet')}>
        {failed?.errors.form ? (
          <div className="mb-3">
            <FormAlert error={failed.errors.form} />
          </div>
        ) : null}
        {data.slots.length === 0 ? (
          <EmptyState>{t('fairs.booth.noSlots')}</EmptyState>
        ) : !data.mayBook ? (
          <p className="text-sm text-slate-600">
            {data.signedIn ? t('fairs.booth.buyersBook') : t('fairs.booth.signInToBook')}{' '}
            {data.signedIn ? null : (
              <Link
                to={`/login?next=/fairs/${fair.id}/booths/${booth.number}`}
                className="text-sea-700 underline"
              >
                {t('fairs.booth.signIn')}
              </Link>
            )}
          </p>
        ) : (
          <ul className="space-y-3" data-testid="slots">
            {data.slots.map((slot) => (
              <li key={slot.id} className="rounded border border-slate-200 p-3">
                <Form method="post" className="flex flex-wrap items-center gap-3">
                  <input type="hidden" name="slotId" value={slot.id} />
                  <span className="font-mono text-sm">{meetingSpan(slot.from, slot.until)}</span>
                  <fieldset className="flex gap-3 text-sm">
                    <legend className="sr-only">
                      {t('fairs.booth.how', { time: meetingSpan(slot.from, slot.until) })}
                    </legend>
                    {(slot.mode === 'either' ? ['hall', 'video'] : [slot.mode]).map((mode, i) => (
                      <label key={mode} className="inline-flex items-center gap-1">
                        <input type="radio" name="mode" value={mode} defaultChecked={i === 0} />
                        {t(`fairs.mode.${mode}` as KeyIn<'fairs.mode'>)}
                      </label>
                    ))}
                  </fieldset>
                  <SubmitButton intent="book">{t('fairs.booth.book')}</SubmitButton>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <div className="grid gap-6 md:grid-cols-2">
        <Card title={t('fairs.booth.qr')}>
          <div
            className="mx-auto w-48"
            role="img"
            aria-label={t('fairs.booth.qrLabel', { number: booth.number })}
            // The SVG is generated on the server by the qrcode package from our own URL.
            // biome-ignore lint/security/noDangerouslySetInnerHtml: trusted, server-generated SVG
            dangerouslySetInnerHTML={{ __html: data.qr }}
          />
          <p className="mt-2 break-all text-center text-xs text-slate-600" data-testid="booth-url">
            {data.url}
          </p>
        </Card>
        <Card title={t('fairs.map.title')}>
          <HallMap fairId={fair.id} booths={data.booths} current={booth.number} />
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(
    matches,
    null,
    data
      ? `${data.exhibitor} · ${data.booth.number} · ${localeOf(matches) === 'en' ? data.fair.nameEn : data.fair.nameZh}`
      : undefined,
  );
