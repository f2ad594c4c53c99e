// Accessibility of the main pages: axe-core over each page, as the persona who uses it, at desktop and phone width.
// A serious or critical violation fails the test; the message lists each rule, its impact, where and how to fix it.
// Every page visited is also saved to tests/e2e/screenshots/a11y-<page>-<width>.png (git-ignored) for a look.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page, expect, test } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, logIn, waitForHydration } from './helpers';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;
type Device = (typeof VIEWPORTS)[keyof typeof VIEWPORTS];

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

const BLOCKING = new Set(['serious', 'critical']);

/** One readable paragraph per violation: rule, impact, help, then each offending element and why. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((node) => {
        const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ');
        const why = (node.failureSummary ?? '').split('\n').slice(1, 3).join(' ').trim();
        return `    - ${target}${why ? `\n      ${why}` : ''}`;
      });
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join('\n')}`;
    })
    .join('\n');
}

/** Runs axe on the open page (all rules: WCAG 2.x A/AA and best practices) and fails on serious or critical ones. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  // Soft, so one run lists every page's problems; the list compared is short, the message says the rest.
  expect
    .soft(
      blocking.map((v) => `${v.impact} ${v.id}`),
      `${name} (${page.url()}) has accessibility violations:\n${describeViolations(blocking)}`,
    )
    .toEqual([]);
}

/** Elements sticking out past the right edge of the viewport (the page scrolls sideways), briefly described. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const rect = el.getBoundingClientRect();
      // Only the outermost offenders: an element whose parent already sticks out is left out.
      const parent = el.parentElement?.getBoundingClientRect();
      if (rect.right <= width + 1 || rect.width === 0 || (parent && parent.right > width + 1)) continue;
      const cls = typeof el.className === 'string' ? el.className.split(' ').slice(0, 4).join('.') : '';
      out.push(`<${el.tagName.toLowerCase()}${cls ? ` .${cls}` : ''}> ends at ${Math.round(rect.right)}px`);
      if (out.length > 5) break;
    }
    return out;
  });
}

async function shoot(page: Page, name: string, width: number): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `a11y-${name}-${width}.png`), fullPage: true });
}

/** A fresh context at the given size, in Chinese, signed in as `email` (or anonymous). */
async function open(browser: Browser, device: Device, email?: string) {
  const context = await browser.newContext({ locale: 'zh-CN', ...device });
  const page = await context.newPage();
  if (email) await logIn(page, email, DEMO_PASSWORD);
  return page;
}

/** Checks the open page: screenshot, axe, and no sideways scrolling. */
async function check(page: Page, name: string, width: number): Promise<void> {
  await waitForHydration(page);
  await shoot(page, name, width);
  await expectAccessible(page, name);
  expect.soft(await overflow(page), `${name} at ${width} px wide scrolls sideways`).toEqual([]);
}

/** Goes to `path`, waits for React, checks and screenshots the page. */
async function visit(page: Page, urlPath: string, name: string, width: number): Promise<void> {
  await test.step(name, async () => {
    const response = await page.goto(urlPath);
    expect(response?.status(), `${urlPath} answers`).toBeLessThan(400);
    await check(page, name, width);
  });
}

/** Presses a form's button, waits for the refusal (a 4xx answer), then checks the page with its error messages. */
async function refused(page: Page, button: string, name: string, width: number): Promise<void> {
  await test.step(name, async () => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('main').getByRole('button', { name: button, exact: true }).click(),
    ]);
    expect(response.status(), `${name}: the form is refused`).toBeGreaterThanOrEqual(400);
    await expect(page.locator('main [aria-invalid="true"]').first()).toBeVisible();
    await check(page, name, width);
  });
}

