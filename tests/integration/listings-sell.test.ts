// The seller's pages through their real loaders and actions: listing a lot with photos, refusals that store nothing, permissions, state changes, files.
import { readdir, rm } from 'node:fs/promises';
import { and, asc, count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Before any app module reads the environment (env() caches it): this file's uploads go to their own folder.
const storageDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/wharf-sell-test-${process.pid}-${Date.now()}`;
  process.env.STORAGE_DIR = dir;
  return dir;
});

import { db } from '../../db/client';
import { listingEvents, listingFiles, listings, memberships, priceTiers, users } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { env } from '../../app/lib/env.server';
import { marketToday } from '../../app/listings/form.server';
import { loader as fileLoader } from '../../app/routes/files.$';
import { action as switchOrgAction } from '../../app/routes/org.switch';
import { action as registerAction } from '../../app/routes/register';
import { action as editAction, loader as editLoader } from '../../app/routes/sell.$listingId.edit';
import { action as sellAction, loader as sellLoader } from '../../app/routes/sell._index';
import { action as newAction, loader as newLoader } from '../../app/routes/sell.new';
import { call, formRequest, getRequest, logInAs, ORIGIN, sessionCookieFrom } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

type FormBody = { errors: Record<string, string>; values: Record<string, string> };

let haixing = ''; // the verified shrimp seller's session (org_haixing, owner)
let operator = '';
let jpeg: Buffer;
let png: Buffer;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let accounts = 0;
async function registerOrg(
  orgKind: 'seller' | 'buyer' = 'seller',
): Promise<{ cookie: string; userId: string }> {
  accounts += 1;
  const email = `sell-${accounts}-${Date.now()}@example.test`;
  const response = await call(() =>
    registerAction(
      args(
        formRequest('/register', {
          email,
          password: 'correct horse battery',
          name: '陈测试',
          orgName: `北海测试水产 ${accounts}`,
          orgKind,
          city: '北海',
        }),
      ),
    ),
  );
  expect(response.status).toBe(302);
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return { cookie: sessionCookieFrom(response), userId: user.id };
}

let tags = 0;
/** A valid lot of live whiteleg shrimp with a unique title; `overrides` changes what a test is about. */
function shrimpLot(overrides: Record<string, string> = {}): Record<string, string> {
  tags += 1;
  return {
    intent: 'publish',
    categoryId: 'whiteleg-shrimp',
    titleZh: `湛江鲜活南美白对虾 40/50 头 #${tags}`,
    originName: '海兴 3 号塘',
    originRegion: '广东湛江',
    harvestDate: marketToday(),
    shelfLifeDays: '3',
    quantity: '2000',
    unit: 'kg',
    moq: '50',
    priceUnit: 'kg',
    saleMode: 'fixed',
    coldChain: 'live',
    pickupPlace: '湛江霞山水产批发市场 A 区 12 号',
    'spec.count': '40/50',
    'spec.state': 'live',
    'tiers.0.price': '36.00',
    'tiers.1.min': '1000',
    'tiers.1.price': '34.50',
    ...overrides,
  };
}

const photo = (name = 'pond.jpg', bytes: Buffer = jpeg, type = 'image/jpeg') =>
  new File([new Uint8Array(bytes)], name, { type });

/** A multipart POST the way a browser sends the form; fetch sets the Content-Type and boundary itself. */
function multipart(
  path: string,
  fields: Record<string, string>,
  files: { photos?: File[]; certificates?: File[] },
  cookie: string,
): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files.photos ?? []) form.append('photos', file);
  for (const file of files.certificates ?? []) form.append('certificates', file);
  return new Request(`${ORIGIN}${path}`, {
    method: 'POST',
    body: form,
    headers: { Cookie: cookie, 'x-wharf-client-ip': '203.0.113.7' },
  });
}

