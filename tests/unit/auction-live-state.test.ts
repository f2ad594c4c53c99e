// Which state an auction page shows when its loader's data comes back after one of its own actions (issue #14's
// hot lots): a state read before a bid the page has already received live must not replace it.
import { describe, expect, it } from 'vitest';
import type { PublicAuction } from '../../app/auctions/live.server';
import { loaderStateIsNewer } from '../../app/components/auction-live';

function state(bidCount: number, serverTime: string, overrides: Partial<PublicAuction> = {}): PublicAuction {
  return {
    type: 'auction',
    id: 'auc_1',
    auctionType: 'english',
    status: 'open',
    priceFen: 3_000 + bidCount * 50,
    leader: bidCount > 0 ? 1 : null,
    reserve: 'none',
    startsAt: '2026-12-08T02:00:00.000Z',
    endsAt: '2026-12-08T03:00:00.000Z',
    serverTime,
    bidCount,
    bidderCount: 2,
    quantity: 100_000,
    remaining: 100_000,
    clock: null,
    bids: [],
    ...overrides,
  };
}

describe('an auction page taking its loader’s state', () => {
  it('keeps a live state with more bids than the loader read', () => {
    // The buyer's own bid (1) revalidates the page; the loader's read is older than the rival's bids (3) shown live.
    const live = state(3, '2026-12-08T02:10:01.000Z', { leader: 2 });
    const revalidated = state(1, '2026-12-08T02:10:02.000Z', { leader: 1 });
    expect(loaderStateIsNewer(revalidated, live)).toBe(false);
  });

  it('takes a loader state with more bids, or as many and produced later', () => {
    const live = state(2, '2026-12-08T02:10:01.000Z');
    expect(loaderStateIsNewer(state(3, '2026-12-08T02:10:00.000Z'), live)).toBe(true);
    expect(loaderStateIsNewer(state(2, '2026-12-08T02:10:05.000Z', { status: 'sold' }), live)).toBe(true);
    expect(loaderStateIsNewer(state(2, '2026-12-08T02:09:59.000Z', { status: 'sold' }), live)).toBe(false);
  });

  it('takes another auction’s state whatever its count', () => {
    expect(
      loaderStateIsNewer(
        state(0, '2026-12-08T02:00:00.000Z', { id: 'auc_2' }),
        state(9, '2026-12-08T02:10:00.000Z'),
      ),
    ).toBe(true);
  });
});
