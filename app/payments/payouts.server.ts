// A seller org's payout account as its payouts page shows it, and who may set one up.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { payoutAccounts } from '../../db/schema';
import { type OrgMembership, roleAtLeast } from '../lib/auth.server';

/** Only an admin or owner of an org that sells sets up where its money goes. */
export function maySetUpPayouts(org: Pick<OrgMembership, 'kind' | 'role'>): boolean {
  return (org.kind === 'seller' || org.kind === 'both') && roleAtLeast(org.role, 'admin');
}

/** The org's Stripe connected account, or null before onboarding has started. */
export async function stripePayoutAccount(tx: DbOrTx, orgId: string) {
  const [row] = await tx
    .select({ externalId: payoutAccounts.externalId, payoutsEnabled: payoutAccounts.payoutsEnabled })
    .from(payoutAccounts)
    .where(and(eq(payoutAccounts.orgId, orgId), eq(payoutAccounts.provider, 'stripe')));
  return row ?? null;
}
