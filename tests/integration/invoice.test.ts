// Invoices of completed orders through their real loaders: who may see them, the copy and language, totals, and the PDF's text.
import { createHash, randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { invoices, listings, memberships, orders, organisations, users } from '../../db/schema';
import { createSession, commitSessionCookie } from '../../app/lib/session.server';
import { marketToday } from '../../app/listings/form.server';
import { formatFiscalNumber } from '../../app/orders/invoice-document.server';
import {
  invoiceFonts,
  pdfLocale,
  renderInvoicePdf,
  resetInvoiceFonts,
} from '../../app/orders/invoice-pdf.server';
import { type InvoiceView, formatInvoiceNumber, rmbInWords } from '../../app/orders/invoice.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { loader as invoiceLoader } from '../../app/routes/orders_.$orderId.invoice';
import { action as invoiceAction, loader as invoiceLoader2 } from '../../app/routes/orders_.$orderId.invoice';
import { loader as pdfLoader } from '../../app/routes/orders_.$orderId.invoice[.]pdf';
import { loader as xmlLoader } from '../../app/routes/orders_.$orderId.invoice[.]xml';
import { completedOrder } from '../support/completed-order';
import { ORIGIN, call, formRequest } from '../support/http';
import { liveShrimpLot, verifiedSeller } from '../support/listings';

type Member = { orgId: string; userId: string; cookie: string };

const TITLE = '南美白对虾 40/50 头 鲜活';

async function signIn(ids: { orgId: string; userId: string }): Promise<Member> {
  const token = await createSession(db, { userId: ids.userId, activeOrgId: ids.orgId });
  return { ...ids, cookie: (await commitSessionCookie(token)).split(';')[0] };
}

async function member(kind: 'buyer' | 'operator', name: string, city: string): Promise<Member> {
  const tag = randomBytes(4).toString('hex');
  const ids = { orgId: `org_i${tag}`, userId: `usr_i${tag}` };
  await db.insert(organisations).values({ id: ids.orgId, name: `${name} ${tag}`, kind, city });
  await db
    .insert(users)
    .values({ id: ids.userId, email: `inv-${tag}@example.test`, name: '测试', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId: ids.orgId, userId: ids.userId, role: 'trader' });
  return signIn(ids);
}

function request(path: string, cookie?: string, language?: string): Request {
  const headers = new Headers();
  if (cookie) headers.set('Cookie', cookie);
  if (language) headers.set('Accept-Language', language);
  return new Request(`${ORIGIN}${path}`, { headers });
}

const args = (req: Request, orderId: string) => ({ request: req, params: { orderId }, context: {} });

async function viewInvoice(orderId: string, cookie?: string, language?: string) {
  const response = await call(() =>
    invoiceLoader(args(request(`/orders/${orderId}/invoice`, cookie, language), orderId)),
  );
  const body = response.status === 200 ? ((await response.json()) as { invoice: InvoiceView }) : null;
  return { status: response.status, response, invoice: body?.invoice ?? null };
}

const downloadPdf = (orderId: string, cookie?: string, language?: string) =>
  call(() => pdfLoader(args(request(`/orders/${orderId}/invoice.pdf`, cookie, language), orderId)));

/**
 * The text a PDF from pdfkit shows, one line per text object: streams inflated, glyph codes of embedded
 * fonts mapped back through their ToUnicode tables, the standard fonts' bytes read as Latin-1.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: string | null }>();
  const header = /(\d+) 0 obj/g;
  for (let match = header.exec(raw); match; match = header.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endobj', start);
    const streamAt = raw.indexOf('stream', start);
    if (streamAt === -1 || streamAt > end) {
      objects.set(match[1], { dict: raw.slice(start, end), stream: null });
      header.lastIndex = end;
      continue;
    }
    const dict = raw.slice(start, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
    let from = streamAt + 'stream'.length;
    if (raw[from] === '\r') from += 1;
    if (raw[from] === '\n') from += 1;
    const bytes = pdf.subarray(from, from + length);
    const data = dict.includes('/FlateDecode') ? inflateSync(bytes) : bytes;
    objects.set(match[1], { dict, stream: data.toString('latin1') });
    header.lastIndex = from + length;
  }
  const utf16 = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').swap16().toString('utf16le');
  const fonts = new Map<string, Map<number, string> | null>();
  for (const { dict } of objects.values()) {
    for (const [, name, ref] of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref)?.dict ?? '')?.[1];
      const cmap = toUnicode ? objects.get(toUnicode)?.stream : null;
      if (!cmap) {
        fonts.set(name, null);
        continue;
      }
      const codes = new Map<number, string>();
      for (const [, first, entries] of cmap.matchAll(/<([0-9a-f]+)> <[0-9a-f]+> \[([^\]]*)\]/gi)) {
        [...entries.matchAll(/<([0-9a-f ]+)>/gi)].forEach((entry, i) => {
          codes.set(Number.parseInt(first, 16) + i, utf16(entry[1]));
        });
      }
      fonts.set(name, codes);
    }
  }
  const lines: string[] = [];
  for (const { stream } of objects.values()) {
    if (!stream?.includes(' Tf')) continue;
    let codes: Map<number, string> | null = null;
    let line = '';
    const ops = /\/(F\d+) [\d.]+ Tf|\[([^\]]*)\]\s*TJ|<([0-9a-f]*)>\s*Tj|\bET\b/gi;
    for (const [op, font, array, single] of stream.matchAll(ops)) {
      if (font) codes = fonts.get(font) ?? null;
      else if (op === 'ET') {
        lines.push(line);
        line = '';
      } else {
        const hex = single ?? [...(array ?? '').matchAll(/<([0-9a-f]*)>/gi)].map((m) => m[1]).join('');
        const map = codes;
        line += map
          ? (hex.match(/.{4}/g) ?? []).map((code) => map.get(Number.parseInt(code, 16)) ?? '').join('')
          : Buffer.from(hex, 'hex').toString('latin1');
      }
    }
  }
  return lines.join('\n');
}

let seller: Member;
let buyer: Member;
let outsider: Member;
let operator: Member;
let orderId: string;

beforeAll(async () => {
  const shrimp = await verifiedSeller(db);
  await db.update(organisations).set({ city: '湛江' }).where(eq(organisations.id, shrimp.orgId));
  seller = await signIn(shrimp);
  buyer = await member('buyer', '粤味轩餐饮集团', '广州');
  outsider = await member('buyer', '鲜丰超市连锁', '深圳');
  operator = await member('operator', '码头市场运营中心', '湛江');
  orderId = await completedOrder(seller, buyer);
});

afterEach(() => {
  delete process.env.INVOICE_FONT_PATH;
  resetInvoiceFonts();
});

describe('the invoice page', () => {
  it('shows the buyer, in Chinese, the seller’s next number and the total for the 492 kg delivered, without the fee', async () => {
    const [stored] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
    expect(stored).toMatchObject({ number: 1, totalFen: 2_066_400, feeFen: 30_996 });
    const { status, invoice } = await viewInvoice(orderId, buyer.cookie, 'zh-CN,zh;q=0.9');
    expect(status).toBe(200);
    expect(invoice).toMatchObject({
      number: formatInvoiceNumber(seller.orgId, 1),
      sequence: 1,
      copy: 'buyer',
      locale: 'zh-CN',
      issuedOn: marketToday('Asia/Shanghai', stored.issuedAt),
      currency: 'CNY',
      buyer: { city: '广州' },
      seller: { city: '湛江' },
      goodsFen: 2_066_400,
      adjustmentFen: 0,
      totalFen: 2_066_400,
      total: '¥20,664.00',
      totalInWords: '人民币贰万零陆佰陆拾肆元整',
      fee: null,
    });
    expect(invoice?.number).toMatch(/^XS-[0-9A-Z]{3}-000001$/);
    expect(invoice?.lines).toEqual([
      {
        title: TITLE,
        spec: '40/50 头/公斤 · 鲜活',
        ordered: '500 公斤',
        delivered: '492 公斤',
        inKg: null,
        weighed: true,
        unitPrice: '¥42.00/公斤',
        amountFen: 2_066_400,
        amount: '¥20,664.00',
      },
    ]);
    expect(invoice?.notes.join('\n')).toContain('订购 500 公斤，交货时实称 492 公斤');
    expect(invoice?.notes.join('\n')).toContain('不作为增值税发票');
  });

  it('gives the seller its copy with the fee and the net payout, in English when the user chose it', async () => {
    await db.update(users).set({ locale: 'en' }).where(eq(users.id, seller.userId));
    try {
      const { status, invoice } = await viewInvoice(orderId, seller.cookie, 'zh-CN');
      expect(status).toBe(200);
      expect(invoice).toMatchObject({
        copy: 'seller',
        locale: 'en',
        total: 'CN¥20,664.00',
        totalInWords: null,
        fee: { rate: '1.5%', fen: 30_996, amount: '-CN¥309.96', netFen: 2_035_404, net: 'CN¥20,354.04' },
      });
      expect(invoice?.lines[0]).toMatchObject({
        title: TITLE, // no English title: the Chinese one rather than none
        spec: '40/50 per kg · Live',
        ordered: '500 kg',
        delivered: '492 kg',
        unitPrice: 'CN¥42.00/kg',
      });
      expect(invoice?.notes.join('\n')).toContain('500 kg ordered, 492 kg weighed at hand-over');
    } finally {
      await db.update(users).set({ locale: null }).where(eq(users.id, seller.userId));
    }
  });

  it('follows Accept-Language for a user without a language setting', async () => {
    const { invoice } = await viewInvoice(orderId, buyer.cookie, 'en-GB,en;q=0.9');
    expect(invoice).toMatchObject({ locale: 'en', copy: 'buyer', total: 'CN¥20,664.00', fee: null });
  });

  it('is open to operators, with the seller’s copy', async () => {
    const { status, invoice } = await viewInvoice(orderId, operator.cookie);
    expect(status).toBe(200);
    expect(invoice?.copy).toBe('seller');
  });

  it('is not found for anyone outside the order, and sends the signed-out to log in', async () => {
    expect((await viewInvoice(orderId, outsider.cookie)).status).toBe(404);
    expect((await downloadPdf(orderId, outsider.cookie)).status).toBe(404);
    const anonymous = await viewInvoice(orderId);
    expect(anonymous.status).toBe(302);
    expect(anonymous.response.headers.get('Location')).toMatch(/^\/login\?next=/);
  });

  it('is not found before the order completes, nor for an order that does not exist', async () => {
    const lot = await liveShrimpLot(db, seller, '100');
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 0 },
    });
    if (!placed.ok) throw new Error('buy failed');
    await actOnOrder(placed.orderId, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    expect((await viewInvoice(placed.orderId, buyer.cookie)).status).toBe(404);
    expect((await viewInvoice(placed.orderId, seller.cookie)).status).toBe(404);
    expect((await downloadPdf(placed.orderId, seller.cookie)).status).toBe(404);
    expect((await viewInvoice('ord_nope', operator.cookie)).status).toBe(404);
  });
});

describe('the invoice PDF', () => {
  it('downloads as invoice-<number>.pdf with the number, the total and the Chinese lot title as text', async () => {
    const response = await downloadPdf(orderId, buyer.cookie, 'zh-CN');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    const number = formatInvoiceNumber(seller.orgId, 1);
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="invoice-${number}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain(number);
    if (invoiceFonts().cjk) {
      expect(text).toContain('¥20,664.00');
      expect(text).toContain(TITLE);
      expect(text).toContain('销货单');
      expect(text).toContain('买方联');
      expect(text).toContain('492 公斤');
      expect(text).not.toContain('平台服务费');
    } else {
      expect(text).toContain('CN¥20,664.00');
      expect(text).toContain('Sales slip');
    }
  });

  it('carries the fee on the seller’s copy', async () => {
    const text = pdfText(Buffer.from(await (await downloadPdf(orderId, seller.cookie, 'en')).arrayBuffer()));
    expect(text).toContain("Seller's copy");
    expect(text).toContain('Market fee (1.5%)');
    expect(text).toContain('-CN¥309.96');
    expect(text).toContain('CN¥20,354.04');
  });

  it('falls back to Helvetica and English without a Chinese font, never failing on Chinese names', async () => {
    const { invoice } = await viewInvoice(orderId, seller.cookie, 'en');
    if (!invoice) throw new Error('no invoice');
    const pdf = await renderInvoicePdf(invoice, { cjk: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Sales slip');
    expect(text).toContain(invoice.number);
    expect(text).toContain('CN¥20,664.00');
    expect(text).toContain('492 kg');
    expect(pdf.toString('latin1')).toContain('/BaseFont /Helvetica');
  });

  it('uses the font INVOICE_FONT_PATH names, and a known one when that is not a font', async () => {
    if (!invoiceFonts().cjk) return; // nothing to choose between on a machine without a Chinese font
    const known = invoiceFonts();
    if (!known.cjk) return;
    resetInvoiceFonts();
    process.env.INVOICE_FONT_PATH = `${known.regular.src}${known.regular.family ? `#${known.regular.family}` : ''}`;
    const configured = invoiceFonts();
    expect(configured).toMatchObject({ cjk: true, regular: known.regular, bold: known.regular });
    expect(pdfLocale('zh-CN')).toBe('zh-CN');

    resetInvoiceFonts();
    process.env.INVOICE_FONT_PATH = '/nonexistent/font.ttf';
    expect(invoiceFonts()).toEqual(known);
  });
});

describe('invoices as documents (issue #16.4)', () => {
  const sha = (pdf: Buffer) => createHash('sha256').update(pdf).digest('hex');
  const year = () => Number(marketToday('Asia/Shanghai').slice(0, 4));

  it('numbers each issuer’s invoices with 20 digits — year, province (湛江 → 广东 44), channel, sequence — without gaps', async () => {
    const second = await completedOrder(seller, buyer);
    const rows = await db
      .select()
      .from(invoices)
      .where(eq(invoices.sellerOrgId, seller.orgId))
      .orderBy(invoices.issuedAt);
    expect(rows.map((row) => row.fiscalNumber)).toEqual([
      formatFiscalNumber(year(), '44', 1),
      formatFiscalNumber(year(), '44', 2),
    ]);
    expect(rows[0].fiscalNumber).toMatch(new RegExp(`^${String(year() % 100).padStart(2, '0')}440\\d{15}$`));
    expect(rows[1].orderId).toBe(second);

    // The sequence is each issuer's own: another seller in the same province starts at 1 too.
    const other = await verifiedSeller(db);
    await db.update(organisations).set({ city: '湛江' }).where(eq(organisations.id, other.orgId));
    const theirs = await completedOrder(await signIn(other), buyer);
    const [theirInvoice] = await db.select().from(invoices).where(eq(invoices.orderId, theirs));
    expect(theirInvoice.fiscalNumber).toBe(formatFiscalNumber(year(), '44', 1));
  });

  it('stays as issued when the lot and both orgs are renamed: same page, same PDF bytes, hash stored', async () => {
    const first = await downloadPdf(orderId, buyer.cookie, 'zh-CN');
    const firstPdf = Buffer.from(await first.arrayBuffer());
    expect(first.headers.get('X-Content-SHA256')).toBe(sha(firstPdf));
    const before = await viewInvoice(orderId, buyer.cookie, 'zh-CN');

    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    const [sellerRow] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    await db
      .update(organisations)
      .set({ name: '改名后的水产公司' })
      .where(eq(organisations.id, seller.orgId));
    await db.update(organisations).set({ name: '改名后的餐饮集团' }).where(eq(organisations.id, buyer.orgId));
    await db.update(listings).set({ titleZh: '改过的标题' }).where(eq(listings.id, order.listingId));
    try {
      const after = await viewInvoice(orderId, buyer.cookie, 'zh-CN');
      expect(after.invoice).toEqual(before.invoice);
      expect(after.invoice?.seller.name).toBe(sellerRow.name);
      const again = Buffer.from(await (await downloadPdf(orderId, buyer.cookie, 'zh-CN')).arrayBuffer());
      expect(sha(again)).toBe(sha(firstPdf));
      const [stored] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
      expect(Object.values(stored.pdfHashes)).toContain(sha(firstPdf));
    } finally {
      await db.update(organisations).set({ name: sellerRow.name }).where(eq(organisations.id, seller.orgId));
    }
  });

  it('refuses in the database to change or delete an issued invoice', async () => {
    const [stored] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
    await expect(
      db.update(invoices).set({ totalFen: 1 }).where(eq(invoices.id, stored.id)),
    ).rejects.toThrow();
    await expect(
      db
        .update(invoices)
        .set({ document: { forged: true } })
        .where(eq(invoices.id, stored.id)),
    ).rejects.toThrow();
    await expect(db.delete(invoices).where(eq(invoices.id, stored.id))).rejects.toThrow();
    const [unchanged] = await db.select().from(invoices).where(eq(invoices.id, stored.id));
    expect(unchanged).toEqual(stored);
  });

  it('exports the XML from the same snapshot, with the fee on the seller’s side only', async () => {
    const [stored] = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
    const buyerXml = await call(() =>
      xmlLoader(args(request(`/orders/${orderId}/invoice.xml`, buyer.cookie, 'zh-CN'), orderId)),
    );
    expect(buyerXml.status).toBe(200);
    expect(buyerXml.headers.get('Content-Type')).toBe('application/xml; charset=utf-8');
    const text = await buyerXml.text();
    expect(text).toContain(`<FiscalNumber>${stored.fiscalNumber}</FiscalNumber>`);
    expect(text).toContain('<TotalAmount>20664.00</TotalAmount>');
    expect(text).toContain('<TotalInWords>人民币贰万零陆佰陆拾肆元整</TotalInWords>');
    expect(text).toContain(`<Name xml:lang="zh-CN">${TITLE}</Name>`);
    expect(text).toContain('<DeliveredQuantity unit="g">492000</DeliveredQuantity>');
    expect(text).not.toContain('MarketFee');
    const sellerXml = await (
      await call(() => xmlLoader(args(request(`/orders/${orderId}/invoice.xml`, seller.cookie), orderId)))
    ).text();
    expect(sellerXml).toContain('<MarketFee>309.96</MarketFee>');
    const outsiderXml = await call(() =>
      xmlLoader(args(request(`/orders/${orderId}/invoice.xml`, outsider.cookie), orderId)),
    );
    expect(outsiderXml.status).toBe(404);
  });

  const correct = (who: Member, fields: Record<string, string>) =>
    call(() =>
      invoiceAction({
        request: formRequest(`/orders/${orderId}/invoice`, fields, { cookie: who.cookie }),
        params: { orderId },
        context: {},
      }),
    );

  it('corrects only as a red-letter credit note and a re-issue, by the seller’s owner, with a reason', async () => {
    const before = await db.select().from(invoices).where(eq(invoices.orderId, orderId));
    expect((await correct(buyer, { intent: 'correct', reason: '抬头有误' })).status).toBe(403);
    expect((await correct(seller, { intent: 'correct', reason: ' ' })).status).toBe(400);
    expect(await db.select().from(invoices).where(eq(invoices.orderId, orderId))).toEqual(before);

    await db
      .update(organisations)
      .set({ name: '粤味轩餐饮集团（更正）' })
      .where(eq(organisations.id, buyer.orgId));
    const done = await correct(seller, { intent: 'correct', reason: '买方名称有误' });
    expect(done.status).toBe(302);

    const after = await db
      .select()
      .from(invoices)
      .where(eq(invoices.orderId, orderId))
      .orderBy(invoices.issuedAt);
    expect(after).toHaveLength(3);
    const [original, credit, reissued] = after;
    expect(original).toEqual(before[0]);
    expect(credit).toMatchObject({
      kind: 'credit_note',
      refersTo: original.id,
      totalFen: -original.totalFen,
      feeFen: -original.feeFen,
      reason: '买方名称有误',
    });
    expect(reissued).toMatchObject({ kind: 'invoice', refersTo: original.id, totalFen: original.totalFen });
    const sequence = (fiscal: string) => Number(fiscal.slice(5));
    expect(sequence(credit.fiscalNumber)).toBe(sequence(original.fiscalNumber) + 2);
    expect(sequence(reissued.fiscalNumber)).toBe(sequence(credit.fiscalNumber) + 1);

    const shown = await call(() =>
      invoiceLoader2(args(request(`/orders/${orderId}/invoice`, buyer.cookie, 'zh-CN'), orderId)),
    );
    const body = (await shown.json()) as {
      invoice: InvoiceView;
      history: { kind: string; fiscalNumber: string }[];
    };
    expect(body.invoice.fiscalNumber).toBe(reissued.fiscalNumber);
    expect(body.invoice.buyer.name).toBe('粤味轩餐饮集团（更正）');
    expect(body.invoice.notes.join(' ')).toContain('买方名称有误');
    expect(body.history.map((item) => [item.kind, item.fiscalNumber])).toEqual([
      ['invoice', original.fiscalNumber],
      ['credit_note', credit.fiscalNumber],
    ]);
    const creditView = await call(() =>
      invoiceLoader2(
        args(request(`/orders/${orderId}/invoice?doc=${credit.id}`, buyer.cookie, 'zh-CN'), orderId),
      ),
    );
    const creditBody = (await creditView.json()) as { invoice: InvoiceView };
    expect(creditBody.invoice).toMatchObject({ kind: 'credit_note', totalFen: -2_066_400 });
    expect(creditBody.invoice.totalInWords).toBe('负人民币贰万零陆佰陆拾肆元整');
  });
});

describe('rmbInWords', () => {
  it.each([
    [0, '人民币零元整'],
    [5, '人民币伍分'],
    [105, '人民币壹元零伍分'],
    [150, '人民币壹元伍角整'],
    [100_100, '人民币壹仟零壹元整'],
    [1_001_000, '人民币壹万零壹拾元整'],
    [10_000_000, '人民币壹拾万元整'],
    [2_066_400, '人民币贰万零陆佰陆拾肆元整'],
    [1_000_000_000_00, '人民币壹拾亿元整'],
    [1_000_010_000_00, '人民币壹拾亿零壹万元整'],
    [12_345_678_90, '人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整'],
  ])('%i fen → %s', (fen, words) => {
    expect(rmbInWords(fen)).toBe(words);
  });
});
