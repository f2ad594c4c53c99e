// Orders between a buyer org and a seller org, their events, disputes, invoices, and payment bookkeeping.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { listings } from './listings';

export const orderStatus = pgEnum('order_status', [
  'pending_payment',
  'paid',
  'shipping',
  'delivered',
  'completed',
  'disputed',
  'resolved',
  'cancelled',
  // Over the ordering member's spending limit: stock held, waiting for an approver (ADR 0052).
  'awaiting_approval',
]);
export const orderSource = pgEnum('order_source', ['buy_now', 'quote', 'auction', 'exchange', 'farming']);
export const paymentProvider = pgEnum('payment_provider', ['offline', 'stripe', 'terms']);
export const disputeStatus = pgEnum('dispute_status', ['open', 'resolved']);
export const disputeOutcome = pgEnum('dispute_outcome', ['refund_full', 'refund_partial', 'rejected']);

export const orders = pgTable(
  'orders',
  {
    id: text('id').primaryKey(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    source: orderSource('source').notNull(),
    status: orderStatus('status').notNull().default('pending_payment'),
    /** Ordered quantity in the listing's base unit (grams or pieces). */
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    /** Price per `perBase` base units: per kg (1000 g) or per piece (1). */
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    perBase: integer('per_base').notNull(),
    subtotalFen: bigint('subtotal_fen', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('CNY'),
    feeBps: integer('fee_bps').notNull(),
    /** Catch weight: how far the weighed quantity may differ (basis points) without the buyer's consent. */
    toleranceBps: integer('tolerance_bps').notNull().default(0),
    /** Paid before the order existed (a harvest plan's pre-order deposit, moved into this order's escrow). */
    depositAppliedFen: bigint('deposit_applied_fen', { mode: 'number' }).notNull().default(0),
    deliveredQuantity: bigint('delivered_quantity', { mode: 'number' }),
    finalTotalFen: bigint('final_total_fen', { mode: 'number' }),
    provider: paymentProvider('provider').notNull(),
    providerRef: text('provider_ref'),
    payBy: timestamp('pay_by', { withTimezone: true }).notNull(),
    inspectionEndsAt: timestamp('inspection_ends_at', { withTimezone: true }),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    /** The buyer's own purchase-order number (采购单号), printed on the invoice (ADR 0052). */
    poNumber: text('po_number'),
    /** On credit terms (provider 'terms', ADR 0056): the terms' net days when ordered, and the invoice's due date. */
    termsNetDays: integer('terms_net_days'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** When the buyer was reminded before the due date, and when the order was marked overdue (each once). */
    termsRemindedAt: timestamp('terms_reminded_at', { withTimezone: true }),
    termsOverdueAt: timestamp('terms_overdue_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check('orders_quantity_positive', sql`${t.quantity} > 0`),
    check('orders_price_positive', sql`${t.unitPriceFen} > 0`),
    check('orders_subtotal_positive', sql`${t.subtotalFen} > 0`),
    check('orders_fee_range', sql`${t.feeBps} between 0 and 5000`),
    check('orders_tolerance_range', sql`${t.toleranceBps} between 0 and 2000`),
    check(
      'orders_deposit_within_subtotal',
      sql`${t.depositAppliedFen} >= 0 and ${t.depositAppliedFen} <= ${t.subtotalFen}`,
    ),
    check('orders_parties_differ', sql`${t.buyerOrgId} <> ${t.sellerOrgId}`),
    check(
      'orders_po_number_shape',
      sql`${t.poNumber} is null or ${t.poNumber} ~ '^[A-Za-z0-9][A-Za-z0-9 _./#-]{0,39}$'`,
    ),
    check('orders_terms_net_days', sql`${t.termsNetDays} is null or ${t.termsNetDays} in (7, 15, 30)`),
    index('orders_terms_due_idx')
      .on(t.dueAt)
      .where(sql`${t.dueAt} is not null and ${t.termsOverdueAt} is null`),
    index('orders_created_by_idx').on(t.createdBy, t.buyerOrgId, t.createdAt),
    index('orders_buyer_idx').on(t.buyerOrgId, t.createdAt),
    index('orders_seller_idx').on(t.sellerOrgId, t.createdAt),
    index('orders_status_idx').on(t.status),
    // The settlement sweep's scan (ADR 0048): delivered orders by the end of their inspection window.
    index('orders_due_for_release_idx')
      .on(t.inspectionEndsAt)
      .where(sql`${t.status} = 'delivered'`),
  ],
);

/**
 * One-time tokens of the buy-now form, claimed per buyer org: a repeated post of the same form (a double
 * click, a retry, five tabs) finds its token taken and answers with the first order instead of a second.
 */
export const buyTokens = pgTable(
  'buy_tokens',
  {
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id),
    token: text('token').notNull(),
    orderId: text('order_id').references(() => orders.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.buyerOrgId, t.token] })],
);

/** Every step of an order: who (user and org), when, from which state to which, and why. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: text('actor_user_id').references(() => users.id),
    actorOrgId: text('actor_org_id').references(() => organisations.id),
    kind: text('kind').notNull(),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status'),
    reason: text('reason'),
    data: jsonb('data').notNull().default({}),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.at)],
);

export const disputes = pgTable(
  'disputes',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .unique()
      .references(() => orders.id),
    openedBy: text('opened_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    status: disputeStatus('status').notNull().default('open'),
    outcome: disputeOutcome('outcome'),
    refundFen: bigint('refund_fen', { mode: 'number' }),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [check('disputes_refund_not_negative', sql`${t.refundFen} is null or ${t.refundFen} >= 0`)],
);

/** Photos a buyer attaches when opening a dispute; written in the same transaction as the dispute row. */
export const disputeFiles = pgTable(
  'dispute_files',
  {
    id: text('id').primaryKey(),
    disputeId: text('dispute_id')
      .notNull()
      .references(() => disputes.id, { onDelete: 'cascade' }),
    storageKey: text('storage_key').notNull().unique(),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dispute_files_dispute_idx').on(t.disputeId)],
);

/** The last invoice number per seller; its row lock makes numbering gapless under concurrency. */
export const invoiceCounters = pgTable('invoice_counters', {
  sellerOrgId: text('seller_org_id')
    .primaryKey()
    .references(() => organisations.id),
  lastNumber: integer('last_number').notNull().default(0),
});

/** The last fiscal (全电) invoice number per seller and market year: gap-free under its row lock (ADR 0041). */
export const fiscalCounters = pgTable(
  'fiscal_counters',
  {
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    lastNumber: bigint('last_number', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sellerOrgId, t.year] })],
);

