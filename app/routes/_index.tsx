// The public home page: what the market is, and the way in.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getViewer } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  return json({ signedIn: Boolean(await getViewer(request)) });
}

export default function Home() {
  const { signedIn } = useLoaderData<typeof loader>();
  const t = useT();
  const audiences = [
    ['home.forSellers', 'home.forSellersText'],
    ['home.forBuyers', 'home.forBuyersText'],
    ['home.forCarriers', 'home.forCarriersText'],
  ] as const;
  return (
    <div className="space-y-8">
      <section className="rounded-xl bg-gradient-to-br from-sea-700 to-sea-900 px-6 py-10 text-white sm:px-10">
        <h1 className="text-3xl font-bold sm:text-4xl">{t('home.title')}</h1>
        <p className="mt-4 max-w-3xl text-sea-50 sm:text-lg">{t('home.lead')}</p>
        <div className="mt-6 flex flex-wrap gap-3">
          {signedIn ? (
            <Link to="/dashboard" className="rounded-md bg-white px-5 py-2.5 font-semibold text-sea-800">
              {t('home.ctaDashboard')}
            </Link>
          ) : (
            <>
              <Link to="/register" className="rounded-md bg-white px-5 py-2.5 font-semibold text-sea-800">
                {t('home.ctaRegister')}
              </Link>
              <Link to="/login" className="rounded-md border border-white/60 px-5 py-2.5 font-semibold">
                {t('home.ctaLogin')}
              </Link>
            </>
          )}
        </div>
      </section>
      <div className="grid gap-4 sm:grid-cols-3">
        {audiences.map(([title, text]) => (
          <section key={title} className="rounded-lg border border-slate-200 bg-white p-5">
            <h2 className="font-semibold text-sea-800">{t(title)}</h2>
            <p className="mt-2 text-sm text-slate-600">{t(text)}</p>
          </section>
        ))}
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, null);
