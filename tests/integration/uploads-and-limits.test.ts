// Uploads and body limits over HTTP: images that do not decode and oversized bodies are refused with a 4xx,
// nothing is stored, and a body over its route's limit is answered 413 before the client has finished sending it.
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import type { ServerBuild } from '@remix-run/node';
import { count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { listings, users, verificationApplications } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { marketToday } from '../../app/listings/form.server';
import { createApp } from '../../server';
import { repoRoot } from '../../scripts/services';

let server: Server;
let base: string;
let seller: string;
let jpeg: Buffer;

async function sessionFor(email: string, orgId: string) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return (await commitSessionCookie(await createSession(db, { userId: user.id, activeOrgId: orgId }))).split(
    ';',
  )[0];
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  seller = await sessionFor('shrimp@wharf.test', 'org_haixing');
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#1e7' } })
    .jpeg()
    .toBuffer();
  const build = (await import(pathToFileURL(path.join(repoRoot, 'build/index.js')).href)) as ServerBuild;
  const { app } = await createApp(build);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Every file in this test file's storage folder. */
async function storedFiles(): Promise<string[]> {
  const root = process.env.STORAGE_DIR ?? '';
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

let lots = 0;
function shrimpLot(): Record<string, string> {
  lots += 1;
  return {
    intent: 'publish',
    categoryId: 'whiteleg-shrimp',
    titleZh: `上传测试 南美白对虾 #${lots}`,
    originName: '海兴 3 号塘',
    originRegion: '广东湛江',
    harvestDate: marketToday(),
    shelfLifeDays: '3',
    quantity: '2000',
    unit: 'kg',
    moq: '50',
    priceUnit: 'kg',
    'tiers.0.price': '42',
    saleMode: 'fixed',
    coldChain: 'live',
    pickupPlace: '湛江霞山水产品批发市场 3 号冷库',
    'spec.count': '40/50',
    'spec.state': 'live',
  };
}

async function postLot(
  fields: Record<string, string>,
  photos: { name: string; bytes: Buffer; type: string }[],
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  for (const p of photos)
    form.append('photos', new File([new Uint8Array(p.bytes)], p.name, { type: p.type }));
  return fetch(`${base}/sell/new?category=whiteleg-shrimp&_data=routes%2Fsell.new`, {
    method: 'POST',
    headers: { Cookie: seller, Accept: 'application/json' },
    body: form,
    redirect: 'manual',
  });
}

async function lotsTitled(titleZh: string) {
  const [{ n }] = await db.select({ n: count() }).from(listings).where(eq(listings.titleZh, titleZh));
  return n;
}

/** A PNG header that says 20000×20000 (400 megapixels, over sharp's own limit) with one tiny data chunk. */
function hugePng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(20001))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('images that do not decode are refused before anything is stored', () => {
  it.each([
    [
      'a JPEG signature followed by HTML',
      () =>
        Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
          Buffer.from('<html><script>alert(1)</script></html>'),
        ]),
      'image/jpeg',
      'errors.imageUnreadable',
    ],
    [
      'a PNG signature followed by garbage',
      () =>
        Buffer.concat([
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          Buffer.alloc(4096, 0x5a),
        ]),
      'image/png',
      'errors.imageUnreadable',
    ],
    ['a 20000×20000 PNG', hugePng, 'image/png', 'errors.imageTooManyPixels'],
  ] as const)(
    '%s: 400 with a message on the photos field, no lot, no file',
    async (_label, bytes, type, message) => {
      const before = await storedFiles();
      const fields = shrimpLot();
      // A good photo rides along: a refused form keeps not even that one.
      const response = await postLot(fields, [
        { name: 'good.jpg', bytes: jpeg, type: 'image/jpeg' },
        { name: 'bad.jpg', bytes: bytes(), type },
      ]);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: Record<string, string> };
      expect(body.errors.photos).toBe(message);
      expect(await lotsTitled(fields.titleZh)).toBe(0);
      expect(await storedFiles()).toEqual(before);
    },
  );

  it('stores a lot with a good photo (the same route, so the refusals above are about the image)', async () => {
    const before = await storedFiles();
    const fields = shrimpLot();
    const response = await postLot(fields, [{ name: 'good.jpg', bytes: jpeg, type: 'image/jpeg' }]);
    // A data request's redirect: 204 with the target in X-Remix-Redirect.
    expect(response.headers.get('x-remix-redirect')).toBe('/sell');
    expect(await lotsTitled(fields.titleZh)).toBe(1);
    expect((await storedFiles()).length).toBe(before.length + 2); // the photo and its thumbnail
  });

  it('refuses a licence that is HTML behind a PNG signature, storing no application and no file', async () => {
    const newcomer = await sessionFor('pineapple@wharf.test', 'org_xuwen');
    const before = await storedFiles();
    const [{ n: applicationsBefore }] = await db.select({ n: count() }).from(verificationApplications);
    const form = new FormData();
    form.set('legalName', '徐闻菠萝合作社');
    form.set('licenceNumber', '91440825MA4W123456');
    form.set('address', '广东徐闻');
    const html = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('<html></html>'),
    ]);
    form.append('licence', new File([new Uint8Array(html)], 'licence.png', { type: 'image/png' }));
    const response = await fetch(`${base}/settings/verification?_data=routes%2Fsettings_.verification`, {
      method: 'POST',
      headers: { Cookie: newcomer, Accept: 'application/json' },
      body: form,
      redirect: 'manual',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const [{ n: applicationsAfter }] = await db.select({ n: count() }).from(verificationApplications);
    expect(applicationsAfter).toBe(applicationsBefore);
    expect(await storedFiles()).toEqual(before);
  });
});

