// The invoice of a completed order as the viewer reads it: parties, number, date, the line in their language, totals.
import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client';
import { categories, invoices, listings, orders, organisations } from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { type Locale, translator } from '../lib/i18n';
import { type Currency, formatMoney } from '../lib/money';
import { type QuantityUnit, formatQuantity, unitLabel } from '../lib/units';
import { type AttributeDefinition, parseAttributes } from '../listings/catalogue';
import { marketToday } from '../listings/form.server';
import { specRows } from '../listings/queries.server';
import { mayView } from './orders.server';

/** Whose copy: the seller's shows the market fee and the net payout; the buyer's does not. */
export type InvoiceCopy = 'seller' | 'buyer';

export type InvoiceParty = { name: string; city: string | null };

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
  /** The seller's sequence number as printed, e.g. 'K7Q-000123'. */
  number: string;
  sequence: number;
  copy: InvoiceCopy;
  locale: Locale;
  /** YYYY-MM-DD in the market's time zone. */
  issuedOn: string;
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

function inLocale(label: { zh: string; en: string }, locale: Locale): string {
  return locale === 'en' ? label.en : label.zh;
}

/** The lot's spec in a line: enum values by their labels alone, numbers and text after their labels. */
function specSummary(
  attributes: AttributeDefinition[],
  spec: Record<string, unknown>,
  locale: Locale,
): string {
  return specRows(attributes, spec)
    .map((row) =>
      row.kind === 'enum'
        ? inLocale(row.value, locale)
        : `${inLocale(row.label, locale)} ${inLocale(row.value, locale)}`,
    )
    .join(' · ');
}

function percent(basisPoints: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
    basisPoints / 10_000,
  );
}

const sellerOrg = alias(organisations, 'seller_org');
const buyerOrg = alias(organisations, 'buyer_org');

/**
 * The invoice of an order for a viewer in a language, or null when there is none the viewer may see:
 * no such order, not a member of either side nor an operator, or no invoice yet (not completed,
 * or refunded in full). Members of the seller org and operators get the seller's copy.
 */
export async function invoiceForViewer(
  tx: DbOrTx,
  orderId: string,
  viewer: Viewer,
  locale: Locale,
): Promise<InvoiceView | null> {
  const [row] = await tx
    .select({
      order: orders,
      invoice: invoices,
      seller: { name: sellerOrg.name, city: sellerOrg.city },
      buyer: { name: buyerOrg.name, city: buyerOrg.city },
      listing: {
        titleZh: listings.titleZh,
        titleEn: listings.titleEn,
        spec: listings.spec,
        displayUnit: listings.displayUnit,
        caseNetGrams: listings.caseNetGrams,
      },
      attributes: categories.attributes,
    })
    .from(orders)
    .innerJoin(invoices, eq(invoices.orderId, orders.id))
    .innerJoin(sellerOrg, eq(sellerOrg.id, orders.sellerOrgId))
    .innerJoin(buyerOrg, eq(buyerOrg.id, orders.buyerOrgId))
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(orders.id, orderId));
  if (!row || !mayView(viewer, row.order)) return null;

  const { order, invoice, listing } = row;
  const t = translator(locale);
  const currency = invoice.currency as Currency;
  const money = (fen: number) => formatMoney(fen, currency, locale);
  const unit = listing.displayUnit as QuantityUnit;
  const priceUnit = order.perBase === 1000 ? 'kg' : 'piece';
  const quantity = (value: number) =>
    formatQuantity(value, unit, locale, { caseNetGrams: listing.caseNetGrams ?? undefined });
  // Shown in one unit, priced per kg: the kilograms too, so quantity × price can be checked by eye.
  const alsoInKg = priceUnit === 'kg' && unit !== 'kg';
  const inSeller = viewer.memberships.some((m) => m.orgId === order.sellerOrgId);
  const inBuyer = viewer.memberships.some((m) => m.orgId === order.buyerOrgId);
  const copy: InvoiceCopy = inSeller || !inBuyer ? 'seller' : 'buyer';

  // The line is billed as record_weight settled it: the weighed quantity, never above what was escrowed.
  const goodsFen = order.finalTotalFen ?? order.subtotalFen;
  const adjustmentFen = invoice.totalFen - goodsFen;
  const title =
    (locale === 'en' ? (listing.titleEn ?? listing.titleZh) : (listing.titleZh ?? listing.titleEn)) ?? '';
  const delivered = order.deliveredQuantity;

  const notes: string[] = [];
  if (delivered !== null && delivered !== order.quantity) {
    notes.push(
      t('invoice.note.catchWeight', { ordered: quantity(order.quantity), delivered: quantity(delivered) }),
    );
    if (order.toleranceBps > 0)
      notes.push(t('invoice.note.tolerance', { percent: percent(order.toleranceBps, locale) }));
    if (delivered > order.quantity) notes.push(t('invoice.note.overWeight'));
  }
  if (adjustmentFen !== 0) notes.push(t('invoice.note.adjustment', { amount: money(-adjustmentFen) }));
  notes.push(t('invoice.note.escrow'));
  if (copy === 'seller') notes.push(t('invoice.note.fee'));
  notes.push(t('invoice.note.notTaxInvoice'));

  return {
    orderId: order.id,
    number: formatInvoiceNumber(invoice.sellerOrgId, invoice.number),
    sequence: invoice.number,
    copy,
    locale,
    issuedOn: marketToday(undefined, invoice.issuedAt),
    currency,
    seller: row.seller,
    buyer: row.buyer,
    lines: [
      {
        title,
        spec: specSummary(parseAttributes(row.attributes), listing.spec as Record<string, unknown>, locale),
        ordered: quantity(order.quantity),
        delivered: quantity(delivered ?? order.quantity),
        inKg: alsoInKg
          ? {
              ordered: formatQuantity(order.quantity, 'kg', locale),
              delivered: formatQuantity(delivered ?? order.quantity, 'kg', locale),
            }
          : null,
        weighed: delivered !== null,
        unitPrice: `${money(order.unitPriceFen)}/${unitLabel(priceUnit, locale)}`,
        amountFen: goodsFen,
        amount: money(goodsFen),
      },
    ],
    goodsFen,
    goods: money(goodsFen),
    adjustmentFen,
    adjustment: adjustmentFen === 0 ? null : money(adjustmentFen),
    totalFen: invoice.totalFen,
    total: money(invoice.totalFen),
    totalInWords: locale === 'zh-CN' && currency === 'CNY' ? rmbInWords(invoice.totalFen) : null,
    fee:
      copy === 'seller'
        ? {
            rate: percent(order.feeBps, locale),
            fen: invoice.feeFen,
            amount: money(-invoice.feeFen),
            netFen: invoice.totalFen - invoice.feeFen,
            net: money(invoice.totalFen - invoice.feeFen),
          }
        : null,
    notes,
  };
}
