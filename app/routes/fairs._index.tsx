// Trade fairs (#19): the market's fairs, on now and coming, each linking to its online fair.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { fairIsOn } from '~/fairs/fairs.server';
import { fairName } from '~/fairs/format';
import { listFairs } from '~/fairs/pages.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';

export async function loader(_: LoaderFunctionArgs) {
  const now = new Date();
  const today = marketToday();
  const fairs = await listFairs(db);
  return json({
    fairs: fairs
      .filter((f) => f.endsOn >= today)
      .map((f) => ({
        id: f.id,
        nameZh: f.nameZh,
        nameEn: f.nameEn,
        startsOn: f.startsOn,
        endsOn: f.endsOn,
        hall: f.hall,
        on: fairIsOn(f, now),
      }))
      .reverse(),
    past: fairs
      .filter((f) => f.endsOn < today)
      .slice(0, 20)
      .map((f) => ({ id: f.id, nameZh: f.nameZh, nameEn: f.nameEn, startsOn: f.startsOn, endsOn: f.endsOn })),
  });
}

export default function Fairs() {
  const { fairs, past } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('fairs.list.title')} />
      <p className="text-sm text-slate-600">{t('fairs.list.lead')}</p>
      {fairs.length === 0 ? (
        <EmptyState>{t('fairs.list.empty')}</EmptyState>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {fairs.map((f) => (
            <li key={f.id}>
              <Card>
                <h2 className="text-lg font-semibold">
                  <Link to={`/fairs/${f.id}`} className="text-sea-700 underline">
                    {fairName(f, locale)}
                  </Link>{' '}
                  {f.on ? <Badge tone="green">{t('fairs.home.onNow')}</Badge> : null}
                </h2>
                <p className="mt-1 text-sm text-slate-600">
                  {f.startsOn} – {f.endsOn} · {f.hall}
                </p>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 ? (
        <Card title={t('fairs.list.past')}>
          <ul className="space-y-1 text-sm">
            {past.map((f) => (
              <li key={f.id}>
                <Link to={`/fairs/${f.id}`} className="text-sea-700 underline">
                  {fairName(f, locale)}
                </Link>{' '}
                <span className="text-slate-500">
                  {f.startsOn} – {f.endsOn}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.list.title');