/**
 * Issued sales documents: an invoice, or a red-letter credit note reversing one (`refers_to`). Frozen by a
 * trigger once issued; `document` is the snapshot every view and reprint is drawn from (ADR 0041).
 */
export const invoices = pgTable(
  'invoices',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    sellerOrgId: text('seller_org_id')
      .notNull()
      .references(() => organisations.id),
    number: integer('number').notNull(),
    totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
    feeFen: bigint('fee_fen', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind').$type<'invoice' | 'credit_note'>().notNull().default('invoice'),
    /** A credit note: the invoice it reverses; a re-issued invoice: the one it replaces. */
    refersTo: text('refers_to').references((): AnyPgColumn => invoices.id),
    reason: text('reason'),
    /** 20 digits: market year (2), issuer's province (2), channel (1), sequence per issuer and year (15). */
    fiscalNumber: text('fiscal_number').notNull(),
    document: jsonb('document'),
    /** sha256 of each rendering (copy and language) as first printed; reprints must match. */
    pdfHashes: jsonb('pdf_hashes').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('invoices_seller_number_key').on(t.sellerOrgId, t.number),
    uniqueIndex('invoices_fiscal_number_key').on(t.sellerOrgId, t.fiscalNumber),
    uniqueIndex('invoices_one_original_per_order').on(t.orderId).where(sql`${t.refersTo} is null`),
    uniqueIndex('invoices_one_of_each_per_reference')
      .on(t.refersTo, t.kind)
      .where(sql`${t.refersTo} is not null`),
    index('invoices_order_idx').on(t.orderId, t.issuedAt),
    check('invoices_kind', sql`${t.kind} in ('invoice', 'credit_note')`),
    check(
      'invoices_credit_note_shape',
      sql`${t.kind} <> 'credit_note' or (${t.refersTo} is not null and length(trim(coalesce(${t.reason}, ''))) > 0 and ${t.totalFen} <= 0)`,
    ),
    check('invoices_fiscal_number_shape', sql`${t.fiscalNumber} ~ '^[0-9]{20}$'`),
  ],
);

/** Stripe webhook events, stored once by id before any processing. */
export const providerEvents = pgTable('provider_events', {
  id: text('id').primaryKey(),
  provider: paymentProvider('provider').notNull(),
  type: text('type').notNull(),
  objectId: text('object_id'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
});

/** A seller's account at the payment provider (a Stripe Connect account id). */
export const payoutAccounts = pgTable(
  'payout_accounts',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id),
    provider: paymentProvider('provider').notNull(),
    externalId: text('external_id').notNull(),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.provider] }),
    uniqueIndex('payout_accounts_external_key').on(t.externalId),
  ],
);

export type Order = typeof orders.$inferSelect;
export type OrderStatus = (typeof orderStatus.enumValues)[number];
export type OrderEvent = typeof orderEvents.$inferSelect;
export type Dispute = typeof disputes.$inferSelect;
export type DisputeFile = typeof disputeFiles.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
