// The Express server around Remix: health, readiness, metrics, security headers, CSRF refusal, request ids.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server';
import { repoRoot } from '../../scripts/services';

let server: Server;
let base: string;

beforeAll(async () => {
  const build = (await import(pathToFileURL(path.join(repoRoot, 'build/index.js')).href)) as ServerBuild;
  const { app } = await createApp(build);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz with PostgreSQL and Redis up', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ postgres: true, redis: true });
  });

  it('reports workers on /readyz?workers=1 only while one is beating', async () => {
    const none = await fetch(`${base}/readyz?workers=1`);
    expect(none.status).toBe(503);
    expect(await none.json()).toMatchObject({ postgres: true, redis: true, workers: 0 });
    const { startHeartbeat } = await import('../../app/lib/heartbeat.server');
    const stop = startHeartbeat();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const one = await fetch(`${base}/readyz?workers=1`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ workers: 1 });
    await stop();
    expect((await fetch(`${base}/readyz?workers=1`)).status).toBe(503);
  });

  it('exposes request timings and queue depths on /metrics', async () => {
    await (await fetch(`${base}/`)).text();
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(
      /wharf_http_request_duration_seconds_count\{method="GET",section="home",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/wharf_queue_jobs\{queue="notifications",state="waiting"\} \d+/);
  });
});

describe('pages', () => {
  it('serves the home page in Chinese by default and English on request', async () => {
    const zh = await (await fetch(`${base}/`)).text();
    expect(zh).toContain('<html lang="zh-CN"');
    expect(zh).toContain('码头 · 线上批发市场');
    const en = await (await fetch(`${base}/`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } })).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('Wharf · the online wholesale market');
  });

  it('sends a CSP whose per-request nonce is the one on the page scripts', async () => {
    const first = await fetch(`${base}/login`);
    const csp = first.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await first.text();
    expect(html).toContain(`nonce="${nonce}"`);
    const second = await fetch(`${base}/login`);
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(first.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
  });

  it("serves public/'s files, and a page at a path that is no file", async () => {
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
    expect((await fetch(`${base}/favicon.svg.missing`)).status).toBe(404);
    expect((await fetch(`${base}/build/no-such-file.js`)).status).toBe(404);
  });

  it('keeps a sane incoming request id and replaces a bad one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc12345-trace' } });
    expect(kept.headers.get('x-request-id')).toBe('abc12345-trace');
    const replaced = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });
});

describe('cross-origin requests', () => {
  const form = () => new URLSearchParams({ email: 'someone@example.test', password: 'whatever-123' });

  it('refuses a form posted from another site and lets the same origin through', async () => {
    const foreign = await fetch(`${base}/login`, {
      method: 'POST',
      body: form(),
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    const sameSite = await fetch(`${base}/login`, {
      method: 'POST',
      body: form(),
      headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(sameSite.status).toBe(400);
  });

  it('accepts a form the browser labels same-origin even when it sends Origin: null', async () => {
    const response = await fetch(`${base}/login`, {
      method: 'POST',
      body: form(),
      headers: {
        Origin: 'null',
        'Sec-Fetch-Site': 'same-origin',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    const opaque = await fetch(`${base}/login`, {
      method: 'POST',
      body: form(),
      headers: { Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(opaque.status).toBe(403);
  });

  it('refuses a browser request labelled cross-site even without an Origin header', async () => {
    const response = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
  });
});
