// Seller files (食用农产品市场销售质量安全监督管理办法): what the market operator must keep about every seller.
import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations, users } from './identity';

export const SUPPLY_CHANNELS = ['own_production', 'purchase', 'wholesale', 'import'] as const;
export type SupplyChannel = (typeof SUPPLY_CHANNELS)[number];
export const SELLER_ID_KINDS = ['credit_code', 'id_card'] as const;
export type SellerIdKind = (typeof SELLER_ID_KINDS)[number];

/**
 * One file per selling organisation, kept by the operator and seen by operators alone. It holds a person's
 * contact and, for a sole trader, an ID card number: it is personal data, so it names no user and carries
 * no foreign key to one. Kept until six months after the seller stops (`stopped_at`, or the org's ban);
 * a trigger refuses deleting it any earlier.
 */
export const sellerFiles = pgTable(
  'seller_files',
  {
    orgId: text('org_id')
      .primaryKey()
      .references(() => organisations.id, { onDelete: 'restrict' }),
    legalName: text('legal_name').notNull(),
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone').notNull(),
    idKind: text('id_kind').$type<SellerIdKind>().notNull(),
    idNumber: text('id_number').notNull(),
    address: text('address').notNull(),
    productTypes: text('product_types').notNull(),
    supplyChannel: text('supply_channel').$type<SupplyChannel>().notNull(),
    origin: text('origin').notNull(),
    /** Licences and certificates the seller holds (营业执照、食品经营许可证 …), as the operator saw them. */
    certificates: text('certificates').notNull().default(''),
    notes: text('notes').notNull().default(''),
    /** When the seller stopped selling in the market: the six months of keeping count from here. */
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('seller_files_stopped_idx').on(t.stoppedAt),
    check('seller_files_id_kind', sql`${t.idKind} in ('credit_code', 'id_card')`),
    check(
      'seller_files_supply_channel',
      sql`${t.supplyChannel} in ('own_production', 'purchase', 'wholesale', 'import')`,
    ),
  ],
);

export type SellerFile = typeof sellerFiles.$inferSelect;
