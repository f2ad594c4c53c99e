// Auctions of lots (English, Dutch clock, sealed bid): the auction row every bid locks, its bids and its bidders.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { listings, quantityUnit } from './listings';
import { orders } from './orders';

export const auctionType = pgEnum('auction_type', ['english', 'dutch', 'sealed']);
export const sealedPricing = pgEnum('sealed_pricing', ['first', 'second']);
/** open: taking bids (or not started yet, by time); sold / unsold: closed; withdrawn: a clock that reached its floor. */
export const auctionStatus = pgEnum('auction_status', ['open', 'sold', 'unsold', 'withdrawn']);
export const bidKind = pgEnum('bid_kind', ['manual', 'proxy', 'auto', 'sealed', 'press', 'presale']);
export const bidStatus = pgEnum('bid_status', ['accepted', 'rejected']);

/**
 * One auction of (part of) a lot. Its quantity is taken from the listing's stock when it is created,
 * so buy-now buyers cannot take what is under the hammer. Every bid locks this row (SELECT … FOR
 * UPDATE), which serializes the bids of one auction in PostgreSQL. The category's rules (increments,
 * soft close, clock, deposit share) are copied in at creation: an operator's change applies to the
 * next auction, never to one that is running.
 */
export const auctions = pgTable(
  'auctions',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    type: auctionType('type').notNull(),
    sealedPricing: sealedPricing('sealed_pricing'),
    status: auctionStatus('status').notNull().default('open'),
    /** Base units (grams or pieces) put up; `remaining` falls as a Dutch clock sells parts of it. */
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    /** The unit a bid's price is for (kg, 斤, piece…) and its size in base units. */
    priceUnit: quantityUnit('price_unit').notNull(),
    perBase: integer('per_base').notNull(),
    currency: text('currency').notNull().default('CNY'),
    startPriceFen: bigint('start_price_fen', { mode: 'number' }).notNull(),
    /** Hidden from bidders; the page only says whether it is met. */
    reservePriceFen: bigint('reserve_price_fen', { mode: 'number' }),
    floorPriceFen: bigint('floor_price_fen', { mode: 'number' }),
    presalePriceFen: bigint('presale_price_fen', { mode: 'number' }),
    bidIncrements: jsonb('bid_increments').notNull(),
    softCloseSeconds: integer('soft_close_seconds').notNull(),
    clockStepFen: integer('clock_step_fen').notNull(),
    clockTickMs: integer('clock_tick_ms').notNull(),
    depositBps: integer('deposit_bps').notNull(),
    feeBps: integer('fee_bps').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** English and sealed: the close, moved by soft close. Dutch: null (the floor ends it). */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Dutch: when the current run of the clock started from the start price; `clockRound` counts restarts. */
    clockStartsAt: timestamp('clock_starts_at', { withTimezone: true }),
    clockRound: integer('clock_round').notNull().default(0),
    /** English: the leading price, the leader and its maximum. */
    priceFen: bigint('price_fen', { mode: 'number' }),
    leaderOrgId: text('leader_org_id').references(() => organisations.id),
    leaderBidId: text('leader_bid_id'),
    leaderMaxFen: bigint('leader_max_fen', { mode: 'number' }),
    leaderKind: bidKind('leader_kind'),
    /** The highest maximum of anyone but the leader: what the leader's price is derived from. */
    secondMaxFen: bigint('second_max_fen', { mode: 'number' }),
    /** The number of the last bid (every bid, accepted or not, takes the next). */
    lastSeq: integer('last_seq').notNull().default(0),
    bidderCount: integer('bidder_count').notNull().default(0),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    winnerOrgId: text('winner_org_id').references(() => organisations.id),
    winningPriceFen: bigint('winning_price_fen', { mode: 'number' }),
    orderId: text('order_id').references(() => orders.id),
    secondChanceOrderId: text('second_chance_order_id').references(() => orders.id),
    ...timestamps,
  },
  (t) => [
    check('auctions_quantity_positive', sql`${t.quantity} > 0`),
    check('auctions_remaining_range', sql`${t.remaining} between 0 and ${t.quantity}`),
    check('auctions_per_base_positive', sql`${t.perBase} > 0`),
    check('auctions_start_price_positive', sql`${t.startPriceFen} > 0`),
    check('auctions_price_not_negative', sql`${t.priceFen} is null or ${t.priceFen} > 0`),
    check(
      'auctions_leader_within_max',
      sql`${t.leaderOrgId} is null or (${t.priceFen} is not null and ${t.priceFen} <= ${t.leaderMaxFen})`,
    ),
    check('auctions_ends_after_start', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
    check(
      'auctions_type_shape',
      sql`case ${t.type}
        when 'dutch' then ${t.floorPriceFen} is not null and ${t.floorPriceFen} > 0
          and ${t.floorPriceFen} <= ${t.startPriceFen} and ${t.clockStartsAt} is not null
        when 'sealed' then ${t.sealedPricing} is not null and ${t.endsAt} is not null
        else ${t.endsAt} is not null end`,
    ),
    check(
      'auctions_seller_not_winner',
      sql`${t.winnerOrgId} is null or ${t.winnerOrgId} <> ${t.sellerOrgId}`,
    ),
    check('auctions_deposit_range', sql`${t.depositBps} between 0 and 10000`),
    index('auctions_open_idx').on(t.status, t.startsAt),
    index('auctions_listing_idx').on(t.listingId),
    index('auctions_seller_idx').on(t.sellerOrgId, t.createdAt),
  ],
);

