// 404 and 403 pages render inside the shell: navigation, the viewer's org, the reader's language, a way back.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { seedDemoMarket } from '../../db/seed';
import { repoRoot } from '../../scripts/services';
import { createApp } from '../../server';
import { ensureAppBuild } from '../support/app-build';
import { logInAs } from '../support/http';

let server: Server;
let base: string;
let buyer: string;

beforeAll(async () => {
  ensureAppBuild();
  await db.transaction((tx) => seedDemoMarket(tx));
  buyer = await logInAs('restaurant@wharf.test');
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

const get = (pathname: string, cookie: string) =>
  fetch(`${base}${pathname}`, { headers: { Cookie: cookie } });

describe('error pages inside the shell', () => {
  it('a 404 keeps the navigation and the viewer’s org, in Chinese, with a way up and home', async () => {
    const response = await get('/orders/ord_does_not_exist', buyer);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<header');
    expect(html).toMatch(/href="\/market"/);
    expect(html).toMatch(/href="\/orders"/);
    expect(html).toContain('粤味轩餐饮集团');
    expect(html).toContain('页面不存在');
    expect(html).toContain('返回上一级');
  });

  it('a 404 reads English for an English reader', async () => {
    const response = await fetch(`${base}/market/lst_does_not_exist`, {
      headers: { 'Accept-Language': 'en' },
    });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('Page not found');
    expect(html).toContain('Up one level');
    expect(html).toMatch(/href="\/market"/);
  });

  it('a 403 keeps the navigation too', async () => {
    const response = await get('/operator', buyer);
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('<header');
    expect(html).toMatch(/href="\/orders"/);
    expect(html).toContain('没有权限');
  });

  it('an anonymous reader gets the shell with the log-in link', async () => {
    const response = await fetch(`${base}/auctions/auc_does_not_exist`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toMatch(/href="\/login"/);
    expect(html).toContain('页面不存在');
  });
});
