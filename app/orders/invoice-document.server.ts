// Issuing invoices as documents (issue #16.4, ADR 0041): the snapshot frozen at issue, the 20-digit fiscal number
// gap-free per issuer and year, and corrections as a red-letter credit note plus a re-issued invoice.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import {
  categories,
  cities,
  fiscalCounters,
  invoiceCounters,
  invoices,
  listings,
  orders,
  organisations,
  verificationApplications,
} from '../../db/schema';
import type { Invoice, Order } from '../../db/schema';
import { newId } from '../lib/ids';
import { marketDate } from '../lib/market-time';
import type { QuantityUnit } from '../lib/units';
import { escrowReleaseSplit } from '../ledger/ledger.server';
import { parseAttributes } from '../listings/catalogue';
import { specRows } from '../listings/queries.server';

type Bilingual = { zh: string; en: string };

export type DocumentParty = {
  name: string;
  city: string | null;
  /** From the org's approved verification: legal name, 统一社会信用代码 and registered address. */
  legalName: string | null;
  creditCode: string | null;
  address: string | null;
};

/** Everything an invoice shows, as it was when issued; views and reprints are drawn from this alone. */
export type InvoiceDocument = {
  version: 1;
  kind: 'invoice' | 'credit_note';
  number: number;
  fiscalNumber: string;
  issuedAt: string;
  currency: string;
  seller: DocumentParty;
  buyer: DocumentParty;
  line: {
    title: Bilingual;
    spec: Bilingual;
    /** In base units (grams or pieces), as on the order. */
    quantity: number;
    delivered: number | null;
    displayUnit: QuantityUnit;
    caseNetGrams: number | null;
    perBase: number;
    unitPriceFen: number;
    toleranceBps: number;
  };
  goodsFen: number;
  totalFen: number;
  feeBps: number;
  feeFen: number;
  /** The buyer's purchase-order number (ADR 0052); absent in snapshots taken before it existed. */
  poNumber?: string | null;
  /** A credit note: the invoice it reverses; a re-issue: the invoice it replaces. */
  refersTo: { number: number; fiscalNumber: string } | null;
  reason: string | null;
};

// GB/T 2260 province codes: the fiscal number's digits 3–4 name the issuer's province.
const PROVINCE_CODES: Record<string, string> = {
  北京: '11',
  天津: '12',
  河北: '13',
  山西: '14',
  内蒙古: '15',
  辽宁: '21',
  吉林: '22',
  黑龙江: '23',
  上海: '31',
  江苏: '32',
  浙江: '33',
  安徽: '34',
  福建: '35',
  江西: '36',
  山东: '37',
  河南: '41',
  湖北: '42',
  湖南: '43',
  广东: '44',
  广西: '45',
  海南: '46',
  重庆: '50',
  四川: '51',
  贵州: '52',
  云南: '53',
  西藏: '54',
  陕西: '61',
  甘肃: '62',
  青海: '63',
  宁夏: '64',
  新疆: '65',
};
/** The market's own province (广东), for issuers whose city is not known. */
const MARKET_PROVINCE_CODE = '44';
/** Digit 5: the channel; every Wharf invoice is issued by the market's platform. */
const CHANNEL = '0';

/** yy + province + channel + sequence (15 digits): the shape of a fully digital invoice number. */
export function formatFiscalNumber(year: number, provinceCode: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence >= 10 ** 15)
    throw new RangeError('fiscal sequence out of range');
  return `${String(year % 100).padStart(2, '0')}${provinceCode}${CHANNEL}${String(sequence).padStart(15, '0')}`;
}

/** The province codes of these cities (GB/T 2260), the market's own for a city not on file. */
async function provinceCodesOf(
  tx: Tx,
  orgCities: readonly (string | null)[],
): Promise<Map<string | null, string>> {
  const names = [...new Set(orgCities.filter((city): city is string => Boolean(city)))];
  const rows = names.length
    ? await tx
        .select({ nameZh: cities.nameZh, province: cities.province })
        .from(cities)
        .where(inArray(cities.nameZh, names))
    : [];
  const codes = new Map<string | null, string>([[null, MARKET_PROVINCE_CODE]]);
  for (const name of names) codes.set(name, MARKET_PROVINCE_CODE);
  for (const row of rows) codes.set(row.nameZh, PROVINCE_CODES[row.province] ?? MARKET_PROVINCE_CODE);
  return codes;
}

/**
 * The next sales-slip and fiscal numbers for each of these documents, in the order given: each seller's counters
 * move once by the number of its documents, both counters' row locks taken in seller order and held until commit.
 */
