// Shared helpers for the end-to-end tests: unique test data, the demo accounts, and the register/login forms.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page, type Response, expect } from '@playwright/test';
import type { Sql } from 'postgres';

/** Password of every seeded demo user (db/seed.ts). */
export const DEMO_PASSWORD = 'wharf-demo-2026';

/** Seeded demo users and their organisations (db/seed.ts). */
export const DEMO = {
  operator: { email: 'operator@wharf.test', orgId: 'org_operator' },
  shrimpSeller: { email: 'shrimp@wharf.test', orgId: 'org_haixing', orgName: '湛江海兴南美白对虾养殖场' },
  oysterSeller: { email: 'oyster@wharf.test', orgId: 'org_maowei' },
  restaurantBuyer: { email: 'restaurant@wharf.test', orgId: 'org_yuewei' },
} as const;

/** A short random tag, so parallel tests and repeated runs never collide. */
export function uniqueTag(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${uniqueTag()}@e2e.test`;
}

export type NewAccount = {
  orgName: string;
  orgKind: 'seller' | 'buyer' | 'both' | 'carrier';
  city: string;
  name: string;
  email: string;
  password: string;
};

/** Fresh account data; the names are Chinese, as the market's users' are. */
export function newAccount(kind: NewAccount['orgKind'] = 'seller'): NewAccount {
  const tag = uniqueTag();
  return {
    orgName: `北海测试水产${tag}`,
    orgKind: kind,
    city: '北海',
    name: `测试员${tag.slice(-4)}`,
    email: uniqueEmail(kind),
    password: `e2e-pass-${tag}`,
  };
}

/** Labels of the register and login forms per locale (app/lib/i18n/messages.ts). */
export const LABELS = {
  'zh-CN': {
    orgName: '机构名称',
    orgKind: '机构类型',
    city: '所在城市',
    name: '你的姓名',
    email: '电子邮箱',
    password: '密码',
    registerSubmit: '注册并进入工作台',
    loginSubmit: '登录',
    kinds: { seller: '卖家', buyer: '买家', both: '买卖双方', carrier: '冷链承运商' },
  },
  en: {
    orgName: 'Organisation name',
    orgKind: 'Organisation type',
    city: 'City',
    name: 'Your name',
    email: 'E-mail',
    password: 'Password',
    registerSubmit: 'Register and open the dashboard',
    loginSubmit: 'Log in',
    kinds: { seller: 'Seller', buyer: 'Buyer', both: 'Buyer and seller', carrier: 'Cold-chain carrier' },
  },
} as const;

export type TestLocale = keyof typeof LABELS;

/**
 * Waits until React has hydrated the page.
 * Clicking earlier posts the form natively and typing earlier may be wiped by a re-render.
 */
export async function waitForHydration(page: Page): Promise<void> {
  // The shell sets data-hydrated on <html> once React has taken over the page.
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/**
 * The open page, once hydrated, has no serious or critical axe violation and does not scroll sideways (soft checks,
 * so one journey reports every page). With `widths`, at each of those widths, and back to 1280 × 800 after.
 */
export async function expectAccessible(page: Page, name: string, widths: number[] = []): Promise<void> {
  await waitForHydration(page);
  for (const width of widths.length > 0 ? widths : [null]) {
    if (width !== null) await page.setViewportSize({ width, height: 844 });
    const label = width === null ? name : `${name} at ${width} px`;
    const results = await new AxeBuilder({ page }).analyze();
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect
      .soft(
        blocking.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        label,
      )
      .toEqual([]);
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect.soft(sideways, `${label} scrolls sideways`).toBe(false);
  }
  if (widths.length > 0) await page.setViewportSize({ width: 1280, height: 800 });
}

/** Fills the open /register page; every field is optional so tests can leave some out. */
export async function fillRegisterForm(
  page: Page,
  account: Partial<NewAccount>,
  locale: TestLocale = 'zh-CN',
): Promise<void> {
  const l = LABELS[locale];
  const form = page.locator('main form');
  if (account.orgName !== undefined) await form.getByLabel(l.orgName).fill(account.orgName);
  if (account.orgKind !== undefined) await form.getByLabel(l.orgKind).selectOption(account.orgKind);
  if (account.city !== undefined) await form.getByLabel(l.city).fill(account.city);
  if (account.name !== undefined) await form.getByLabel(l.name).fill(account.name);
  if (account.email !== undefined) await form.getByLabel(l.email).fill(account.email);
  if (account.password !== undefined)
    await form.getByLabel(l.password, { exact: true }).fill(account.password);
}

/** Registers through the form and waits for the dashboard. */
export async function register(page: Page, account: NewAccount, locale: TestLocale = 'zh-CN'): Promise<void> {
  await page.goto('/register');
  await waitForHydration(page);
  await fillRegisterForm(page, account, locale);
  await page.getByRole('button', { name: LABELS[locale].registerSubmit }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Fills and sends the login form on the open /login page; resolves with the form's POST response. */
export async function submitLogin(
  page: Page,
  email: string,
  password: string,
  locale: TestLocale = 'zh-CN',
): Promise<Response> {
  const l = LABELS[locale];
  const form = page.locator('main form');
  await form.getByLabel(l.email).fill(email);
  await form.getByLabel(l.password, { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    form.getByRole('button', { name: l.loginSubmit }).click(),
  ]);
  return response;
}

/** Logs in through the form and waits for the page it leads to (the dashboard unless `next` says otherwise). */
export async function logIn(
  page: Page,
  email: string,
  password: string,
  { locale = 'zh-CN', expectPath = /\/dashboard$/ }: { locale?: TestLocale; expectPath?: RegExp } = {},
): Promise<void> {
  await page.goto('/login');
  await waitForHydration(page);
  await submitLogin(page, email, password, locale);
  await expect(page).toHaveURL(expectPath);
}

/** A fresh browser context signed in as `email` (Chinese, desktop size), optionally on another server. */
export async function signedIn(browser: Browser, email: string, baseURL?: string): Promise<Page> {
  const context = await browser.newContext({
    ...(baseURL ? { baseURL } : {}),
    locale: 'zh-CN',
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await logIn(page, email, DEMO_PASSWORD);
  return page;
}

/** Submits a form by its button and waits for the page the redirect leads to. */
export async function press(page: Page, name: string, within = page.locator('main')): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.status() < 400),
    within.getByRole('button', { name, exact: true }).click(),
  ]);
  await waitForHydration(page);
}

/**
 * Screenshots of each page a flow passes, at desktop and phone width, when the environment variable `envName`
 * names a folder (e.g. WHARF_ORDER_SHOTS=/tmp/shots); otherwise `shoot` does nothing and `enabled` is false.
 */
export function pageShots(envName: string) {
  const dir = process.env[envName];
  const shoot = async (page: Page, name: string): Promise<void> => {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const [size, viewport] of [
      ['1280', { width: 1280, height: 800 }],
      ['390', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: path.join(dir, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  };
  return { enabled: Boolean(dir), shoot };
}

/**
 * The e2e market's database, for fixtures the pages cannot make quickly: on the server `npm test` found or started
 * (its admin URL), else the embedded one scripts/dev.ts made, or E2E_DATABASE_URL.
 */
export function e2eDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  const name = process.env.E2E_DATABASE ?? 'wharf_e2e';
  const admin = process.env.WHARF_TEST_PG_ADMIN_URL;
  if (admin) {
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  }
  return `postgres://postgres:postgres@127.0.0.1:${process.env.WHARF_PG_PORT ?? 54320}/${name}`;
}

/**
 * A junior trader of 粤味轩 with the demo password and a per-order spending limit, made straight in the database (an
 * invitation would need the e-mail round trip). Returns its e-mail.
 */
export async function addJuniorTrader(sql: Sql, name: string, perOrderFen: number): Promise<string> {
  const tag = uniqueTag();
  const id = `usr_junior${tag}`;
  const email = `junior-${tag}@e2e.test`;
  await sql`
    insert into users (id, email, name, password_hash)
    select ${id}, ${email}, ${`${name}${tag.slice(-4)}`}, password_hash from users where id = 'usr_yuewei'`;
  await sql`insert into memberships (org_id, user_id, role) values ('org_yuewei', ${id}, 'trader')`;
  await sql`
    insert into member_spending_limits (org_id, user_id, per_order_fen, per_month_fen, updated_by)
    values ('org_yuewei', ${id}, ${perOrderFen}, null, 'usr_yuewei')`;
  return email;
}
