// The public trace of a lot at a GS1 Digital Link shaped URL (/01/<GTIN>/10/<lot>): pond to table, no prices, no personal data.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listingTitle, localName } from '~/components/listing-form';
import { formatTime } from '~/components/notification';
import { TraceTimeline } from '~/components/shipment-trace';
import { Card } from '~/components/ui';
import { planOfLot } from '~/farming/pages.server';
import { readerFor } from '~/lib/read-db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketTimeZone } from '~/lib/market-time';
import { categoryGtin, listingIdOfLot } from '~/trace/epcis';
import { publicTrace } from '~/trace/trace.server';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = readerFor(request);
  const listingId = listingIdOfLot(params.lot ?? '');
  const trace = listingId ? await publicTrace(db, listingId) : null;
  // The GTIN must be the lot's own: a wrong one is a different product, so not found.
  if (!trace || categoryGtin(trace.lot.categoryId) !== params.gtin) throw notFound();
  const { lot } = trace;
  // A lot harvested for pre-orders (订单农业) shows its plan's growth notes before the harvest.
  const plan = listingId ? await planOfLot(db, listingId) : null;
  // Only what the page shows leaves the server: no seller id, no order or booking ids, no prices.
  return json(
    {
      lot: {
        titleZh: lot.titleZh,
        titleEn: lot.titleEn,
        category: { nameZh: lot.categoryZh, nameEn: lot.categoryEn },
        originName: lot.originName,
        originRegion: lot.originRegion,
        harvestDate: lot.harvestDate,
        coldChain: lot.coldChain,
        producer: lot.producer,
      },
      gtin: trace.gtin,
      lotCode: trace.lotCode,
      steps: trace.steps,
      certificateNumbers: trace.certificateNumbers,
      certificate: trace.certificate,
      plan,
    },
    { headers: { 'Cache-Control': 'public, max-age=60' } },
  );
}

/** A date as the market's calendar reads it (Beijing time). */
function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: marketTimeZone() }).format(
    new Date(iso),
  );
}

export default function PublicTrace() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  // The places in the order the lot passed them, a place repeated only after another one in between.
  const places: { key: string; name: string }[] = [];
  for (const step of data.steps) {
    if (step.place && places[places.length - 1]?.name !== step.place)
      places.push({ key: step.id, name: step.place });
  }
  const sensor = [...data.steps].reverse().find((step) => step.sensor)?.sensor ?? null;
  return (
    <div className="mx-auto max-w-3xl">
      <p className="text-sm text-slate-500">{t('trace.title')}</p>
      <h1 className="mt-1 text-2xl font-bold tracking-tight break-words text-slate-900">
        {listingTitle(data.lot, locale)}
      </h1>
      <p className="mt-1 font-mono text-xs break-all text-slate-500" data-testid="trace-ids">
        GTIN {data.gtin} · {t('trace.lot', { lot: data.lotCode })}
      </p>

      <div className="mt-5 grid gap-4 sm:grid-cols-2">
        <Card>
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-slate-500">{t('trace.product')}</dt>
              <dd className="font-medium">{localName(data.lot.category, locale)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('trace.producer')}</dt>
              <dd className="font-medium break-words">{data.lot.producer}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('trace.origin')}</dt>
              <dd className="break-words">
                {data.lot.originName}（{data.lot.originRegion}）
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('trace.harvestDate')}</dt>
              <dd>{data.lot.harvestDate}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t('trace.certificate')}</dt>
              {data.certificate ? (
                <dd className="break-words" data-testid="trace-compliance-certificate">
                  <a
                    href={`/certificates/${data.certificate.id}`}
                    className="font-mono text-sea-700 underline"
                  >
                    {data.certificate.number}
                  </a>
                  <span className="block text-xs text-slate-600">
                    {t('compliance.field.promisingParty')}：{data.certificate.promisingParty} ·{' '}
                    {t('compliance.lot.issuedOn', { date: formatDay(data.certificate.issuedAt, locale) })}
                  </span>
                </dd>
              ) : null}
              {data.certificateNumbers.length || !data.certificate ? (
                <dd className="font-mono break-all" data-testid="trace-certificate">
                  {data.certificateNumbers.length
                    ? data.certificateNumbers.join('、')
                    : t('trace.noCertificate')}
                </dd>
              ) : null}
            </div>
          </dl>
        </Card>
        <Card>
          <h2 className="text-sm font-semibold text-slate-900">{t('trace.route')}</h2>
          {places.length ? (
            <ol className="mt-2 space-y-1 text-sm" data-testid="trace-route">
              {places.map((place, i) => (
                <li key={place.key} className="flex items-center gap-2">
                  <span className="flex size-5 shrink-0 items-center justify-center rounded-full bg-sea-100 text-xs text-sea-800">
                    {i + 1}
                  </span>
                  <span className="break-words">{place.name}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="mt-2 text-sm text-slate-500">{t('trace.noRoute')}</p>
          )}
          <h2 className="mt-4 text-sm font-semibold text-slate-900">{t('trace.temperature')}</h2>
          <p className="mt-1 text-sm" data-testid="trace-temperature">
            {sensor
              ? t('trace.temperatureValue', { min: sensor.minC, max: sensor.maxC, count: sensor.excursions })
              : t('trace.noTemperature')}
          </p>
        </Card>
      </div>

      <Card title={t('trace.timeline')} className="mt-4">
        {data.steps.length ? (
          <TraceTimeline
            steps={data.steps.map((step) => ({
              ...step,
              timeLabel: step.step === 'harvest' ? data.lot.harvestDate : formatTime(step.time, locale),
            }))}
          />
        ) : (
          <p className="text-sm text-slate-500">{t('trace.empty')}</p>
        )}
      </Card>
      {data.plan ? (
        <Card title={t('farming.trace.growth')} className="mt-4">
          <ol className="space-y-3 text-sm" data-testid="trace-growth">
            {data.plan.posts.map((post) => (
              <li key={post.id}>
                <p className="text-xs text-slate-500">{formatDay(post.at, locale)}</p>
                <p className="whitespace-pre-line">{post.body}</p>
                {post.hasPhoto ? (
                  <img
                    src={`/plans/${data.plan?.id}/posts/${post.id}`}
                    alt={t('farming.posts.photoAlt', { date: formatDay(post.at, locale) })}
                    className="mt-2 max-h-48 rounded-md"
                    loading="lazy"
                  />
                ) : null}
              </li>
            ))}
          </ol>
          <p className="mt-3 text-sm">
            <Link to={`/plans/${data.plan.id}`} className="text-sea-700 underline">
              {t('farming.trace.plan', { plan: data.plan.title })}
            </Link>
          </p>
        </Card>
      ) : null}
      <p className="mt-4 text-xs text-slate-500">{t('trace.privacy')}</p>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'trace.title', data?.lot.titleZh ?? data?.lot.titleEn ?? undefined);