async function nextNumbers(
  tx: Tx,
  issuers: readonly { sellerOrgId: string; city: string | null }[],
  issuedAt: Date,
) {
  const year = Number(marketDate(issuedAt).slice(0, 4));
  const counts = new Map<string, number>();
  for (const { sellerOrgId } of issuers) counts.set(sellerOrgId, (counts.get(sellerOrgId) ?? 0) + 1);
  const moves = JSON.stringify([...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, n]) => ({ s, n })));
  const slips = await tx.execute<{ seller_org_id: string; last_number: number }>(sql`
    insert into ${invoiceCounters} (seller_org_id, last_number)
    select c.s, c.n from jsonb_to_recordset(${moves}::jsonb) as c(s text, n integer)
    on conflict (seller_org_id) do update set last_number = ${invoiceCounters.lastNumber} + excluded.last_number
    returning seller_org_id, last_number`);
  const fiscal = await tx.execute<{ seller_org_id: string; last_number: number }>(sql`
    insert into ${fiscalCounters} (seller_org_id, year, last_number)
    select c.s, ${year}::integer, c.n from jsonb_to_recordset(${moves}::jsonb) as c(s text, n integer)
    on conflict (seller_org_id, year) do update set last_number = ${fiscalCounters.lastNumber} + excluded.last_number
    returning seller_org_id, last_number`);
  const provinces = await provinceCodesOf(
    tx,
    issuers.map((issuer) => issuer.city),
  );
  // Each seller's block of numbers ends at its counter's new value; hand them out in the order given.
  const nextSlip = new Map(
    slips.map((row) => [row.seller_org_id, Number(row.last_number) - (counts.get(row.seller_org_id) ?? 0)]),
  );
  const nextFiscal = new Map(
    fiscal.map((row) => [row.seller_org_id, Number(row.last_number) - (counts.get(row.seller_org_id) ?? 0)]),
  );
  return issuers.map(({ sellerOrgId, city }) => {
    const number = (nextSlip.get(sellerOrgId) ?? 0) + 1;
    const sequence = (nextFiscal.get(sellerOrgId) ?? 0) + 1;
    nextSlip.set(sellerOrgId, number);
    nextFiscal.set(sellerOrgId, sequence);
    return {
      number,
      fiscalNumber: formatFiscalNumber(year, provinces.get(city) ?? MARKET_PROVINCE_CODE, sequence),
    };
  });
}

/** The parties as documents name them: each org's name and city, and its latest approved verification. */
async function partiesOf(tx: DbOrTx, orgIds: readonly string[]): Promise<Map<string, DocumentParty>> {
  const ids = [...new Set(orgIds)];
  const orgs = await tx
    .select({ id: organisations.id, name: organisations.name, city: organisations.city })
    .from(organisations)
    .where(inArray(organisations.id, ids));
  const licences = await tx
    .selectDistinctOn([verificationApplications.orgId], {
      orgId: verificationApplications.orgId,
      legalName: verificationApplications.legalName,
      creditCode: verificationApplications.licenceNumber,
      address: verificationApplications.address,
    })
    .from(verificationApplications)
    .where(and(inArray(verificationApplications.orgId, ids), eq(verificationApplications.status, 'approved')))
    .orderBy(verificationApplications.orgId, desc(verificationApplications.decidedAt));
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  const licenceByOrg = new Map(licences.map((licence) => [licence.orgId, licence]));
  return new Map(
    ids.map((id) => {
      const org = orgById.get(id);
      const licence = licenceByOrg.get(id);
      return [
        id,
        {
          name: org?.name ?? '',
          city: org?.city ?? null,
          legalName: licence?.legalName ?? null,
          creditCode: licence?.creditCode ?? null,
          address: licence?.address ?? null,
        },
      ];
    }),
  );
}

function specLine(attributes: unknown, spec: unknown, locale: 'zh' | 'en'): string {
  return specRows(parseAttributes(attributes), spec as Record<string, unknown>)
    .map((row) => (row.kind === 'enum' ? row.value[locale] : `${row.label[locale]} ${row.value[locale]}`))
    .join(' · ');
}

type Particulars = Awaited<ReturnType<typeof particularsOf>>[number];

/** The parts of a document read from the order, its lot and both parties as they stand now. */
async function currentParticulars(tx: DbOrTx, order: Order) {
  const [particulars] = await particularsOf(tx, [order]);
  return particulars;
}

