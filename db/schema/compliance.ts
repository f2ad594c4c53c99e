// 承诺达标合格证: the compliance certificates a seller issues for a lot or uploads as a scan (issue #16.2, ADR 0044).
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { organisations, users } from './identity';
import { listings, quantityUnit } from './listings';

/** The last certificate number handed out in each year: HG-<year>-<n>, n counted from 1 every year. */
export const certificateCounters = pgTable('certificate_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * One certificate as printed: a snapshot of the lot (product, quantity, origin, date) and of the promise
 * (who promises, how to reach them, what they promise). The content never changes once written: a
 * trigger (migration 0030) refuses an UPDATE of anything but `revoked_at` and the links that may fall
 * to null when what they point at is erased, and refuses a DELETE within six months of issue.
 */
export const complianceCertificates = pgTable(
  'compliance_certificates',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull().unique(),
    listingId: text('listing_id').references(() => listings.id, { onDelete: 'set null' }),
    orgId: text('org_id').references(() => organisations.id, { onDelete: 'set null' }),
    productName: text('product_name').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull(),
    unit: quantityUnit('unit').notNull(),
    origin: text('origin').notNull(),
    productionDate: date('production_date', { mode: 'string' }).notNull(),
    promisingParty: text('promising_party').notNull(),
    contactPhone: text('contact_phone'),
    /** The ticked promises (COMMITMENTS in app/compliance/certificates.server.ts). */
    commitments: text('commitments').array().notNull().default(sql`'{}'::text[]`),
    /** What the promise rests on (BASES): a commissioned test, the seller's own test, internal control… */
    basis: text('basis').array().notNull().default(sql`'{}'::text[]`),
    source: text('source').notNull(),
    fileKey: text('file_key'),
    fileType: text('file_type'),
    parentId: text('parent_id').references((): AnyPgColumn => complianceCertificates.id, {
      onDelete: 'set null',
    }),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('compliance_certificates_listing_idx').on(t.listingId, t.issuedAt),
    index('compliance_certificates_org_idx').on(t.orgId, t.issuedAt),
    check('compliance_certificates_source', sql`${t.source} in ('issued', 'uploaded')`),
    check('compliance_certificates_quantity', sql`${t.quantity} > 0`),
    // An issued certificate carries its promises and a contact; an uploaded one its scan.
    check(
      'compliance_certificates_content',
      sql`(${t.source} = 'issued' and cardinality(${t.commitments}) > 0 and ${t.contactPhone} is not null) or (${t.source} = 'uploaded' and ${t.fileKey} is not null)`,
    ),
  ],
);

export type ComplianceCertificate = typeof complianceCertificates.$inferSelect;
export type CertificateSource = 'issued' | 'uploaded';
