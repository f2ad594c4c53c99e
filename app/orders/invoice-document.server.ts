// Issuing invoices as documents (issue #16.4, ADR 0041): the snapshot frozen at issue, the 20-digit fiscal number
// gap-free per issuer and year, and corrections as a red-letter credit note plus a re-issued invoice.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
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

async function provinceCodeOf(tx: Tx, orgCity: string | null): Promise<string> {
  if (!orgCity) return MARKET_PROVINCE_CODE;
  const [city] = await tx
    .select({ province: cities.province })
    .from(cities)
    .where(eq(cities.nameZh, orgCity));
  return (city && PROVINCE_CODES[city.province]) ?? MARKET_PROVINCE_CODE;
}

/** The seller's next sales-slip number and fiscal number; both counters' row locks hold until commit. */
async function nextNumbers(tx: Tx, sellerOrgId: string, sellerCity: string | null, issuedAt: Date) {
  const [slip] = await tx
    .insert(invoiceCounters)
    .values({ sellerOrgId, lastNumber: 1 })
    .onConflictDoUpdate({
      target: invoiceCounters.sellerOrgId,
      set: { lastNumber: sql`${invoiceCounters.lastNumber} + 1` },
    })
    .returning({ number: invoiceCounters.lastNumber });
  const year = Number(marketDate(issuedAt).slice(0, 4));
  const [fiscal] = await tx
    .insert(fiscalCounters)
    .values({ sellerOrgId, year, lastNumber: 1 })
    .onConflictDoUpdate({
      target: [fiscalCounters.sellerOrgId, fiscalCounters.year],
      set: { lastNumber: sql`${fiscalCounters.lastNumber} + 1` },
    })
    .returning({ number: fiscalCounters.lastNumber });
  const province = await provinceCodeOf(tx, sellerCity);
  return { number: slip.number, fiscalNumber: formatFiscalNumber(year, province, fiscal.number) };
}

async function partyOf(tx: DbOrTx, orgId: string): Promise<DocumentParty> {
  const [org] = await tx
    .select({ name: organisations.name, city: organisations.city })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  const [licence] = await tx
    .select({
      legalName: verificationApplications.legalName,
      creditCode: verificationApplications.licenceNumber,
      address: verificationApplications.address,
    })
    .from(verificationApplications)
    .where(and(eq(verificationApplications.orgId, orgId), eq(verificationApplications.status, 'approved')))
    .orderBy(desc(verificationApplications.decidedAt))
    .limit(1);
  return {
    name: org?.name ?? '',
    city: org?.city ?? null,
    legalName: licence?.legalName ?? null,
    creditCode: licence?.creditCode ?? null,
    address: licence?.address ?? null,
  };
}

function specLine(attributes: unknown, spec: unknown, locale: 'zh' | 'en'): string {
  return specRows(parseAttributes(attributes), spec as Record<string, unknown>)
    .map((row) => (row.kind === 'enum' ? row.value[locale] : `${row.label[locale]} ${row.value[locale]}`))
    .join(' · ');
}

/** The parts of a document read from the order, its lot and both parties as they stand now. */
async function currentParticulars(tx: DbOrTx, order: Order) {
  const [lot] = await tx
    .select({
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      spec: listings.spec,
      displayUnit: listings.displayUnit,
      caseNetGrams: listings.caseNetGrams,
      attributes: categories.attributes,
    })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(listings.id, order.listingId));
  const titleZh = lot.titleZh ?? lot.titleEn ?? '';
  return {
    seller: await partyOf(tx, order.sellerOrgId),
    buyer: await partyOf(tx, order.buyerOrgId),
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
  };
}

async function insertDocument(
  tx: Tx,
  order: Order,
  fields: {
    kind: 'invoice' | 'credit_note';
    totalFen: number;
    feeFen: number;
    refersTo: Invoice | null;
    reason: string | null;
    particulars: Awaited<ReturnType<typeof currentParticulars>>;
  },
): Promise<Invoice> {
  const issuedAt = new Date();
  const { number, fiscalNumber } = await nextNumbers(
    tx,
    order.sellerOrgId,
    fields.particulars.seller.city,
    issuedAt,
  );
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
  const [row] = await tx
    .insert(invoices)
    .values({
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
    })
    .returning();
  return row;
}

/** Issues the invoice of a settled order in the settling transaction, its snapshot taken now. */
export async function issueInvoice(tx: Tx, order: Order, totalFen: number): Promise<Invoice> {
  const { fee } = escrowReleaseSplit(totalFen, order.feeBps);
  return insertDocument(tx, order, {
    kind: 'invoice',
    totalFen,
    feeFen: fee,
    refersTo: null,
    reason: null,
    particulars: await currentParticulars(tx, order),
  });
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
