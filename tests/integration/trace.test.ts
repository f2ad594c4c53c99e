// The seeded lots' traces: every lot's EPCIS export validates against GS1's schema, the CSV lists them, the public page shows them.
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { listings } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { loader as traceLoader } from '../../app/routes/01.$gtin.10.$lot';
import { loader as exportLoader } from '../../app/routes/trace.export';
import { loader as labelLoader } from '../../app/routes/sell.$listingId.label';
import { categoryGtin, lotCodeOf } from '../../app/trace/epcis';
import { exportEpcis } from '../../app/trace/trace.server';
import { epcisValidator } from '../support/epcis-validator';
import { call, getRequest, logInAs } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const validate = epcisValidator(path.resolve('tests/fixtures/epcis/EPCIS-JSON-Schema.json'));
let lots: { id: string; categoryId: string; sellerOrgId: string; titleZh: string | null }[];

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  lots = await db
    .select({
      id: listings.id,
      categoryId: listings.categoryId,
      sellerOrgId: listings.sellerOrgId,
      titleZh: listings.titleZh,
    })
    .from(listings)
    .where(eq(listings.status, 'live'));
});

describe('the seeded lots', () => {
  it('each has a trace whose EPCIS 2.0 export validates against GS1’s JSON schema', async () => {
    expect(lots.length).toBeGreaterThan(20);
    for (const lot of lots) {
      const doc = await exportEpcis(db, { listingIds: [lot.id] });
      const events = (doc.epcisBody as { eventList: { bizStep: string }[] }).eventList;
      expect(events.length, lot.id).toBeGreaterThanOrEqual(1);
      expect(events[0].bizStep).toBe('commissioning');
      expect(validate(doc), `${lot.titleZh}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('export per seller and date range, as JSON-LD and as a CSV of key data elements', async () => {
    const cookie = await logInAs('shrimp@wharf.test');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const json = await call(() =>
      exportLoader(args(getRequest(`/trace/export?format=jsonld&from=${weekAgo}&to=${today}`, { cookie }))),
    );
    expect(json.headers.get('Content-Type')).toContain('application/ld+json');
    const doc = await json.json();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const mine = lots.filter((l) => l.sellerOrgId === 'org_haixing').length;
    expect((doc.epcisBody.eventList as unknown[]).length).toBeGreaterThanOrEqual(mine);
    const csv = await (
      await call(() =>
        exportLoader(args(getRequest(`/trace/export?format=csv&from=${weekAgo}&to=${today}`, { cookie }))),
      )
    ).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain(
      'lot_code,gtin,product,quantity,unit,harvest_date,harvest_area,event,event_time,place,reference_documents',
    );
    expect(lines.length - 1).toBe((doc.epcisBody.eventList as unknown[]).length);
    // Only the seller's own lots.
    const others = lots.filter((l) => l.sellerOrgId !== 'org_haixing').map((l) => lotCodeOf(l.id));
    expect(others.some((code) => csv.includes(code))).toBe(false);
    // A range with nothing in it is an empty, valid document.
    const empty = await (
      await call(() =>
        exportLoader(
          args(getRequest('/trace/export?format=jsonld&from=2020-01-01&to=2020-01-02', { cookie })),
        ),
      )
    ).json();
    expect(empty.epcisBody.eventList).toEqual([]);
    expect(validate(empty)).toBe(true);
  });

  it('the public page of a certified lot shows harvest, inspection and its certificate number, to anyone', async () => {
    const lot = lots.find((l) => l.titleZh?.startsWith('湛江南美白对虾 40/50'));
    if (!lot) throw new Error('no demo shrimp lot');
    const gtin = categoryGtin(lot.categoryId);
    const response = await call(() =>
      traceLoader(args(getRequest(`/01/${gtin}/10/${lotCodeOf(lot.id)}`), { gtin, lot: lotCodeOf(lot.id) })),
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { steps: { step: string }[]; certificateNumbers: string[] };
    expect(page.steps.map((s) => s.step)).toEqual(['harvest', 'inspection']);
    expect(page.certificateNumbers).toEqual(['粤湛水合格 2026-0412-118']);
  });

  it('the label page carries a QR code of the lot’s Digital Link, for its seller only', async () => {
    const lot = lots.find((l) => l.sellerOrgId === 'org_haixing');
    if (!lot) throw new Error('no lot');
    const cookie = await logInAs('shrimp@wharf.test');
    const response = await call(() =>
      labelLoader(args(getRequest(`/sell/${lot.id}/label`, { cookie }), { listingId: lot.id })),
    );
    const label = (await response.json()) as { qrSvg: string; traceUrl: string };
    expect(label.qrSvg).toMatch(/^<svg/);
    expect(label.traceUrl).toBe(
      `http://localhost:3000/01/${categoryGtin(lot.categoryId)}/10/${lotCodeOf(lot.id)}`,
    );
    const outsider = await logInAs('oyster@wharf.test');
    expect(
      (
        await call(() =>
          labelLoader(args(getRequest(`/sell/${lot.id}/label`, { cookie: outsider }), { listingId: lot.id })),
        )
      ).status,
    ).toBe(404);
  });
});