/** The same for many orders at once, in three statements. */
async function particularsOf(tx: DbOrTx, forOrders: readonly Order[]) {
  const lots = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      spec: listings.spec,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      attributes: categories.attributes,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(inArray(listings.id, [...new Set(forOrders.map((order) => order.listingId))]));
  const lotById = new Map(lots.map((lot) => [lot.id, lot]));
  const parties = await partiesOf(
    tx,
    forOrders.flatMap((order) => [order.sellerOrgId, order.buyerOrgId]),
  );
  return forOrders.map((order) => {
    const lot = lotById.get(order.listingId);
    if (!lot) throw new Error(`order ${order.id}: its lot ${order.listingId} is gone`);
    const titleZh = lot.titleZh ?? lot.titleEn ?? '';
    return {
      seller: parties.get(order.sellerOrgId) as DocumentParty,
      buyer: parties.get(order.buyerOrgId) as DocumentParty,
      line: {
        title: { zh: titleZh, en: lot.titleEn ?? titleZh },
        spec: { zh: specLine(lot.attributes, lot.spec, 'zh'), en: specLine(lot.attributes, lot.spec, 'en') },
        quantity: order.quantity,
        delivered: order.deliveredQuantity,
        displayUnit: lot.displayUnit,
        caseNetGrams: lot.caseNetGrams,
        perBase: order.perBase,
        unitPriceFen: order.unitPriceFen,
        toleranceBps: order.toleranceBps,
      },
      goodsFen: order.finalTotalFen ?? order.subtotalFen,
      feeBps: order.feeBps,
      poNumber: order.poNumber ?? null,
    };
  });
}

type DocumentFields = {
  kind: 'invoice' | 'credit_note';
  totalFen: number;
  feeFen: number;
  refersTo: Invoice | null;
  reason: string | null;
  particulars: Particulars;
};

async function insertDocument(tx: Tx, order: Order, fields: DocumentFields): Promise<Invoice> {
  const [row] = await insertDocuments(tx, [{ order, fields }]);
  return row;
}

/** Numbers and stores documents, in the order given (one statement per counter and one for the documents). */
async function insertDocuments(tx: Tx, items: readonly { order: Order; fields: DocumentFields }[]) {
  const issuedAt = new Date();
  const numbers = await nextNumbers(
    tx,
    items.map(({ order, fields }) => ({
      sellerOrgId: order.sellerOrgId,
      city: fields.particulars.seller.city,
    })),
    issuedAt,
  );
  const rows = items.map(({ order, fields }, n) => {
    const { number, fiscalNumber } = numbers[n];
    const document: InvoiceDocument = {
      version: 1,
      kind: fields.kind,
      number,
      fiscalNumber,
      issuedAt: issuedAt.toISOString(),
      currency: order.currency,
      ...fields.particulars,
      totalFen: fields.totalFen,
      feeFen: fields.feeFen,
      refersTo: fields.refersTo
        ? { number: fields.refersTo.number, fiscalNumber: fields.refersTo.fiscalNumber }
        : null,
      reason: fields.reason,
    };
    return {
      id: newId(fields.kind === 'invoice' ? 'inv' : 'crn'),
      orderId: order.id,
      sellerOrgId: order.sellerOrgId,
      number,
      fiscalNumber,
      totalFen: fields.totalFen,
      feeFen: fields.feeFen,
      currency: order.currency,
      issuedAt,
      kind: fields.kind,
      refersTo: fields.refersTo?.id ?? null,
      reason: fields.reason,
      document,
    };
  });
  const inserted = await tx.insert(invoices).values(rows).returning();
  const byId = new Map(inserted.map((row) => [row.id, row]));
  return rows.map((row) => byId.get(row.id) as Invoice);
}

/**
 * Issues the invoices of settled orders in the settling transaction, their snapshots taken now, in the order given:
 * one order or many (settlement in batches, ADR 0048), with one statement per kind of write.
 */
export async function issueInvoices(tx: Tx, items: readonly { order: Order; totalFen: number }[]) {
  if (items.length === 0) return [];
  const particulars = await particularsOf(
    tx,
    items.map((item) => item.order),
  );
  return insertDocuments(
    tx,
    items.map(({ order, totalFen }, n) => ({
      order,
      fields: {
        kind: 'invoice' as const,
        totalFen,
        feeFen: escrowReleaseSplit(totalFen, order.feeBps).fee,
        refersTo: null,
        reason: null,
        particulars: particulars[n],
      },
    })),
  );
}