/**
 * Every bid, accepted or rejected with a reason, numbered in the order PostgreSQL serialized it
 * (`seq`, under the auction row's lock). Proxy raises the system makes are rows of kind 'auto'.
 */
export const auctionBids = pgTable(
  'auction_bids',
  {
    id: text('id').primaryKey(),
    auctionId: text('auction_id')
      .notNull()
      .references(() => auctions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    userId: text('user_id').references(() => users.id),
    kind: bidKind('kind').notNull(),
    /** A manual bid's amount, a proxy's maximum, a sealed bid, or the clock price a press bought at. */
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    /** Dutch presses and pre-sales: the base units asked for and the base units bought. */
    quantityAsked: bigint('quantity_asked', { mode: 'number' }),
    quantityFilled: bigint('quantity_filled', { mode: 'number' }),
    status: bidStatus('status').notNull(),
    /** Rejected: why (too_low, closed, no_deposit…); accepted: leading, outbid, replaced, bought. */
    outcome: text('outcome').notNull(),
    /** The leading price right after this bid (English). */
    priceAfterFen: bigint('price_after_fen', { mode: 'number' }),
    orderId: text('order_id').references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('auction_bids_auction_seq_key').on(t.auctionId, t.seq),
    check('auction_bids_amount_positive', sql`${t.amountFen} > 0`),
    index('auction_bids_org_idx').on(t.orgId, t.createdAt),
  ],
);

/**
 * A bidding org on one auction: its stable public number ("bidder 7"), its highest maximum, its live
 * sealed bid, and the deposit held for it now. `heldFen` moves only together with a ledger posting
 * (deposit_hold / deposit_release) in the same transaction, so the sum over an org's rows is its
 * ledger `held` balance, and the ledger's CHECK keeps it from ever exceeding what the org paid in.
 */
export const auctionParticipants = pgTable(
  'auction_participants',
  {
    auctionId: text('auction_id')
      .notNull()
      .references(() => auctions.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    bidderNumber: integer('bidder_number').notNull(),
    maxFen: bigint('max_fen', { mode: 'number' }),
    maxSeq: integer('max_seq'),
    sealedFen: bigint('sealed_fen', { mode: 'number' }),
    sealedSeq: integer('sealed_seq'),
    heldFen: bigint('held_fen', { mode: 'number' }).notNull().default(0),
    /** Bumped by every hold or release, so each ledger posting gets its own idempotency key. */
    holdVersion: integer('hold_version').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.auctionId, t.orgId] }),
    unique('auction_participants_number_key').on(t.auctionId, t.bidderNumber),
    check('auction_participants_held_not_negative', sql`${t.heldFen} >= 0`),
    check('auction_participants_number_positive', sql`${t.bidderNumber} > 0`),
    index('auction_participants_org_idx').on(t.orgId),
  ],
);

export type Auction = typeof auctions.$inferSelect;
export type AuctionType = (typeof auctionType.enumValues)[number];
export type AuctionStatus = (typeof auctionStatus.enumValues)[number];
export type AuctionBid = typeof auctionBids.$inferSelect;
export type BidKind = (typeof bidKind.enumValues)[number];
export type AuctionParticipant = typeof auctionParticipants.$inferSelect;
