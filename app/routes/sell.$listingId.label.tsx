// A lot's printable label: product, origin, harvest date and a QR code of its public trace URL (a GS1 Digital Link).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listingTitle } from '~/components/listing-form';
import { db } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { requireOwnListing } from '~/listings/sell.server';
import { categoryGtin, digitalLinkPath, lotCodeOf } from '~/trace/epcis';
import { publicTrace } from '~/trace/trace.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { listing } = await requireOwnListing(request, params.listingId ?? '', 'viewer');
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const traceUrl = `${origin}${digitalLinkPath(listing.categoryId, listing.id)}`;
  // Error correction M survives a smudged or creased box label; the SVG prints sharp at any size.
  // Loaded here, not at start: only label pages draw a QR code.
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(traceUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const trace = await publicTrace(db, listing.id);
  return json({
    listing: {
      id: listing.id,
      titleZh: listing.titleZh,
      titleEn: listing.titleEn,
      originName: listing.originName,
      originRegion: listing.originRegion,
      harvestDate: listing.harvestDate,
    },
    producer: trace?.lot.producer ?? '',
    certificateNumbers: trace?.certificateNumbers ?? [],
    gtin: categoryGtin(listing.categoryId),
    lotCode: lotCodeOf(listing.id),
    traceUrl,
    tracePath: digitalLinkPath(listing.categoryId, listing.id),
    qrSvg,
  });
}

export default function ListingLabel() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const exportHref = (format: string) =>
    `/trace/export?format=${format}&lot=${encodeURIComponent(data.listing.id)}`;
  return (
    <div className="mx-auto max-w-xl">
      <div className="mb-4 flex flex-wrap items-center gap-2 print:hidden">
        <Link to={`/sell/${data.listing.id}/edit`} className="text-sm text-sea-700 underline">
          ← {listingTitle(data.listing, locale)}
        </Link>
        <span className="ml-auto flex flex-wrap gap-2 text-sm">
          <a href={exportHref('jsonld')} className="rounded-md border border-slate-300 bg-white px-3 py-1.5">
            {t('trace.label.exportJson')}
          </a>
          <a href={exportHref('csv')} className="rounded-md border border-slate-300 bg-white px-3 py-1.5">
            {t('trace.label.exportCsv')}
          </a>
        </span>
      </div>
      <section
        className="rounded-lg border-2 border-slate-900 bg-white p-5 text-slate-900"
        aria-label={t('trace.label.title')}
        data-testid="label"
      >
        <div className="flex flex-col gap-4 sm:flex-row">
          <div
            className="mx-auto w-44 shrink-0 sm:mx-0"
            data-testid="label-qr"
            // The SVG is produced by the qrcode package on the server from our own URL.
            // biome-ignore lint/security/noDangerouslySetInnerHtml: trusted SVG markup generated server-side
            dangerouslySetInnerHTML={{ __html: data.qrSvg }}
          />
          <div className="min-w-0 text-sm">
            <h1 className="text-lg font-bold break-words">{listingTitle(data.listing, locale)}</h1>
            <p className="mt-1 break-words">{data.producer}</p>
            <p className="mt-1">
              {t('trace.origin')}：{data.listing.originName}（{data.listing.originRegion}）
            </p>
            <p>
              {t('trace.harvestDate')}：{data.listing.harvestDate}
            </p>
            {data.certificateNumbers.length ? (
              <p className="break-all">
                {t('trace.certificate')}：{data.certificateNumbers.join('、')}
              </p>
            ) : null}
            <p className="mt-2 font-mono text-xs break-all">
              (01){data.gtin}(10){data.lotCode}
            </p>
          </div>
        </div>
        <p className="mt-3 text-center text-xs">{t('trace.label.scan')}</p>
        <p className="text-center font-mono text-[11px] break-all">
          <a href={data.tracePath} data-testid="label-trace-link" className="underline">
            {data.traceUrl}
          </a>
        </p>
      </section>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'trace.label.title', data?.listing.titleZh ?? undefined);