/** The order's invoice in force: the newest one no credit note reverses. */
export async function currentInvoice(tx: DbOrTx, orderId: string): Promise<Invoice | null> {
  const credited = sql`exists (select 1 from ${invoices} c where c.refers_to = ${invoices.id} and c.kind = 'credit_note')`;
  const [row] = await tx
    .select()
    .from(invoices)
    .where(and(eq(invoices.orderId, orderId), eq(invoices.kind, 'invoice'), sql`not ${credited}`))
    .orderBy(desc(invoices.issuedAt))
    .limit(1);
  return row ?? null;
}

/** Every document of an order, oldest first. */
export function documentsOfOrder(tx: DbOrTx, orderId: string): Promise<Invoice[]> {
  return tx.select().from(invoices).where(eq(invoices.orderId, orderId)).orderBy(invoices.issuedAt);
}

/**
 * The snapshot of an issued document. Invoices issued before snapshots existed have none: theirs is taken
 * once, from the rows as they stand at first view, and never again (the trigger allows that one fill).
 */
export async function documentOf(tx: DbOrTx, invoice: Invoice): Promise<InvoiceDocument> {
  if (invoice.document) return invoice.document as InvoiceDocument;
  const [order] = await tx.select().from(orders).where(eq(orders.id, invoice.orderId));
  const particulars = await currentParticulars(tx, order);
  const document: InvoiceDocument = {
    version: 1,
    kind: invoice.kind,
    number: invoice.number,
    fiscalNumber: invoice.fiscalNumber,
    issuedAt: invoice.issuedAt.toISOString(),
    currency: invoice.currency,
    ...particulars,
    totalFen: invoice.totalFen,
    feeFen: invoice.feeFen,
    refersTo: null,
    reason: invoice.reason,
  };
  const [stored] = await tx
    .update(invoices)
    .set({ document })
    .where(and(eq(invoices.id, invoice.id), isNull(invoices.document)))
    .returning({ document: invoices.document });
  if (stored) return stored.document as InvoiceDocument;
  const [again] = await tx
    .select({ document: invoices.document })
    .from(invoices)
    .where(eq(invoices.id, invoice.id));
  return again.document as InvoiceDocument;
}

export class CorrectionError extends Error {
  constructor(
    readonly key: 'invoice.correct.errors.reason' | 'invoice.correct.errors.none',
    readonly status: 400 | 404 | 409,
  ) {
    super(key);
  }
}

/**
 * Corrects an order's invoice the only way an issued invoice may change: a red-letter credit note reversing it
 * in full, and a new invoice for the same amounts drawn from the parties' and lot's details as they stand now.
 * Both under the order row's lock, so two corrections at once credit an invoice once.
 */
export async function correctInvoice(
  tx: Tx,
  orderId: string,
  reason: string,
): Promise<{ creditNote: Invoice; reissued: Invoice }> {
  const text = reason.trim();
  if (text.length < 2 || text.length > 200) throw new CorrectionError('invoice.correct.errors.reason', 400);
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  if (!order) throw new CorrectionError('invoice.correct.errors.none', 404);
  const original = await currentInvoice(tx, orderId);
  if (!original) throw new CorrectionError('invoice.correct.errors.none', 409);
  const before = await documentOf(tx, original);
  const creditNote = await insertDocument(tx, order, {
    kind: 'credit_note',
    totalFen: -original.totalFen,
    feeFen: -original.feeFen,
    refersTo: original,
    reason: text,
    particulars: {
      seller: before.seller,
      buyer: before.buyer,
      line: before.line,
      goodsFen: -before.goodsFen,
      feeBps: before.feeBps,
      poNumber: before.poNumber ?? null,
    },
  });
  const reissued = await insertDocument(tx, order, {
    kind: 'invoice',
    totalFen: original.totalFen,
    feeFen: original.feeFen,
    refersTo: original,
    reason: text,
    particulars: { ...(await currentParticulars(tx, order)), goodsFen: before.goodsFen },
  });
  return { creditNote, reissued };
}

/** Records the hash of a rendering the first time it is printed; false when a reprint differs from it. */
export async function checkPdfHash(tx: DbOrTx, invoice: Invoice, variant: string, sha256: string) {
  const known = invoice.pdfHashes[variant];
  if (known) return known === sha256;
  await tx
    .update(invoices)
    .set({ pdfHashes: sql`${invoices.pdfHashes} || ${JSON.stringify({ [variant]: sha256 })}::jsonb` })
    .where(and(eq(invoices.id, invoice.id), sql`not (${invoices.pdfHashes} ? ${variant})`));
  const [row] = await tx
    .select({ pdfHashes: invoices.pdfHashes })
    .from(invoices)
    .where(eq(invoices.id, invoice.id));
  return row.pdfHashes[variant] === sha256;
}
