// Captures the main pages at desktop and phone sizes, in Chinese and English, into tests/e2e/screenshots/.
//
// It starts nothing itself: it expects the e2e market to be running already, e.g.
//   npx remix build && node_modules/.bin/tsx scripts/dev.ts --port 3100 --database wharf_e2e --fresh --no-build
// (or a `npx playwright test` run with reuseExistingServer), then
//   node_modules/.bin/tsx scripts/screenshots.ts            # WHARF_SCREENSHOT_URL overrides http://localhost:3100
// Each run registers fresh accounts (unique e-mails), so it can be repeated against the same database.
// WHARF_SCREENSHOT_SHOTS=not-found,forbidden takes only those shots; WHARF_SCREENSHOT_DIR saves elsewhere
// (the error pages inside the navigation are kept in docs/screenshots/).
// It also prints pages whose content is wider than the viewport (horizontal overflow).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page, chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../playwright.config';
import {
  DEMO,
  DEMO_PASSWORD,
  LABELS,
  type TestLocale,
  fillRegisterForm,
  logIn,
  newAccount,
  register,
  uniqueEmail,
  waitForHydration,
} from '../tests/e2e/helpers';

const baseURL = process.env.WHARF_SCREENSHOT_URL ?? 'http://localhost:3100';
const outDir = process.env.WHARF_SCREENSHOT_DIR
  ? path.resolve(process.env.WHARF_SCREENSHOT_DIR)
  : path.join(path.dirname(fileURLToPath(import.meta.url)), '../tests/e2e/screenshots');
const only = process.env.WHARF_SCREENSHOT_SHOTS?.split(',').filter(Boolean);

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;
type ViewportName = keyof typeof VIEWPORTS;

type Shot =
  | 'home'
  | 'register-errors'
  | 'login'
  | 'dashboard'
  | 'account-menu'
  | 'inbox'
  | 'members'
  | 'settings'
  | 'operator'
  | 'not-found'
  | 'forbidden'
  | 'prices'
  | 'price-chart';

/** Which pages each locale gets: everything in Chinese (the market's language), a few in English. */
const PLAN: Record<TestLocale, Shot[]> = {
  'zh-CN': [
    'home',
    'register-errors',
    'login',
    'dashboard',
    'account-menu',
    'inbox',
    'members',
    'settings',
    'operator',
    'not-found',
    'forbidden',
    'prices',
    'price-chart',
  ],
  en: ['home', 'register-errors', 'dashboard', 'members', 'operator', 'not-found', 'forbidden', 'prices'],
};

const say = (msg: string) => process.stderr.write(`[screenshots] ${msg}\n`);
const problems: string[] = [];
let taken = 0;

async function ensureServer(): Promise<void> {
  try {
    const res = await fetch(`${baseURL}/readyz`);
    if (res.ok) return;
    throw new Error(`readyz answered ${res.status}`);
  } catch (error) {
    throw new Error(
      `the market is not ready at ${baseURL} (${(error as Error).message}). Start it first: ` +
        'npx remix build && node_modules/.bin/tsx scripts/dev.ts --port 3100 --database wharf_e2e --fresh --no-build',
    );
  }
}

