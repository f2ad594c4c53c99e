// The invoice of a completed order as the viewer reads it: parties, number, date, the line in their language, totals.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type Invoice, orders } from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { type Locale, translator } from '../lib/i18n';
import { type Currency, formatMoney } from '../lib/money';
import { formatQuantity, unitLabel } from '../lib/units';
import { marketToday } from '../listings/form.server';
import {
  type DocumentParty,
  type InvoiceDocument,
  currentInvoice,
  documentOf,
  documentsOfOrder,
} from './invoice-document.server';
import { mayView } from './orders.server';

/** Whose copy: the seller's shows the market fee and the net payout; the buyer's does not. */
export type InvoiceCopy = 'seller' | 'buyer';

export type InvoiceParty = DocumentParty;

export type InvoiceLine = {
  title: string;
  /** The lot's spec in a few words, e.g. '40/50 头/公斤 · 鲜活'. */
  spec: string;
  ordered: string;
  /** The quantity weighed or counted at hand-over, or the ordered one when none was recorded. */
  delivered: string;
  /** Both quantities in kilograms when the lot is shown in cases, jin or tonnes but priced per kg. */
  inKg: { ordered: string; delivered: string } | null;
  /** Whether `delivered` was weighed (catch weight) rather than taken from the order. */
  weighed: boolean;
  /** Price per kg or per piece, e.g. '¥42.00/公斤'. */
  unitPrice: string;
  amountFen: number;
  amount: string;
};

export type InvoiceView = {
  orderId: string;
  /** The buyer's purchase-order number, if it gave one (ADR 0052). */
  poNumber: string | null;
  /** A red-letter credit note carries negative amounts and the invoice it reverses. */
  kind: 'invoice' | 'credit_note';
  /** The 20-digit fiscal number, gap-free per seller and year. */
  fiscalNumber: string;
  /** The seller's sequence number as printed, e.g. 'K7Q-000123'. */
  number: string;
  sequence: number;
  copy: InvoiceCopy;
  locale: Locale;
  /** YYYY-MM-DD in the market's time zone. */
  issuedOn: string;
  /** The instant of issue (ISO 8601): the PDF's creation date, so reprints are byte for byte the same. */
  issuedAt: string;
  currency: Currency;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  lines: InvoiceLine[];
  goodsFen: number;
  goods: string;
  /** A refund agreed when a dispute was resolved (negative), or 0. */
  adjustmentFen: number;
  adjustment: string | null;
  totalFen: number;
  total: string;
  /** The total in Chinese capital numerals (人民币大写), on Chinese invoices in yuan only. */
  totalInWords: string | null;
  /** Seller's copy only. */
  fee: { rate: string; fen: number; amount: string; netFen: number; net: string } | null;
  notes: string[];
};

const NUMBER_DIGITS = 6;

/**
 * The printed sales-slip number: XS, then a prefix from the seller org's id, then the gapless sequence padded.
 * The id rather than the name, so a renamed seller keeps its numbering; its last three characters,
 * because generated ids start with a timestamp that org ids of one era share.
 */
export function formatInvoiceNumber(sellerOrgId: string, sequence: number): string {
  const tail = sellerOrgId
    .replace(/^org_/, '')
    .replace(/[^0-9a-z]/gi, '')
    .slice(-3)
    .toUpperCase();
  const padded = String(sequence).padStart(NUMBER_DIGITS, '0');
  // XS (销售): a sales slip's number, never to be read as a tax invoice's (发票) numbering.
  return tail ? `XS-${tail}-${padded}` : `XS-${padded}`;
}

const CAPITAL_DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const CAPITAL_PLACES = ['', '拾', '佰', '仟'];
const CAPITAL_GROUPS = ['', '万', '亿', '万亿'];