/** The path of a link in `scope` whose href matches `pattern`. */
async function hrefOf(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page
    .locator('main a[href]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link matching ${pattern} on ${page.url()}`).toBeTruthy();
  return href ?? '';
}

for (const [size, device] of Object.entries(VIEWPORTS)) {
  const { viewport } = device;
  test.describe(`at ${size} width (${viewport.width}×${viewport.height})`, () => {
    test('the buyer’s pages: market, a lot, an order, auctions, the demand board', async ({ browser }) => {
      test.setTimeout(120_000);
      const page = await open(browser, device, DEMO.restaurantBuyer.email);
      await visit(page, '/market', 'market', viewport.width);
      const lotPath = await hrefOf(page, /^\/market\/lst_/);
      await visit(page, lotPath, 'lot', viewport.width);
      // An order under the minimum quantity: the form comes back with its errors.
      await page.getByTestId('buy-box').getByLabel('数量').fill('0.001');
      await refused(page, '下单', 'lot-refused', viewport.width);
      await page.goto(lotPath);
      await waitForHydration(page);

      await test.step('the buyer orders from the lot', async () => {
        const box = page.getByTestId('buy-box');
        // The placeholder is the lot's minimum order quantity.
        const minimum = await box.getByLabel('数量').getAttribute('placeholder');
        await box.getByLabel('数量').fill(minimum ?? '');
        await Promise.all([
          page.waitForURL(/\/orders\/ord_/),
          box.getByRole('button', { name: '下单' }).click(),
        ]);
      });
      const orderPath = new URL(page.url()).pathname;
      await visit(page, orderPath, 'order', viewport.width);
      await visit(page, '/orders', 'orders', viewport.width);

      await visit(page, '/auctions', 'auctions', viewport.width);
      await visit(page, await hrefOf(page, /^\/auctions\/auc_/), 'auction', viewport.width);
      await visit(page, '/demands', 'demands', viewport.width);
      await page.context().close();
    });

    test('the seller’s pages: the sell form, a demand, the lot label; the public trace', async ({
      browser,
    }) => {
      test.setTimeout(120_000);
      const page = await open(browser, device, DEMO.shrimpSeller.email);
      await visit(page, '/sell', 'sell', viewport.width);
      await visit(page, '/sell/new', 'sell-new', viewport.width);
      const category = await page.getByLabel('品类').locator('option').nth(1).getAttribute('value');
      await visit(page, `/sell/new?category=${category}`, 'sell-form', viewport.width);
      await refused(page, '发布', 'sell-form-refused', viewport.width);
      // A buyer's demand as the sellers who may quote on it see it.
      await visit(page, '/demands', 'demands-seller', viewport.width);
      await visit(page, await hrefOf(page, /^\/demands\/dmd_[^/]+$/), 'demand', viewport.width);
      await page.goto('/sell?status=live');
      const editPath = await hrefOf(page, /^\/sell\/lst_[^/]+\/edit$/);
      await visit(page, editPath.replace(/\/edit$/, '/label'), 'label', viewport.width);
      const tracePath = (await page.getByTestId('label-trace-link').getAttribute('href')) ?? '';
      expect(tracePath).toMatch(/^\/01\//);
      await page.context().close();

      // The trace is public: the QR code on a crate leads anyone there.
      const visitor = await open(browser, device);
      await visit(visitor, tracePath, 'trace', viewport.width);
      await visitor.context().close();
    });

    test('the anonymous visitor’s pages: home, log in, register', async ({ browser }) => {
      const page = await open(browser, device);
      await visit(page, '/', 'home', viewport.width);
      await visit(page, '/login', 'login', viewport.width);
      await visit(page, '/register', 'register', viewport.width);
      await page.context().close();
    });

    test('the public quotes board and a price chart', async ({ browser }) => {
      test.setTimeout(180_000);
      const page = await open(browser, device);
      await visit(page, '/prices?unit=jin&sort=change', 'prices', viewport.width);
      await visit(page, await hrefOf(page, /^\/prices\/[^/?]+\/[^/?]+/), 'price-chart', viewport.width);
      await page.context().close();
    });

    // Two tests, not one: seven pages with axe and three sign-ins outgrew one test's time on a loaded machine.
    test('the trade fair as a buyer sees it: the fairs, its home, a booth, the visitor’s page', async ({
      browser,
    }) => {
      test.setTimeout(180_000);
      const fair = '/fairs/fair_demo_shrimp';
      const buyer = await open(browser, device, DEMO.restaurantBuyer.email);
      await visit(buyer, '/fairs', 'fairs', viewport.width);
      await visit(buyer, fair, 'fair-home', viewport.width);
      await visit(buyer, `${fair}/booths/A01`, 'fair-booth', viewport.width);
      await visit(buyer, `${fair}/visit`, 'fair-visit', viewport.width);
      await buyer.context().close();
    });

    test('the trade fair’s exhibitor desk and the operator’s editor', async ({ browser }) => {
      test.setTimeout(180_000);
      const fair = '/fairs/fair_demo_shrimp';
      const seller = await open(browser, device, DEMO.shrimpSeller.email);
      await visit(seller, `${fair}/exhibit`, 'fair-exhibit', viewport.width);
      await seller.context().close();

      const operator = await open(browser, device, DEMO.operator.email);
      await visit(operator, '/operator/fairs', 'operator-fairs', viewport.width);
      await visit(operator, `/operator${fair}`, 'operator-fair', viewport.width);
      await operator.context().close();
    });

    test('order farming: the farm’s plans, the plan form and its refusal, the board, a plan, pre-orders', async ({
      browser,
    }) => {
      test.setTimeout(180_000);
      const farm = await open(browser, device, DEMO.shrimpSeller.email);
      await visit(farm, '/sell/plans', 'sell-plans', viewport.width);
      const sellerPlan = await hrefOf(farm, /^\/sell\/plans\/hpl_/);
      await visit(farm, sellerPlan, 'sell-plan', viewport.width);
      await visit(farm, '/sell/plans/new', 'plan-category', viewport.width);
      await visit(farm, '/sell/plans/new?category=whiteleg-shrimp', 'plan-new', viewport.width);
      await refused(farm, '发布计划', 'plan-new-refused', viewport.width);
      await farm.context().close();

      const buyer = await open(browser, device, DEMO.restaurantBuyer.email);
      await visit(buyer, '/plans', 'plans', viewport.width);
      await visit(buyer, await hrefOf(buyer, /^\/plans\/hpl_/), 'plan', viewport.width);
      await visit(buyer, '/preorders', 'preorders', viewport.width);
      await buyer.context().close();
    });

    test('the carrier’s logistics desk and the operator console', async ({ browser }) => {
      test.setTimeout(90_000);
      const carrier = await open(browser, device, 'carrier@wharf.test');
      await visit(carrier, '/logistics', 'logistics', viewport.width);
      await carrier.context().close();

      const operator = await open(browser, device, DEMO.operator.email);
      await visit(operator, '/operator', 'operator', viewport.width);
      await visit(operator, '/operator/payments', 'operator-payments', viewport.width);
      await operator.context().close();
    });
  });
}