/**
 * Sends `total` bytes as a chunked body (no Content-Length) in 64 KB pieces, stopping when the server
 * answers or closes; returns the status and how much had been sent by then.
 */
function streamBody(
  pathname: string,
  headers: Record<string, string>,
  total: number,
  piece: (offset: number) => Buffer,
): Promise<{ status: number; text: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(`${base}${pathname}`, {
      method: 'POST',
      headers: { ...headers, 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, sent });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < total) {
        const chunk = piece(sent);
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && sent >= total) req.end();
    };
    pump();
  });
}

const MB = 1024 * 1024;

describe('bodies over their route class limit stop being read at once (413)', () => {
  it('a 64 MB chunked telemetry batch is answered 413 after about its 256 KB limit', async () => {
    const filler = Buffer.alloc(64 * 1024, 0x20);
    const result = await streamBody(
      '/api/telemetry/dev_none',
      { 'Content-Type': 'application/json' },
      64 * MB,
      () => filler,
    );
    expect(result.status).toBe(413);
    // Answered long before the client was done: the server stopped reading near the limit.
    expect(result.sent).toBeLessThan(16 * MB);
  });

  it('a chunked form over 1 MB to /login is answered 413 with a message', async () => {
    const filler = Buffer.alloc(64 * 1024, 0x61);
    const result = await streamBody(
      '/login',
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en' },
      32 * MB,
      (offset) => (offset === 0 ? Buffer.concat([Buffer.from('email='), filler]) : filler),
    );
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * MB);
  });

  it('a declared Content-Length over the limit is refused unread, with the limit in the message', async () => {
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${base}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(64 * MB),
          'Accept-Language': 'en',
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(response.status).toBe(413);
    expect(response.text).toContain('512 KB');
  });

  it('40 photos of 7.9 MB in a chunked multipart body: 413 before the client is done, nothing stored', async () => {
    const before = await storedFiles();
    const boundary = '----wharf-limit-test';
    const photo = Buffer.alloc(Math.round(7.9 * MB), 0);
    jpeg.copy(photo);
    const fields = shrimpLot();
    const head = Buffer.from(
      Object.entries(fields)
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join(''),
    );
    const part = (i: number) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p${i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        photo,
        Buffer.from('\r\n'),
      ]);
    const parts = [
      head,
      ...Array.from({ length: 40 }, (_, i) => part(i)),
      Buffer.from(`--${boundary}--\r\n`),
    ];
    const total = parts.reduce((sum, p) => sum + p.length, 0);
    let index = 0;
    const result = await streamBody(
      '/sell/new?category=whiteleg-shrimp',
      {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        Cookie: seller,
        Accept: 'application/json',
      },
      total,
      () => parts[index++] ?? Buffer.alloc(0),
    );
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(total / 2);
    expect(await lotsTitled(fields.titleZh)).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });
});

describe('a body the route never read', () => {
  it('does not leave its kept-alive connection stuck: the next request on it is answered', async () => {
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const answers = () => received.match(/HTTP\/1\.1 \d{3}/g) ?? [];
    // Under the form limit (1 MB) but far more than the socket buffers: /market has no action, so nothing reads it.
    const body = `q=${'x'.repeat(600 * 1024)}`;
    socket.write(
      `POST /market HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
    );
    socket.write(body);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const started = Date.now();
    const deadline = started + 10_000;
    while (Date.now() < deadline && answers().length < 2 && !socket.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const closed = socket.destroyed || socket.readableEnded;
    socket.destroy();
    expect(answers()[0]).toMatch(/HTTP\/1\.1 4\d\d/);
    // Either the second request is answered on the same connection, or the server closed it (the client then
    // knows to open another) — never a connection left open that answers nothing.
    if (answers().length < 2) expect(closed).toBe(true);
    else expect(answers()[1]).toBe('HTTP/1.1 200');
    // At once, not after a server timeout (it took 6 s before).
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('a bodiless request', () => {
  it('keeps its connection alive', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).not.toBe('close');
  });
});