function capitalGroup(group: number): string {
  let out = '';
  let pendingZero = false;
  for (let place = 3; place >= 0; place--) {
    const digit = Math.floor(group / 10 ** place) % 10;
    if (digit === 0) {
      if (out) pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += CAPITAL_DIGITS[digit] + CAPITAL_PLACES[place];
  }
  return out;
}

/**
 * An amount of fen in Chinese capital numerals as written on invoices and cheques:
 * 2066400 → '人民币贰万零陆佰陆拾肆元整', 105 → '人民币壹元零伍分'.
 */
export function rmbInWords(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0)
    throw new RangeError('amount must be a non-negative safe integer');
  let yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  const groups: number[] = [];
  while (yuan > 0) {
    groups.push(yuan % 10_000);
    yuan = Math.floor(yuan / 10_000);
  }
  let words = '';
  let skipped = false;
  for (let i = groups.length - 1; i >= 0; i--) {
    const group = groups[i];
    if (group === 0) {
      skipped = Boolean(words);
      continue;
    }
    if (words && (skipped || group < 1000)) words += '零';
    words += capitalGroup(group) + CAPITAL_GROUPS[i];
    skipped = false;
  }
  if (words) words += '元';
  if (jiao > 0) words += `${CAPITAL_DIGITS[jiao]}角`;
  if (cents > 0) words += `${words && jiao === 0 ? '零' : ''}${CAPITAL_DIGITS[cents]}分`;
  if (!words) words = '零元';
  if (cents === 0) words += '整';
  return `人民币${words}`;
}

function percent(basisPoints: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
    basisPoints / 10_000,
  );
}

/** A document of the order other than the one shown: credit notes and the invoices they reversed. */
export type InvoiceHistoryItem = {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  fiscalNumber: string;
  issuedOn: string;
  total: string;
  reason: string | null;
};

/** The view of one issued document for a reader: every figure and word from its frozen snapshot. */
function viewOfDocument(
  doc: InvoiceDocument,
  {
    orderId,
    sellerOrgId,
    copy,
    locale,
  }: { orderId: string; sellerOrgId: string; copy: InvoiceCopy; locale: Locale },
): InvoiceView {
  const t = translator(locale);
  const currency = doc.currency as Currency;
  const money = (fen: number) => formatMoney(fen, currency, locale);
  const line = doc.line;
  const unit = line.displayUnit;
  const priceUnit = line.perBase === 1000 ? 'kg' : 'piece';
  const quantity = (value: number) =>
    formatQuantity(value, unit, locale, { caseNetGrams: line.caseNetGrams ?? undefined });
  // Shown in one unit, priced per kg: the kilograms too, so quantity × price can be checked by eye.
  const alsoInKg = priceUnit === 'kg' && unit !== 'kg';
  const goodsFen = doc.goodsFen;
  const adjustmentFen = doc.totalFen - goodsFen;
  const pick = (text: { zh: string; en: string }) => (locale === 'en' ? text.en : text.zh);
  const delivered = line.delivered;
  const credit = doc.kind === 'credit_note';

  const notes: string[] = [];
  if (credit && doc.refersTo)
    notes.push(
      t('invoice.note.creditNote', {
        number: formatInvoiceNumber(sellerOrgId, doc.refersTo.number),
        fiscalNumber: doc.refersTo.fiscalNumber,
        reason: doc.reason ?? '',
      }),
    );
  else if (doc.refersTo)
    notes.push(
      t('invoice.note.reissue', {
        number: formatInvoiceNumber(sellerOrgId, doc.refersTo.number),
        fiscalNumber: doc.refersTo.fiscalNumber,
        reason: doc.reason ?? '',
      }),
    );
  if (delivered !== null && delivered !== line.quantity) {
    notes.push(
      t('invoice.note.catchWeight', { ordered: quantity(line.quantity), delivered: quantity(delivered) }),
    );
    if (line.toleranceBps > 0)
      notes.push(t('invoice.note.tolerance', { percent: percent(line.toleranceBps, locale) }));
    if (delivered > line.quantity) notes.push(t('invoice.note.overWeight'));
  }
  if (adjustmentFen !== 0) notes.push(t('invoice.note.adjustment', { amount: money(-adjustmentFen) }));
  notes.push(t('invoice.note.escrow'));
  if (copy === 'seller') notes.push(t('invoice.note.fee'));
  notes.push(t('invoice.note.notTaxInvoice'));

  return {
    orderId,
    poNumber: doc.poNumber ?? null,
    kind: doc.kind,
    number: formatInvoiceNumber(sellerOrgId, doc.number),
    sequence: doc.number,
    fiscalNumber: doc.fiscalNumber,
    copy,
    locale,
    issuedOn: marketToday(undefined, new Date(doc.issuedAt)),
    issuedAt: doc.issuedAt,
    currency,
    seller: doc.seller,
    buyer: doc.buyer,
    lines: [
      {
        title: pick(line.title),
        spec: pick(line.spec),
        ordered: quantity(line.quantity),
        delivered: quantity(delivered ?? line.quantity),
        inKg: alsoInKg
          ? {
              ordered: formatQuantity(line.quantity, 'kg', locale),
              delivered: formatQuantity(delivered ?? line.quantity, 'kg', locale),
            }
          : null,
        weighed: delivered !== null,
        unitPrice: `${money(line.unitPriceFen)}/${unitLabel(priceUnit, locale)}`,
        amountFen: goodsFen,
        amount: money(goodsFen),
      },
    ],
    goodsFen,
    goods: money(goodsFen),
    adjustmentFen,
    adjustment: adjustmentFen === 0 ? null : money(adjustmentFen),
    totalFen: doc.totalFen,
    total: money(doc.totalFen),
    totalInWords:
      locale === 'zh-CN' && currency === 'CNY'
        ? `${doc.totalFen < 0 ? '负' : ''}${rmbInWords(Math.abs(doc.totalFen))}`
        : null,
    fee:
      copy === 'seller'
        ? {
            rate: percent(doc.feeBps, locale),
            fen: doc.feeFen,
            amount: money(-doc.feeFen),
            netFen: doc.totalFen - doc.feeFen,
            net: money(doc.totalFen - doc.feeFen),
          }
        : null,
    notes,
  };
}

