// A seller org's payout setup: Stripe Connect Express onboarding when Stripe is on, an explanation otherwise.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { SubmitButton } from '~/components/forms';
import { Card, Notice, PageHeader } from '~/components/ui';
import { requireActiveOrg } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { paymentProviderName } from '~/orders/orders.server';
import { maySetUpPayouts, stripePayoutAccount } from '~/payments/payouts.server';
import { startSellerOnboarding, syncPayoutAccount } from '~/payments/stripe.server';
import { forbidden, notFound } from '~/lib/http.server';

async function requirePayoutAdmin(request: Request) {
  const viewer = await requireActiveOrg(request, 'admin');
  if (!maySetUpPayouts(viewer.activeOrg)) throw forbidden();
  return viewer;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePayoutAdmin(request);
  const orgId = viewer.activeOrg.orgId;
  const provider = paymentProviderName();
  const returned = new URL(request.url).searchParams.get('return') === '1';
  let account = provider === 'stripe' ? await stripePayoutAccount(db, orgId) : null;
  // Back from Stripe's form: read the account now rather than wait for its account.updated webhook.
  if (returned && account) {
    await syncPayoutAccount(account.externalId);
    account = await stripePayoutAccount(db, orgId);
  }
  return json({
    orgName: viewer.activeOrg.orgName,
    provider,
    returned: returned && account !== null,
    state: account === null ? 'none' : account.payoutsEnabled ? 'enabled' : 'pending',
  } as const);
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requirePayoutAdmin(request);
  if (paymentProviderName() !== 'stripe') throw notFound();
  // Stripe sends the seller back to an absolute URL; behind a proxy the configured origin is the true one.
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const { url } = await startSellerOnboarding(viewer.activeOrg.orgId, {
    returnUrl: `${origin}/balance/payouts?return=1`,
    refreshUrl: `${origin}/balance/payouts`,
  });
  return redirect(url);
}

export default function Payouts() {
  const { orgName, provider, returned, state } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="space-y-6">
      <Link to="/balance" className="text-sm text-sea-700 underline">
        ← {t('balance.title')}
      </Link>
      <PageHeader title={t('payouts.title')}>
        <span className="text-sm text-slate-500">{orgName}</span>
      </PageHeader>
      <Card>
        {provider === 'stripe' ? (
          <div className="space-y-3 text-sm" data-testid="payouts-stripe">
            {returned ? <Notice>{t('payouts.returned')}</Notice> : null}
            <p className="text-slate-600">{t('payouts.intro')}</p>
            <p
              className={state === 'enabled' ? 'font-medium text-emerald-700' : 'font-medium text-amber-700'}
              data-testid="payouts-state"
              data-state={state}
            >
              {t(`payouts.${state}`)}
            </p>
            {state === 'enabled' ? null : (
              <Form method="post">
                <SubmitButton>{t(state === 'none' ? 'payouts.start' : 'payouts.resume')}</SubmitButton>
              </Form>
            )}
          </div>
        ) : (
          <p className="text-sm text-slate-700" data-testid="payouts-offline">
            {t('payouts.offline')}
          </p>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageTitle(matches, 'payouts.title');
