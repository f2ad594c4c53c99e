// What other areas do when a listing is written: matching (#6), screening (#8), trace (#7).
// Called inside the transaction that wrote the listing, so each reaction commits (or not) with it.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type ListingStatus, listings } from '../../db/schema';
import { coldChainAfterListingChange } from '../coldchain/hooks.server';
import { enqueue } from '../lib/outbox.server';
import { withdrawListingMatches } from '../matching/matches.server';

export type ListingChange = {
  listingId: string;
  /** created / edited (details replaced) / status (moved between states) / files (photos or certificates added). */
  kind: 'created' | 'edited' | 'status' | 'files';
  actorUserId: string | null;
  from?: ListingStatus | null;
  to?: ListingStatus | null;
};

export async function afterListingChange(tx: DbOrTx, change: ListingChange): Promise<void> {
  // Screening: every create and edit is checked for banned words, outlier prices and duplicates.
  // A draft or withdrawn lot submitted again is screened too (its last edit may predate new banned words).
  const resubmitted =
    change.kind === 'status' &&
    (change.from === 'draft' || change.from === 'withdrawn') &&
    (change.to === 'live' || change.to === 'pending_review');
  const screened = change.kind === 'created' || change.kind === 'edited' || resubmitted;
  if (screened) {
    // Until the job runs, no version of the lot counts as screened: a resubmitted lot keeps its version, and the
    // banned words may have changed since it was last screened (ADR 0034).
    await tx.update(listings).set({ screenedVersion: null }).where(eq(listings.id, change.listingId));
    await enqueue(tx, 'moderation', 'screen-listing', { listingId: change.listingId });
  }
  // Matching: a lot that appears, changes or leaves the market changes which demands it fits. A lot being
  // screened is matched once screening clears it (app/trust/moderation.server.ts screenListing), never before.
  else await enqueue(tx, 'matching', 'listing-changed', { listingId: change.listingId });
  // A lot taken to review, rejected or removed: what matching told buyers about it is taken back.
  if (
    change.kind === 'status' &&
    (change.to === 'pending_review' ||
      change.to === 'removed' ||
      (change.to === 'draft' && change.from === 'pending_review'))
  )
    await withdrawListingMatches(tx, change.listingId);
  // Trace: a new lot is its harvest or catch; a certificate added is an inspection.
  await coldChainAfterListingChange(tx, change);
}