export type ViewerInvoice = {
  invoice: InvoiceView;
  /** The stored row, for the PDF's hash check. */
  row: Invoice;
  /** The frozen snapshot, for the XML export. */
  document: InvoiceDocument;
  history: InvoiceHistoryItem[];
  /** Whether this viewer may correct the invoice (a seller's owner or admin). */
  mayCorrect: boolean;
};

/**
 * An order's document for a viewer in a language, or null when there is none the viewer may see: no such
 * order, not a member of either side nor an operator, no invoice yet (not completed, or refunded in full), or
 * `documentId` not one of the order's. Without `documentId`, the invoice in force. Members of the seller org
 * and operators get the seller's copy.
 */
export async function invoiceForViewer(
  tx: DbOrTx,
  orderId: string,
  viewer: Viewer,
  locale: Locale,
  documentId?: string | null,
): Promise<ViewerInvoice | null> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId));
  if (!order || !mayView(viewer, order)) return null;
  const all = await documentsOfOrder(tx, orderId);
  const row = documentId
    ? all.find((doc) => doc.id === documentId)
    : ((await currentInvoice(tx, orderId)) ?? undefined);
  if (!row) return null;
  const inSeller = viewer.memberships.some((m) => m.orgId === order.sellerOrgId);
  const inBuyer = viewer.memberships.some((m) => m.orgId === order.buyerOrgId);
  const copy: InvoiceCopy = inSeller || !inBuyer ? 'seller' : 'buyer';
  const doc = await documentOf(tx, row);
  const history: InvoiceHistoryItem[] = [];
  for (const other of all) {
    if (other.id === row.id) continue;
    history.push({
      id: other.id,
      kind: other.kind,
      number: formatInvoiceNumber(other.sellerOrgId, other.number),
      fiscalNumber: other.fiscalNumber,
      issuedOn: marketToday(undefined, other.issuedAt),
      total: formatMoney(other.totalFen, other.currency as Currency, locale),
      reason: other.reason,
    });
  }
  const mayCorrect =
    row.kind === 'invoice' &&
    row.id === (await currentInvoice(tx, orderId))?.id &&
    viewer.memberships.some(
      (m) => m.orgId === order.sellerOrgId && (m.role === 'owner' || m.role === 'admin'),
    );
  return {
    invoice: viewOfDocument(doc, { orderId, sellerOrgId: row.sellerOrgId, copy, locale }),
    row,
    document: doc,
    history,
    mayCorrect,
  };
}