/** Elements sticking out to the right of the viewport, described briefly (tag, classes, text). */
async function overflowReport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out: string[] = [`page is ${document.documentElement.scrollWidth}px wide, viewport ${width}px`];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.right <= width + 1 || rect.width === 0) continue;
      // Only the outermost offenders: skip elements whose parent already overflows.
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && parent.right > width + 1) continue;
      const cls = typeof el.className === 'string' ? el.className.split(' ').slice(0, 4).join('.') : '';
      out.push(
        `<${el.tagName.toLowerCase()}${cls ? ` .${cls}` : ''}> right=${Math.round(rect.right)} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
      );
      if (out.length > 6) break;
    }
    return out;
  });
}

async function capture(page: Page, locale: TestLocale, vp: ViewportName, shot: Shot): Promise<void> {
  // Not 'networkidle': the signed-in pages keep an event stream open.
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const file = path.join(outDir, `${locale}-${vp}-${shot}.png`);
  await page.screenshot({ path: file, fullPage: true });
  taken++;
  const overflow = await overflowReport(page);
  if (overflow.length > 0) problems.push(`${path.basename(file)}: ${overflow.join('; ')}`);
  say(`saved ${path.relative(process.cwd(), file)}`);
}

async function newContext(browser: Browser, locale: TestLocale, vp: ViewportName): Promise<BrowserContext> {
  return browser.newContext({ ...VIEWPORTS[vp], baseURL, locale, timezoneId: 'Asia/Shanghai' });
}

async function anonymousPages(browser: Browser, locale: TestLocale, vp: ViewportName, shots: Set<Shot>) {
  const context = await newContext(browser, locale, vp);
  const page = await context.newPage();
  if (shots.has('home')) {
    await page.goto('/');
    await capture(page, locale, vp, 'home');
  }
  if (shots.has('register-errors')) {
    await page.goto('/register');
    await waitForHydration(page);
    const account = newAccount('seller');
    await fillRegisterForm(page, { ...account, orgName: '', password: 'short' }, locale);
    await page.getByRole('button', { name: LABELS[locale].registerSubmit }).click();
    await page.locator('#password-error').waitFor();
    await capture(page, locale, vp, 'register-errors');
  }
  if (shots.has('login')) {
    await page.goto('/login');
    await capture(page, locale, vp, 'login');
  }
  if (shots.has('not-found')) {
    // An error page is drawn inside the shell: header, navigation and a way back.
    await page.goto('/market/lst_no_such_lot');
    await capture(page, locale, vp, 'not-found');
  }
  if (shots.has('prices') || shots.has('price-chart')) {
    // The quotes board from the demo seed's price history, then the chart of its first row.
    await page.goto('/prices');
    if (shots.has('prices')) await capture(page, locale, vp, 'prices');
    if (shots.has('price-chart')) {
      await page.locator('[data-testid="price-row"] a').first().click();
      await page.waitForURL(/\/prices\/[^/]+\/[^/]+$/);
      await capture(page, locale, vp, 'price-chart');
    }
  }
  await context.close();
}

async function sellerPages(browser: Browser, locale: TestLocale, vp: ViewportName, shots: Set<Shot>) {
  const signedIn: Shot[] = ['dashboard', 'account-menu', 'inbox', 'members', 'settings', 'forbidden'];
  if (!signedIn.some((shot) => shots.has(shot))) return;
  const context = await newContext(browser, locale, vp);
  const page = await context.newPage();
  const account = newAccount('seller');
  await register(page, account, locale);
  // Wait for the worker's welcome message, so the dashboard and inbox show real content.
  await page
    .getByTestId('unread-count')
    .waitFor({ timeout: 15_000 })
    .catch(() => problems.push(`${locale}-${vp}: the welcome message did not arrive within 15 s`));
  await page.reload();
  await waitForHydration(page);
  if (shots.has('dashboard')) await capture(page, locale, vp, 'dashboard');
  if (shots.has('account-menu')) {
    await page.getByTestId('account-menu').click();
    await capture(page, locale, vp, 'account-menu');
    await page.getByTestId('account-menu').click();
  }
  if (shots.has('inbox')) {
    await page.goto('/inbox');
    await capture(page, locale, vp, 'inbox');
  }
  if (shots.has('members')) {
    // One pending invitation with a long address, so the list shows how it wraps.
    await page.goto('/dashboard');
    await waitForHydration(page);
    await page
      .getByRole('link', { name: locale === 'en' ? 'Invite your colleagues' : '邀请同事加入机构' })
      .click();
    await page.waitForURL(/\/orgs\/[^/]+\/members$/);
    const form = page.locator('main form');
    await form.getByRole('textbox').fill(uniqueEmail('purchasing.department.long-name'));
    await form.getByRole('button').click();
    await page.locator('[data-testid="pending-invitations"]').waitFor();
    await capture(page, locale, vp, 'members');
  }
  if (shots.has('settings')) {
    await page.goto('/settings');
    await capture(page, locale, vp, 'settings');
  }
  if (shots.has('forbidden')) {
    // A trader in the operator console: 403, inside the shell.
    await page.goto('/operator');
    await capture(page, locale, vp, 'forbidden');
  }
  await context.close();
}

async function operatorPages(browser: Browser, locale: TestLocale, vp: ViewportName) {
  const context = await newContext(browser, locale, vp);
  const page = await context.newPage();
  await logIn(page, DEMO.operator.email, DEMO_PASSWORD, { locale });
  if (locale === 'en') {
    // The demo operator's saved language is Chinese; the header button switches it (and saves it).
    await page.getByTestId('language-switch').click();
    await page.waitForURL(/\/dashboard$/);
  }
  await page.goto('/operator');
  await waitForHydration(page);
  await capture(page, locale, vp, 'operator');
  if (locale === 'en') {
    await page.getByTestId('language-switch').click();
    await page.waitForURL(/\/operator$/);
  }
  await context.close();
}

async function main(): Promise<void> {
  await ensureServer();
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    for (const [locale, list] of Object.entries(PLAN) as [TestLocale, Shot[]][]) {
      const shots = new Set(only ? list.filter((shot) => only.includes(shot)) : list);
      for (const vp of Object.keys(VIEWPORTS) as ViewportName[]) {
        await anonymousPages(browser, locale, vp, shots);
        await sellerPages(browser, locale, vp, shots);
        if (shots.has('operator')) await operatorPages(browser, locale, vp);
      }
    }
  } finally {
    await browser.close();
  }
  say(`${taken} screenshots in ${path.relative(process.cwd(), outDir)}`);
  if (problems.length > 0) {
    say('layout problems found:');
    for (const problem of problems) say(`  ${problem}`);
  }
}

main().catch((error: unknown) => {
  say(`failed: ${(error as Error).message}`);
  process.exit(1);
});