async function createLot(
  cookie: string,
  fields: Record<string, string>,
  files: { photos?: File[]; certificates?: File[] } = {},
): Promise<{ response: Response; id: string | null }> {
  const response = await call(() =>
    newAction(args(multipart('/sell/new?category=whiteleg-shrimp', fields, files, cookie))),
  );
  const [row] = await db
    .select({ id: listings.id })
    .from(listings)
    .where(eq(listings.titleZh, fields.titleZh ?? ''));
  return { response, id: row?.id ?? null };
}

async function storedFileCount(): Promise<number> {
  const entries = await readdir(storageDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

async function stored() {
  const [[l], [f], [p], files] = await Promise.all([
    db.select({ n: count() }).from(listings),
    db.select({ n: count() }).from(listingFiles),
    db.select({ n: count() }).from(priceTiers),
    storedFileCount(),
  ]);
  return { listings: l.n, listingFiles: f.n, priceTiers: p.n, files };
}

async function statusOf(id: string) {
  const [row] = await db.select({ status: listings.status }).from(listings).where(eq(listings.id, id));
  return row.status;
}

const sellStatus = (cookie: string, listingId: string, intent: string, search = '') =>
  call(() => sellAction(args(formRequest(`/sell?index${search}`, { listingId, intent }, { cookie }))));

const getFile = (key: string, cookie?: string) =>
  call(() => fileLoader(args(getRequest(`/files/${key}`, { cookie }), { '*': key })));

beforeAll(async () => {
  expect(env().STORAGE_DIR).toBe(storageDir);
  await db.transaction((tx) => seedDemoMarket(tx));
  haixing = await logInAs('shrimp@wharf.test');
  operator = await logInAs('operator@wharf.test');
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#1e7' } })
    .jpeg()
    .toBuffer();
  png = await sharp({ create: { width: 48, height: 64, channels: 3, background: '#e71' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await rm(storageDir, { recursive: true, force: true });
});

describe('listing a new lot', () => {
  it('shows the category step first, then that category’s spec attributes', async () => {
    const bare = await call(() => newLoader(args(getRequest('/sell/new', { cookie: haixing }))));
    const bareBody = (await bare.json()) as { category: null; categories: { id: string }[] };
    expect(bareBody.category).toBeNull();
    expect(bareBody.categories.map((c) => c.id)).toContain('whiteleg-shrimp');

    const chosen = await call(() =>
      newLoader(args(getRequest('/sell/new?category=pineapple', { cookie: haixing }))),
    );
    const body = (await chosen.json()) as {
      category: { attributes: { key: string }[]; units: string[] };
      initial: Record<string, string>;
    };
    expect(body.category.attributes.map((a) => a.key)).toEqual([
      'variety',
      'grade',
      'size',
      'brix',
      'ripeness',
    ]);
    expect(body.category.units).toEqual(['g', 'kg', 'jin', 't', 'case']);
    expect(body.initial).toMatchObject({ coldChain: 'ambient', unit: 'kg', priceUnit: 'kg' });

    const unknown = await call(() =>
      newLoader(args(getRequest('/sell/new?category=whale', { cookie: haixing }))),
    );
    expect(((await unknown.json()) as { categoryError: string }).categoryError).toBe('errors.chooseOne');
  });

  it('lists a verified seller’s lot live at once, with its price tiers, two photos and their thumbnails', async () => {
    const before = await stored();
    const fields = shrimpLot();
    const { response, id } = await createLot(haixing, fields, {
      photos: [photo('pond-1.jpg'), photo('pond-2.png', png, 'image/png')],
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/sell');
    expect(response.headers.get('Set-Cookie')).toMatch(/wharf_toast=/);
    expect(id).not.toBeNull();
    const [lot] = await db
      .select()
      .from(listings)
      .where(eq(listings.id, id ?? ''));
    expect(lot).toMatchObject({
      sellerOrgId: 'org_haixing',
      createdBy: 'usr_haixing',
      status: 'live',
      quantityTotal: 2_000_000,
      quantityAvailable: 2_000_000,
      minOrderQuantity: 50_000,
      spec: { count: '40/50', state: 'live' },
    });
    const tiers = await db
      .select({ minQuantity: priceTiers.minQuantity, unitPriceFen: priceTiers.unitPriceFen })
      .from(priceTiers)
      .where(eq(priceTiers.listingId, lot.id))
      .orderBy(asc(priceTiers.minQuantity));
    expect(tiers).toEqual([
      { minQuantity: 50_000, unitPriceFen: 3_600 },
      { minQuantity: 1_000_000, unitPriceFen: 3_450 },
    ]);
    const files = await db
      .select()
      .from(listingFiles)
      .where(eq(listingFiles.listingId, lot.id))
      .orderBy(asc(listingFiles.position));
    expect(files.map((f) => [f.kind, f.contentType, f.position])).toEqual([
      ['photo', 'image/jpeg', 0],
      ['photo', 'image/png', 1],
    ]);
    for (const file of files)
      expect(file.thumbKey).toMatch(new RegExp(`^listings/${lot.id}/fil_\\w+\\.thumb\\.webp$`));
    const after = await stored();
    expect(after).toEqual({
      listings: before.listings + 1,
      listingFiles: before.listingFiles + 2,
      priceTiers: before.priceTiers + 2,
      files: before.files + 4, // two photos and two thumbnails
    });

    // The desk shows it with its thumbnail, quantities and lowest price.
    const desk = await call(() => sellLoader(args(getRequest('/sell?status=live', { cookie: haixing }))));
    const deskBody = (await desk.json()) as {
      rows: {
        id: string;
        thumbUrl: string;
        lowestPriceFen: number;
        quantityAvailable: number;
        actions: string[];
      }[];
      tabs: { tab: string; count: number }[];
    };
    const row = deskBody.rows.find((r) => r.id === lot.id);
    expect(row).toMatchObject({
      thumbUrl: `/files/${files[0].thumbKey}`,
      lowestPriceFen: 3_450,
      quantityAvailable: 2_000_000,
      actions: ['pause', 'withdraw'],
    });
    expect(deskBody.tabs.find((t) => t.tab === 'live')?.count).toBeGreaterThanOrEqual(1);

    // Anyone may see a live lot's photos: the thumbnail is WebP, private to the browser's cache, not sniffed.
    const thumb = await getFile(files[0].thumbKey ?? '');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('Content-Type')).toBe('image/webp');
    expect(thumb.headers.get('Cache-Control')).toBe('private, max-age=3600');
    expect(thumb.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(thumb.headers.get('Content-Disposition')).toBe('inline');
    const bytes = Buffer.from(await thumb.arrayBuffer());
    expect((await sharp(bytes).metadata()).format).toBe('webp');
    const original = await getFile(files[1].storageKey);
    expect(original.headers.get('Content-Type')).toBe('image/png');
    expect(Buffer.from(await original.arrayBuffer()).equals(png)).toBe(true);
    expect((await getFile(`listings/${lot.id}/fil_nothing.jpg`)).status).toBe(404);
    expect((await getFile('../../etc/passwd')).status).toBe(404);
  });

  it('sends an unverified seller’s lot to review, and keeps its files from everyone but its members and operators', async () => {
    const newcomer = await registerOrg('seller');
    const fields = shrimpLot();
    const { response, id } = await createLot(newcomer.cookie, fields, {
      photos: [photo()],
      certificates: [photo('certificate.pdf', pdf, 'application/pdf')],
    });
    expect(response.status).toBe(302);
    expect(await statusOf(id ?? '')).toBe('pending_review');
    const files = await db
      .select()
      .from(listingFiles)
      .where(eq(listingFiles.listingId, id ?? ''));
    const certificate = files.find((f) => f.kind === 'certificate');
    expect(certificate).toMatchObject({
      contentType: 'application/pdf',
      thumbKey: null,
      certificateType: 'inspection',
    });

    const key = certificate?.storageKey ?? '';
    expect((await getFile(key)).status).toBe(404);
    expect((await getFile(key, haixing)).status).toBe(404);
    const own = await getFile(key, newcomer.cookie);
    expect(own.status).toBe(200);
    expect(own.headers.get('Content-Type')).toBe('application/pdf');
    expect(own.headers.get('Content-Disposition')).toBe('inline');
    expect((await getFile(key, operator)).status).toBe(200);
  });

  it('saves a draft when asked to, and keeps a certificate number with its certificate', async () => {
    const { response, id } = await createLot(
      haixing,
      shrimpLot({ intent: 'draft', certificateType: 'quality', certificateNumber: 'HG-2026-0518' }),
      { certificates: [photo('hegezheng.jpg')] },
    );
    expect(response.status).toBe(302);
    expect(await statusOf(id ?? '')).toBe('draft');
    const [file] = await db
      .select()
      .from(listingFiles)
      .where(eq(listingFiles.listingId, id ?? ''));
    expect(file).toMatchObject({
      kind: 'certificate',
      certificateType: 'quality',
      certificateNumber: 'HG-2026-0518',
    });
  });
});

describe('a refused lot stores nothing', () => {
  const tomorrow = () => marketToday('Asia/Shanghai', new Date(Date.now() + 36 * 3600 * 1000));
  const exe = () =>
    photo('lot.jpg', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(2048)]));
  const huge = () => {
    const bytes = Buffer.alloc(20 * 1024 * 1024);
    jpeg.copy(bytes);
    return photo('huge.jpg', bytes);
  };

  it.each([
    ['a negative quantity', { quantity: '-5' }, () => [], 'quantity', 'errors.mustBePositive'],
    ['a zero quantity', { quantity: '0' }, () => [], 'quantity', 'errors.mustBePositive'],
    ['a price of 0', { 'tiers.0.price': '0' }, () => [], 'tiers.0.price', 'errors.pricePositive'],
    ['a minimum order above the quantity', { moq: '2500' }, () => [], 'moq', 'errors.moqAboveQuantity'],
    [
      'a harvest date in the future',
      { harvestDate: 'tomorrow' },
      () => [],
      'harvestDate',
      'errors.harvestInFuture',
    ],
    ['an .exe renamed .jpg', {}, () => [exe()], 'photos', 'errors.fileType'],
    ['a 20 MB photo', {}, () => [huge()], 'photos', 'errors.fileTooLarge'],
    [
      'a ninth photo',
      {},
      () => Array.from({ length: 7 }, (_, i) => photo(`extra-${i}.jpg`)),
      'photos',
      'errors.tooManyPhotos',
    ],
    [
      'an attribute outside the category (Brix on shrimp)',
      { 'spec.brix': '14' },
      () => [],
      'spec.brix',
      'errors.unknownAttribute',
    ],
  ] as const)(
    'refuses %s with a message on its field and a 400',
    async (_label, override, extraPhotos, field, message) => {
      const before = await stored();
      const fields = shrimpLot({
        ...override,
        ...('harvestDate' in override ? { harvestDate: tomorrow() } : {}),
      });
      // Two good photos ride along every time: a refused form must not keep even those.
      const { response, id } = await createLot(haixing, fields, {
        photos: [photo('good-1.jpg'), photo('good-2.jpg'), ...extraPhotos()],
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as FormBody;
      expect(body.errors[field]).toBe(message);
      expect(body.values.titleZh).toBe(fields.titleZh); // typed values come back to refill the form
      expect(id).toBeNull();
      expect(await stored()).toEqual(before);
    },
  );

  it('refuses a certificate number without a certificate, as nothing would keep it', async () => {
    const before = await stored();
    const { response } = await createLot(haixing, shrimpLot({ certificateNumber: 'HG-1' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as FormBody).errors.certificateNumber).toBe(
      'sell.errors.certificateNumberWithoutFile',
    );
    expect(await stored()).toEqual(before);
  });

  it('keeps viewers and buyers out of listing (403)', async () => {
    const buyer = await registerOrg('buyer');
    expect((await createLot(buyer.cookie, shrimpLot())).response.status).toBe(403);
    expect((await call(() => sellLoader(args(getRequest('/sell', { cookie: buyer.cookie }))))).status).toBe(
      403,
    );
  });
});

describe('another organisation', () => {
  it('cannot see, edit, pause or read the files of the shrimp seller’s lots (404)', async () => {
    const draft = await createLot(haixing, shrimpLot({ intent: 'draft' }), { photos: [photo()] });
    const live = await createLot(haixing, shrimpLot());
    const draftId = draft.id ?? '';
    const liveId = live.id ?? '';
    const rival = await registerOrg('seller');

    const desk = (await (
      await call(() => sellLoader(args(getRequest('/sell', { cookie: rival.cookie }))))
    ).json()) as {
      rows: { id: string }[];
      tabs: { tab: string; count: number }[];
    };
    expect(desk.rows).toEqual([]);
    expect(desk.tabs.find((t) => t.tab === 'all')?.count).toBe(0);

    for (const id of [draftId, liveId]) {
      const page = await call(() =>
        editLoader(args(getRequest(`/sell/${id}/edit`, { cookie: rival.cookie }), { listingId: id })),
      );
      expect(page.status).toBe(404);
      const edit = await call(() =>
        editAction(
          args(
            multipart(`/sell/${id}/edit`, shrimpLot({ intent: 'save', quantity: '1' }), {}, rival.cookie),
            {
              listingId: id,
            },
          ),
        ),
      );
      expect(edit.status).toBe(404);
    }
    const pause = await sellStatus(rival.cookie, liveId, 'pause');
    expect(pause.status).toBe(404);
    expect(((await pause.json()) as { error: string }).error).toBe('errors.notFound');
    expect(await statusOf(liveId)).toBe('live');
    expect((await sellStatus(rival.cookie, draftId, 'withdraw')).status).toBe(404);
    expect(await statusOf(draftId)).toBe('draft');

    const [draftPhoto] = await db.select().from(listingFiles).where(eq(listingFiles.listingId, draftId));
    expect((await getFile(draftPhoto.storageKey, rival.cookie)).status).toBe(404);
    expect((await getFile(draftPhoto.thumbKey ?? '', rival.cookie)).status).toBe(404);
    expect((await getFile(draftPhoto.thumbKey ?? '', haixing)).status).toBe(200);
  });

  it('lets a viewer of the seller see the lots but change nothing (403)', async () => {
    const { id } = await createLot(haixing, shrimpLot());
    const listingId = id ?? '';
    const member = await registerOrg('buyer');
    await db.insert(memberships).values({ orgId: 'org_haixing', userId: member.userId, role: 'viewer' });
    const switched = await call(() =>
      switchOrgAction(
        args(
          formRequest(
            '/org/switch',
            { orgId: 'org_haixing', redirectTo: '/sell' },
            { cookie: member.cookie },
          ),
        ),
      ),
    );
    expect(switched.status).toBe(302);

    const desk = await call(() => sellLoader(args(getRequest('/sell', { cookie: member.cookie }))));
    const body = (await desk.json()) as { canAct: boolean; rows: { id: string }[] };
    expect(body.canAct).toBe(false);
    expect(body.rows.map((r) => r.id)).toContain(listingId);
    const page = await call(() =>
      editLoader(args(getRequest(`/sell/${listingId}/edit`, { cookie: member.cookie }), { listingId })),
    );
    expect(page.status).toBe(200);
    expect(((await page.json()) as { canEdit: boolean }).canEdit).toBe(false);

    expect((await sellStatus(member.cookie, listingId, 'pause')).status).toBe(403);
    const edit = await call(() =>
      editAction(
        args(multipart(`/sell/${listingId}/edit`, shrimpLot({ intent: 'save' }), {}, member.cookie), {
          listingId,
        }),
      ),
    );
    expect(edit.status).toBe(403);
    expect(
      (await call(() => newLoader(args(getRequest('/sell/new', { cookie: member.cookie }))))).status,
    ).toBe(403);
    expect(await statusOf(listingId)).toBe('live');
  });
});

describe('a day of trading on one lot', () => {
  it('records pause → resume → withdraw → relist in the lot’s history, with who did it', async () => {
    const { id } = await createLot(haixing, shrimpLot());
    const listingId = id ?? '';
    const steps = [
      ['pause', 'paused'],
      ['resume', 'live'],
      ['withdraw', 'withdrawn'],
      ['relist', 'live'],
    ] as const;
    for (const [intent, status] of steps) {
      const response = await sellStatus(haixing, listingId, intent, '&status=live&sort=expiry');
      expect(response.status).toBe(302);
      // Back to the tab and sort the button was on.
      expect(response.headers.get('Location')).toBe('/sell?status=live&sort=expiry');
      expect(await statusOf(listingId)).toBe(status);
    }
    const events = await db
      .select({
        from: listingEvents.fromStatus,
        to: listingEvents.toStatus,
        actor: listingEvents.actorUserId,
      })
      .from(listingEvents)
      .where(eq(listingEvents.listingId, listingId))
      .orderBy(asc(listingEvents.at), asc(listingEvents.id));
    // The first two (created as a draft, submitted) share one transaction's timestamp.
    expect(events.slice(0, 2)).toEqual(
      expect.arrayContaining([
        { from: null, to: 'draft', actor: 'usr_haixing' },
        { from: 'draft', to: 'live', actor: 'usr_haixing' },
      ]),
    );
    expect(events.slice(2)).toEqual([
      { from: 'live', to: 'paused', actor: 'usr_haixing' },
      { from: 'paused', to: 'live', actor: 'usr_haixing' },
      { from: 'live', to: 'withdrawn', actor: 'usr_haixing' },
      { from: 'withdrawn', to: 'live', actor: 'usr_haixing' },
    ]);

    // The edit page shows the same history, newest first, with the actor's name.
    const page = await call(() =>
      editLoader(args(getRequest(`/sell/${listingId}/edit`, { cookie: haixing }), { listingId })),
    );
    const body = (await page.json()) as {
      events: { fromStatus: string; toStatus: string; actorName: string }[];
    };
    expect(body.events[0]).toMatchObject({ fromStatus: 'withdrawn', toStatus: 'live', actorName: '黄海兴' });
    expect(body.events).toHaveLength(6);
  });

  it('refuses a change the lot’s state does not allow with its message and a 400', async () => {
    const { id } = await createLot(haixing, shrimpLot());
    const response = await sellStatus(haixing, id ?? '', 'resume');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('listing.errors.notNow');
    expect(await statusOf(id ?? '')).toBe('live');
    expect((await sellStatus(haixing, id ?? '', 'explode')).status).toBe(400);
  });

  it('fills the edit form from the lot in the units it was entered in, saves changes, and removes a photo', async () => {
    const { id } = await createLot(
      haixing,
      shrimpLot({
        quantity: '4000',
        unit: 'jin',
        moq: '100',
        priceUnit: 'jin',
        'tiers.0.price': '18',
        'tiers.1.min': '2000',
        'tiers.1.price': '17.25',
      }),
      { photos: [photo('a.jpg'), photo('b.jpg')] },
    );
    const listingId = id ?? '';
    const page = await call(() =>
      editLoader(args(getRequest(`/sell/${listingId}/edit`, { cookie: haixing }), { listingId })),
    );
    const body = (await page.json()) as {
      values: Record<string, string>;
      files: { id: string; kind: string }[];
      canEdit: boolean;
    };
    expect(body.canEdit).toBe(true);
    expect(body.values).toMatchObject({
      quantity: '4000',
      unit: 'jin',
      moq: '100',
      priceUnit: 'jin',
      'tiers.0.min': '',
      'tiers.0.price': '18.00',
      'tiers.1.min': '2000',
      'tiers.1.price': '17.25',
      'spec.count': '40/50',
      harvestDate: marketToday(),
    });

    // Saving what the page shows, with a new quantity, keeps the lot live and replaces its tiers.
    const saved = await call(() =>
      editAction(
        args(
          multipart(
            `/sell/${listingId}/edit`,
            { ...body.values, intent: 'save', quantity: '3000' },
            {},
            haixing,
          ),
          { listingId },
        ),
      ),
    );
    expect(saved.status).toBe(302);
    const [lot] = await db.select().from(listings).where(eq(listings.id, listingId));
    expect(lot).toMatchObject({ status: 'live', quantityTotal: 1_500_000, quantityAvailable: 1_500_000 });
    const tiers = await db.select().from(priceTiers).where(eq(priceTiers.listingId, listingId));
    expect(tiers.map((t) => t.unitPriceFen).sort()).toEqual([3_450, 3_600]);

    // A refused edit changes nothing either.
    const refused = await call(() =>
      editAction(
        args(
          multipart(`/sell/${listingId}/edit`, { ...body.values, intent: 'save', moq: '9000' }, {}, haixing),
          {
            listingId,
          },
        ),
      ),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as FormBody).errors.moq).toBe('errors.moqAboveQuantity');
    expect((await db.select().from(listings).where(eq(listings.id, listingId)))[0].minOrderQuantity).toBe(
      50_000,
    );

    const before = await stored();
    const [first] = body.files;
    const removed = await call(() =>
      editAction(
        args(
          formRequest(
            `/sell/${listingId}/edit`,
            { intent: 'remove-file', fileId: first.id },
            { cookie: haixing },
          ),
          {
            listingId,
          },
        ),
      ),
    );
    expect(removed.status).toBe(302);
    expect(removed.headers.get('Location')).toBe(`/sell/${listingId}/edit`);
    expect(await stored()).toMatchObject({ listingFiles: before.listingFiles - 1, files: before.files - 2 });
    const left = await db
      .select({ id: listingFiles.id })
      .from(listingFiles)
      .where(and(eq(listingFiles.listingId, listingId), eq(listingFiles.kind, 'photo')));
    expect(left.map((f) => f.id)).not.toContain(first.id);
  });

  it('pages the desk 25 lots at a time and sorts by expiry', async () => {
    const seller = await registerOrg('seller');
    const [org] = await db
      .select({ orgId: memberships.orgId })
      .from(memberships)
      .where(eq(memberships.userId, seller.userId));
    const shelfLives = Array.from({ length: 27 }, (_, i) => 30 - i);
    for (const days of shelfLives) {
      const { response } = await createLot(
        seller.cookie,
        shrimpLot({ intent: 'draft', shelfLifeDays: String(days) }),
      );
      expect(response.status).toBe(302);
    }
    const read = async (search: string) =>
      (await (
        await call(() => sellLoader(args(getRequest(`/sell${search}`, { cookie: seller.cookie }))))
      ).json()) as {
        rows: { id: string; expiresAt: string }[];
        page: number;
        pages: number;
        tabs: { tab: string; count: number }[];
      };
    const first = await read('?status=draft&sort=expiry');
    expect(first).toMatchObject({ page: 1, pages: 2 });
    expect(first.rows).toHaveLength(25);
    const expiries = first.rows.map((r) => r.expiresAt);
    expect([...expiries].sort()).toEqual(expiries);
    const second = await read('?status=draft&sort=expiry&page=2');
    expect(second.rows).toHaveLength(2);
    expect(second.rows[0].expiresAt >= expiries[24]).toBe(true);
    expect((await read('?page=99')).page).toBe(2);
    expect(first.tabs.find((t) => t.tab === 'draft')?.count).toBe(27);
    const [{ n }] = await db.select({ n: count() }).from(listings).where(eq(listings.sellerOrgId, org.orgId));
    expect(n).toBe(27);
  });
});
