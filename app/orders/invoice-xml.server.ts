// An issued document as XML, drawn from its frozen snapshot like the page and the PDF (issue #16.4, ADR 0041).
import type { InvoiceDocument, DocumentParty } from './invoice-document.server';
import { formatInvoiceNumber, rmbInWords } from './invoice.server';
import { marketToday } from '../lib/market-time';

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Integer fen as a decimal amount of yuan, e.g. -2066400 → '-20664.00'; no floating point on the way. */
export function yuanDecimal(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function element(name: string, value: string | number | null, attributes = ''): string {
  if (value === null || value === '') return '';
  return `<${name}${attributes}>${escapeXml(String(value))}</${name}>`;
}

function party(name: string, p: DocumentParty): string {
  return [
    `<${name}>`,
    element('Name', p.name),
    element('LegalName', p.legalName),
    element('CreditCode', p.creditCode),
    element('Address', p.address),
    element('City', p.city),
    `</${name}>`,
  ].join('');
}

/**
 * The XML of a document. `withFee` only for the seller's side and operators: the market fee and the net payout
 * are not the buyer's to see.
 */
export function renderInvoiceXml(
  doc: InvoiceDocument,
  sellerOrgId: string,
  { withFee }: { withFee: boolean },
): string {
  const line = doc.line;
  const unit = line.perBase === 1000 ? 'kg' : 'piece';
  const refersTo = doc.refersTo
    ? `<RefersTo number="${escapeXml(formatInvoiceNumber(sellerOrgId, doc.refersTo.number))}" fiscalNumber="${doc.refersTo.fiscalNumber}"/>`
    : '';
  const words =
    doc.currency === 'CNY' ? `${doc.totalFen < 0 ? '负' : ''}${rmbInWords(Math.abs(doc.totalFen))}` : null;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<Invoice xmlns="urn:wharf:invoice:1" kind="${doc.kind === 'credit_note' ? 'credit-note' : 'invoice'}">`,
    element('FiscalNumber', doc.fiscalNumber),
    element('Number', formatInvoiceNumber(sellerOrgId, doc.number)),
    element('IssuedAt', doc.issuedAt),
    element('IssueDate', marketToday(undefined, new Date(doc.issuedAt))),
    element('Currency', doc.currency),
    element('PurchaseOrderNumber', doc.poNumber ?? null),
    refersTo,
    element('Reason', doc.reason),
    party('Seller', doc.seller),
    party('Buyer', doc.buyer),
    '<Line>',
    element('Name', line.title.zh, ' xml:lang="zh-CN"'),
    element('Name', line.title.en, ' xml:lang="en"'),
    element('Spec', line.spec.zh, ' xml:lang="zh-CN"'),
    element('Spec', line.spec.en, ' xml:lang="en"'),
    element('OrderedQuantity', line.quantity, ` unit="${line.perBase === 1000 ? 'g' : 'piece'}"`),
    element('DeliveredQuantity', line.delivered, ` unit="${line.perBase === 1000 ? 'g' : 'piece'}"`),
    element('UnitPrice', yuanDecimal(line.unitPriceFen), ` per="${unit}"`),
    element('Amount', yuanDecimal(doc.goodsFen)),
    '</Line>',
    element('GoodsAmount', yuanDecimal(doc.goodsFen)),
    element('TotalAmount', yuanDecimal(doc.totalFen)),
    element('TotalInWords', words),
    withFee ? element('MarketFee', yuanDecimal(doc.feeFen)) : '',
    withFee ? element('NetToSeller', yuanDecimal(doc.totalFen - doc.feeFen)) : '',
    '</Invoice>\n',
  ].join('');
}
