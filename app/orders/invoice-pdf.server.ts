// The invoice as an A4 PDF (pdfkit), with a Chinese font found on the machine or, failing that, Helvetica and English.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type PdfKit from 'pdfkit';
import { type Locale, translator } from '../lib/i18n';
import { log } from '../lib/log.server';
import type { InvoiceView } from './invoice.server';

/**
 * pdfkit (and its fonts) loads on the first invoice, not when the web process starts: few requests are invoices,
 * and it is tens of megabytes resident (issue #22). A require keeps the font probing below synchronous.
 */
let pdfKit: typeof PdfKit | undefined;
export function PDFDocumentClass(): typeof PdfKit {
  pdfKit ??= createRequire(import.meta.url)('pdfkit') as typeof PdfKit;
  return pdfKit;
}

type FontFace = { src: string; family?: string };

/** The faces a PDF is set in; without a Chinese font the invoice is rendered in English. */
export type InvoiceFonts = { cjk: true; regular: FontFace; bold: FontFace } | { cjk: false };

// Where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*, fonts-droid-fallback) and Fedora/Arch put them.
const KNOWN_FONTS: { regular: string; bold?: string }[] = [
  {
    regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  },
  {
    regular: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc',
  },
  {
    regular: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc',
  },
  { regular: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc' },
  { regular: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc' },
  { regular: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
];

// A collection (.ttc) holds several faces and pdfkit needs one's PostScript name; Simplified Chinese first.
const COLLECTION_FACES = [
  'NotoSansCJKsc-Regular',
  'NotoSansCJKsc-Bold',
  'NotoSerifCJKsc-Regular',
  'NotoSerifCJKsc-Bold',
  'SourceHanSansSC-Regular',
  'SourceHanSansSC-Bold',
  'WenQuanYiMicroHei',
  'WenQuanYiZenHei',
];

/** The face in a font file that can set Chinese text, or null when the file is missing or unusable. */
function usableFace(src: string, family?: string): FontFace | null {
  if (!existsSync(src)) return null;
  const isCollection = /\.ttc$/i.test(src);
  const families = family ? [family] : isCollection ? COLLECTION_FACES : [undefined];
  for (const name of families) {
    try {
      const probe = new (PDFDocumentClass())();
      if (name) probe.font(src, name);
      else probe.font(src);
      probe.widthOfString('码头销货单');
      return name ? { src, family: name } : { src };
    } catch {
      // not in this file, or not a font pdfkit can embed: try the next name
    }
  }
  return null;
}

function findFonts(): InvoiceFonts {
  const configured = process.env.INVOICE_FONT_PATH?.trim();
  if (configured) {
    // INVOICE_FONT_PATH=/path/font.ttc#PostScriptName picks a face in a collection.
    const [src, family] = configured.split('#');
    const face = usableFace(src, family || undefined);
    if (face) return { cjk: true, regular: face, bold: face };
    log.warn({ path: src }, 'INVOICE_FONT_PATH is not a usable font; looking for a known Chinese font');
  }
  for (const known of KNOWN_FONTS) {
    const regular = usableFace(known.regular);
    if (!regular) continue;
    const bold = known.bold ? usableFace(known.bold) : null;
    return { cjk: true, regular, bold: bold ?? regular };
  }
  log.warn(
    'no Chinese font found (set INVOICE_FONT_PATH or install fonts-noto-cjk); invoice PDFs are rendered in English with Helvetica',
  );
  return { cjk: false };
}

let fonts: InvoiceFonts | undefined;

/** Looked up once per process: probing a font file parses it. */
export function invoiceFonts(): InvoiceFonts {
  fonts ??= findFonts();
  return fonts;
}

/** For tests: forget the fonts found, so a changed INVOICE_FONT_PATH is read again. */
export function resetInvoiceFonts(): void {
  fonts = undefined;
}

/** The language a PDF can be rendered in for a reader of `locale`: theirs, or English without a Chinese font. */
export function pdfLocale(locale: Locale): Locale {
  return invoiceFonts().cjk ? locale : 'en';
}

// Helvetica's WinAnsi encoding holds Latin-1 and these; anything else would print as a wrong glyph.
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

export function latinOnly(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      const latin1 = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
      return latin1 || WIN_ANSI_EXTRA.includes(ch) ? ch : '?';
    })
    .join('');
}

const INK = '#0f172a';
const MUTED = '#64748b';
const RULE = '#cbd5e1';
const ACCENT = '#095a7d';
const TINT = '#eef7fb';

type Align = 'left' | 'right' | 'center';
type TextStyle = { size?: number; bold?: boolean; color?: string; width?: number; align?: Align };

/** Renders the invoice; resolves to the PDF's bytes. `view` should be built in `pdfLocale(...)`. */
export function renderInvoicePdf(view: InvoiceView, faces: InvoiceFonts = invoiceFonts()): Promise<Buffer> {
  const t = translator(view.locale);
  const heading = t(view.kind === 'credit_note' ? 'invoice.titleCredit' : 'invoice.title');
  const title = `${heading} ${view.number}`;
  const clean = faces.cjk ? (text: string) => text : latinOnly;
  const PDFDocument = PDFDocumentClass();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 48, bottom: 56, left: 48, right: 48 },
    bufferPages: true,
    // Dated when issued, not when printed: with the snapshot, a reprint is the same bytes (ADR 0041).
    info: {
      Title: clean(title),
      Author: clean(view.seller.name),
      Creator: 'Wharf',
      CreationDate: new Date(view.issuedAt),
    },
    lang: view.locale,
    displayTitle: true,
  });
  // One face registered under two names would be reopened on every switch (pdfkit caches it under one).
  const boldFace = faces.cjk && faces.bold === faces.regular ? 'body' : 'bold';
  if (faces.cjk) {
    doc.registerFont('body', faces.regular.src, faces.regular.family);
    if (boldFace === 'bold') doc.registerFont('bold', faces.bold.src, faces.bold.family);
  } else {
    doc.registerFont('body', 'Helvetica');
    doc.registerFont('bold', 'Helvetica-Bold');
  }

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const right = left + width;

  const style = (s: TextStyle) =>
    doc
      .font(s.bold ? boldFace : 'body')
      .fontSize(s.size ?? 10)
      .fillColor(s.color ?? INK);
  /** Writes text at (x, y) and returns the y below it. */
  const write = (text: string, x: number, y: number, s: TextStyle = {}): number => {
    style(s).text(clean(text), x, y, { width: s.width, align: s.align ?? 'left', lineGap: 1 });
    return doc.y;
  };
  const heightOf = (text: string, s: TextStyle) =>
    style(s).heightOfString(clean(text), { width: s.width, lineGap: 1 });
  const rule = (y: number, color = RULE, lineWidth = 0.75, from = left, to = right) =>
    doc.moveTo(from, y).lineTo(to, y).lineWidth(lineWidth).strokeColor(color).stroke();
  const ensureSpace = (y: number, needed: number): number => {
    if (y + needed <= doc.page.height - doc.page.margins.bottom) return y;
    doc.addPage();
    return doc.page.margins.top;
  };

  // Head: the seller as letterhead on the left, the document's name and copy on the right.
  const headRight = 190;
  let y = doc.page.margins.top;
  let leftY = write(view.seller.name, left, y, { size: 15, bold: true, width: width - headRight - 16 });
  if (view.seller.city) leftY = write(view.seller.city, left, leftY + 2, { size: 9.5, color: MUTED });
  let rightY = write(heading, right - headRight, y - 2, {
    size: 22,
    bold: true,
    color: ACCENT,
    width: headRight,
    align: 'right',
  });
  const copyLabel = clean(t(`invoice.copy.${view.copy}`));
  const copyWidth = style({ size: 9 }).widthOfString(copyLabel) + 12;
  doc
    .roundedRect(right - copyWidth, rightY + 3, copyWidth, 16, 3)
    .lineWidth(0.75)
    .strokeColor(ACCENT)
    .stroke();
  write(copyLabel, right - copyWidth, rightY + 6.5, {
    size: 9,
    color: ACCENT,
    width: copyWidth,
    align: 'center',
  });
  rightY += 22;
  y = Math.max(leftY, rightY) + 10;
  rule(y, ACCENT, 1.5);
  y += 14;

  // Parties on the left, the invoice's particulars on the right.
  const metaX = left + 262;
  const metaLabel = 64;
  const metaValue = right - metaX - metaLabel;
  let partyY = y;
  for (const [label, party] of [
    [t('invoice.buyer'), view.buyer],
    [t('invoice.seller'), view.seller],
  ] as const) {
    partyY = write(label, left, partyY, { size: 8.5, color: MUTED });
    partyY = write(party.name, left, partyY + 1, { size: 11, bold: true, width: 240 });
    if (party.city) partyY = write(party.city, left, partyY + 1, { size: 9.5, color: MUTED });
    if (party.legalName && party.legalName !== party.name)
      partyY = write(party.legalName, left, partyY + 1, { size: 9.5, width: 240 });
    if (party.creditCode)
      partyY = write(`${t('invoice.creditCode')} ${party.creditCode}`, left, partyY + 1, {
        size: 8.5,
        color: MUTED,
        width: 240,
      });
    if (party.address)
      partyY = write(party.address, left, partyY + 1, { size: 8.5, color: MUTED, width: 240 });
    partyY += 10;
  }
  let metaY = y;
  const particulars: [string, string, TextStyle][] = [
    [t('invoice.number'), view.number, { size: 12, bold: true }],
    [t('invoice.fiscalNumber'), view.fiscalNumber, { size: 9 }],
    [t('invoice.issuedOn'), view.issuedOn, {}],
    [t('invoice.order'), view.orderId, { size: 8.5 }],
    ...(view.poNumber ? [[t('invoice.poNumber'), view.poNumber, {}] as [string, string, TextStyle]] : []),
    [t('invoice.currency'), view.currency, {}],
  ];
  for (const [label, value, valueStyle] of particulars) {
    const size = valueStyle.size ?? 10;
    write(label, metaX, metaY + Math.max(0, size - 8.5) / 2, { size: 8.5, color: MUTED, width: metaLabel });
    metaY = write(value, metaX + metaLabel, metaY, { ...valueStyle, width: metaValue }) + 5;
  }
  y = Math.max(partyY, metaY) + 8;

  // The table of lines.
  const columns: { label: string; width: number; align: Align }[] = [
    { label: t('invoice.col.no'), width: 32, align: 'center' },
    { label: t('invoice.col.item'), width: 161, align: 'left' },
    { label: t('invoice.col.ordered'), width: 70, align: 'right' },
    { label: t('invoice.col.delivered'), width: 70, align: 'right' },
    { label: t('invoice.col.unitPrice'), width: 76, align: 'right' },
    { label: t('invoice.col.amount'), width: 0, align: 'right' },
  ];
  columns[columns.length - 1].width = width - columns.reduce((sum, c) => sum + c.width, 0);
  const pad = 5;
  const xs = columns.map((_, i) => left + columns.slice(0, i).reduce((sum, c) => sum + c.width, 0));
  const headStyle: TextStyle = { size: 8.5, bold: true, color: '#334155' };
  const headHeight =
    Math.max(...columns.map((c) => heightOf(c.label, { ...headStyle, width: c.width - 2 * pad }))) + 2 * pad;
  y = ensureSpace(y, headHeight + 40);
  doc.rect(left, y, width, headHeight).fill(TINT);
  rule(y, ACCENT, 1);
  columns.forEach((c, i) => {
    write(c.label, xs[i] + pad, y + pad, { ...headStyle, width: c.width - 2 * pad, align: c.align });
  });
  y += headHeight;
  rule(y, RULE);

  view.lines.forEach((line, index) => {
    const cells = [String(index + 1), line.title, line.ordered, line.delivered, line.unitPrice, line.amount];
    const cellStyle = (i: number): TextStyle => ({
      size: 9.5,
      width: columns[i].width - 2 * pad,
      align: columns[i].align,
      bold: i === 5,
    });
    // Under the item its spec; under quantities shown in cases, jin or tonnes their kilograms.
    const subtext = [null, line.spec || null, line.inKg?.ordered, line.inKg?.delivered, null, null];
    const subStyle = (i: number): TextStyle => ({ ...cellStyle(i), size: 8, color: MUTED, bold: false });
    const cellHeight = (cell: string, i: number) => {
      const sub = subtext[i];
      return heightOf(cell, cellStyle(i)) + (sub ? heightOf(sub, subStyle(i)) + 2 : 0);
    };
    const rowHeight = Math.max(...cells.map(cellHeight)) + 2 * pad + 2;
    y = ensureSpace(y, rowHeight);
    cells.forEach((cell, i) => {
      const below = write(cell, xs[i] + pad, y + pad + 1, cellStyle(i));
      const sub = subtext[i];
      if (sub) write(sub, xs[i] + pad, below + 2, subStyle(i));
    });
    y += rowHeight;
    rule(y, index === view.lines.length - 1 ? ACCENT : RULE, index === view.lines.length - 1 ? 1 : 0.75);
  });

  // Totals on the right; the total in capital numerals on the left, as Chinese invoices carry it.
  const totalsWidth = 236;
  const totalsX = right - totalsWidth;
  const amountWidth = 104;
  const rows: { label: string; value: string; strong?: boolean; ruleAbove?: boolean }[] = [
    { label: t('invoice.goods'), value: view.goods },
  ];
  if (view.adjustment) rows.push({ label: t('invoice.adjustment'), value: view.adjustment });
  rows.push({ label: t('invoice.total'), value: view.total, strong: true });
  if (view.fee) {
    rows.push({ label: t('invoice.fee', { rate: view.fee.rate }), value: view.fee.amount, ruleAbove: true });
    rows.push({ label: t('invoice.net'), value: view.fee.net, strong: true });
  }
  y = ensureSpace(y + 10, rows.length * 20 + 20);
  const totalsTop = y;
  for (const row of rows) {
    if (row.ruleAbove) {
      rule(y + 1, RULE, 0.75, totalsX, right);
      y += 6;
    }
    const s: TextStyle = row.strong ? { size: 11.5, bold: true } : { size: 9.5 };
    write(row.label, totalsX, y + (row.strong ? 1 : 0), {
      ...s,
      size: 9.5,
      width: totalsWidth - amountWidth,
    });
    y = write(row.value, right - amountWidth, y, { ...s, width: amountWidth, align: 'right' }) + 6;
  }
  if (view.totalInWords) {
    const wordsWidth = totalsX - left - 20;
    let wordsY = write(t('invoice.totalInWords'), left, totalsTop, {
      size: 8.5,
      color: MUTED,
      width: wordsWidth,
    });
    wordsY = write(view.totalInWords, left, wordsY + 2, { size: 11, bold: true, width: wordsWidth });
    y = Math.max(y, wordsY);
  }

  // Notes: catch weight, refunds, escrow, the fee on the seller's copy, and what this document is not.
  y = ensureSpace(y + 14, 60);
  rule(y, RULE);
  y = write(t('invoice.notes'), left, y + 8, { size: 9.5, bold: true }) + 3;
  view.notes.forEach((note, i) => {
    y = ensureSpace(y, heightOf(note, { size: 8.5, width: width - 16 }) + 3);
    write(`${i + 1}.`, left, y, { size: 8.5, color: '#475569', width: 16 });
    y = write(note, left + 16, y, { size: 8.5, color: '#475569', width: width - 16 }) + 3;
  });

  // A footer on every page, written below the bottom margin (so pdfkit must not break the page there).
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footY = doc.page.height - 38;
    rule(footY - 6, RULE, 0.5);
    const pageWidth = 110;
    write(`${t('app.name')} · ${t('app.tagline')} · ${view.number}`, left, footY, {
      size: 7.5,
      color: MUTED,
      width: width - pageWidth,
    });
    write(t('invoice.page', { page: i + 1, pages: pages.count }), right - pageWidth, footY, {
      size: 7.5,
      color: MUTED,
      width: pageWidth,
      align: 'right',
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
