// A month's statement on terms (对账单, ADR 0056) as the downloads a bookkeeper files: CSV (UTF-8 with a byte order
// mark, for Excel on a Chinese Windows) and an A4 PDF set in the invoice's Chinese font when the machine has one.
import { type Locale, translator } from '../lib/i18n';
import { marketDate } from '../lib/market-time';
import { PDFDocumentClass, invoiceFonts, latinOnly } from '../orders/invoice-pdf.server';
import type { Statement } from './terms.server';

export type StatementDoc = {
  statement: Statement;
  orgName: string;
  titles: Map<string, { zh: string | null; en: string | null }>;
  locale: Locale;
};

const yuan = (fen: number) => {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** A cell that a spreadsheet will not run as a formula, quoted when it holds a separator. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function rowsOf(doc: StatementDoc): string[][] {
  const t = translator(doc.locale);
  return doc.statement.lines.map((line) => {
    const title = doc.titles.get(line.orderId);
    return [
      marketDate(line.at),
      t(`terms.kind.${line.kind}`),
      line.orderId.slice(-8).toUpperCase(),
      line.counterpartyName,
      (doc.locale === 'en' ? (title?.en ?? title?.zh) : (title?.zh ?? title?.en)) ?? '',
      line.poNumber ?? '',
      line.dueAt ? marketDate(line.dueAt) : '',
      yuan(line.amountFen),
    ];
  });
}

function headerOf(doc: StatementDoc): string[] {
  const t = translator(doc.locale);
  return [
    t('terms.statement.col.date'),
    t('terms.statement.col.kind'),
    t('terms.statement.col.order'),
    t(doc.statement.side === 'buyer' ? 'terms.statement.col.seller' : 'terms.statement.col.buyer'),
    t('terms.statement.col.goods'),
    t('terms.statement.col.po'),
    t('terms.statement.col.due'),
    t('terms.statement.col.amount'),
  ];
}

export function statementCsv(doc: StatementDoc): string {
  const t = translator(doc.locale);
  const { statement } = doc;
  const lines = [
    [t('terms.statement.opening'), '', '', '', '', '', '', yuan(statement.openingFen)],
    headerOf(doc),
    ...rowsOf(doc),
    [t('terms.statement.closing'), '', '', '', '', '', '', yuan(statement.closingFen)],
  ];
  return `\uFEFF${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The statement as an A4 PDF; resolves to its bytes. Without a Chinese font it is set in English. */
export function statementPdf(doc: StatementDoc): Promise<Buffer> {
  const faces = invoiceFonts();
  const locale: Locale = faces.cjk ? doc.locale : 'en';
  const t = translator(locale);
  const clean = faces.cjk ? (text: string) => text : latinOnly;
  const PDFDocument = PDFDocumentClass();
  const pdf = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: 40, bottom: 40, left: 40, right: 40 },
    info: { Title: clean(`${t('terms.statement.title')} ${doc.statement.month}`), Creator: 'Wharf' },
    lang: locale,
  });
  if (faces.cjk) pdf.registerFont('body', faces.regular.src, faces.regular.family);
  else pdf.registerFont('body', 'Helvetica');
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  pdf.font('body').fontSize(16).fillColor('#0f172a');
  pdf.text(clean(`${t('terms.statement.title')} · ${doc.statement.month}`), left, 40);
  pdf.fontSize(10).fillColor('#475569');
  pdf.text(
    clean(
      `${doc.orgName} · ${t(doc.statement.side === 'buyer' ? 'terms.statement.sideBuyer' : 'terms.statement.sideSeller')}`,
    ),
  );
  pdf.moveDown(0.5);
  pdf.text(
    clean(
      `${t('terms.statement.opening')} ${yuan(doc.statement.openingFen)}   ${t('terms.statement.ordered')} ${yuan(doc.statement.orderedFen)}   ${t('terms.statement.paid')} ${yuan(doc.statement.paidFen)}   ${t('terms.statement.closing')} ${yuan(doc.statement.closingFen)}`,
    ),
  );
  const widths = [0.09, 0.08, 0.09, 0.2, 0.24, 0.1, 0.09, 0.11].map((share) => share * width);
  const drawRow = (cells: string[], bold: boolean) => {
    if (pdf.y > pdf.page.height - 70) pdf.addPage();
    const y = pdf.y + 4;
    let x = left;
    let bottom = y;
    pdf.fontSize(9).fillColor(bold ? '#0f172a' : '#1e293b');
    cells.forEach((cell, i) => {
      pdf.text(clean(cell), x, y, { width: widths[i] - 4, align: i === cells.length - 1 ? 'right' : 'left' });
      bottom = Math.max(bottom, pdf.y);
      x += widths[i];
    });
    pdf
      .moveTo(left, bottom + 2)
      .lineTo(left + width, bottom + 2)
      .lineWidth(0.5)
      .strokeColor('#cbd5e1')
      .stroke();
    pdf.x = left;
    pdf.y = bottom + 3;
  };
  pdf.moveDown(1);
  drawRow(headerOf({ ...doc, locale }), true);
  const rows = rowsOf({ ...doc, locale });
  if (rows.length === 0) drawRow([t('terms.statement.noLines'), '', '', '', '', '', '', ''], false);
  for (const row of rows) drawRow(row, false);
  pdf.end();
  return done;
}
