// A demand's life in the browser: the restaurant posts 2 t of pineapple for Guangzhou, the Xuwen grower finds it among
// its matches and quotes ¥4.20/斤, the restaurant counters ¥3.90, the grower accepts, and both see the order.
import { expect, test } from '@playwright/test';
import { DEMO, signedIn, uniqueTag, waitForHydration, pageShots } from './helpers';

test.use({ locale: 'zh-CN' });

const GROWER = 'pineapple@wharf.test';

/** With WHARF_DEMAND_SHOTS=<dir>, the test also saves each page it passes at desktop and phone width. */
const shots = pageShots('WHARF_DEMAND_SHOTS');
const shoot = shots.shoot;

test('post a demand, get matched, quote, counter, accept: both sides see the order', async ({ browser }) => {
  test.setTimeout(120_000);
  const buyer = await signedIn(browser, DEMO.restaurantBuyer.email);
  const grower = await signedIn(browser, GROWER);
  const title = `后厨菠萝 2 吨 ${uniqueTag()}`;
  let demandUrl = '';

  await test.step('the restaurant posts 2 t of pineapple delivered to Guangzhou', async () => {
    await buyer.goto('/demands/new?category=pineapple');
    await waitForHydration(buyer);
    const form = buyer.locator('main form');
    await form.getByLabel('求购标题').fill(title);
    await form.getByLabel('特级').check();
    await form.getByLabel('数量', { exact: true }).fill('2');
    await form.getByLabel('单位', { exact: true }).selectOption('t');
    await form.getByLabel('交货城市').selectOption({ label: '广州' });
    await shoot(buyer, 'demand-new');
    await Promise.all([
      buyer.waitForURL(/\/demands\/dmd_/),
      form.getByRole('button', { name: '发布求购' }).click(),
    ]);
    demandUrl = new URL(buyer.url()).pathname;
    await expect(buyer.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(buyer.getByTestId('demand-facts')).toContainText('2 吨');
    await expect(buyer.getByTestId('demand-facts')).toContainText('广州');
  });

  await test.step('the grower finds it among the demands its lots fit, with why', async () => {
    // The matching worker runs after the post commits; the desk shows it once it has.
    await expect(async () => {
      await grower.goto('/sell');
      await expect(grower.getByTestId('seller-matches')).toContainText(title, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(grower.getByTestId('seller-matches').getByTestId('match-why').first()).toContainText(
      '匹配度',
    );
    await shoot(grower, 'sell-matches');
    await grower.getByTestId('seller-matches').getByRole('link', { name: title }).click();
    await expect(grower).toHaveURL(demandUrl);
  });

  await test.step('the grower quotes ¥4.20/斤 backed by its lot', async () => {
    await waitForHydration(grower);
    const form = grower.getByTestId('quote-form');
    await form.getByLabel('单价（元）', { exact: true }).fill('4.20');
    await form.getByLabel('计价单位').selectOption('jin');
    await shoot(grower, 'demand-quote');
    await Promise.all([
      grower.waitForURL(/\/quotes\/quo_/),
      form.getByRole('button', { name: '提交报价' }).click(),
    ]);
    await expect(grower.getByTestId('version-price').last()).toHaveText('¥4.20/斤');
  });

  await test.step('the restaurant counters ¥3.90', async () => {
    await buyer.goto(demandUrl);
    await expect(buyer.getByTestId('demand-quotes')).toContainText('¥4.20/斤');
    await buyer.getByTestId('demand-quotes').getByRole('link').first().click();
    await waitForHydration(buyer);
    const form = buyer.getByTestId('counter-form');
    await form.getByLabel('单价（元）', { exact: true }).fill('3.90');
    await Promise.all([
      buyer.waitForResponse((r) => r.request().method() === 'POST' && r.status() < 400),
      form.getByRole('button', { name: '发出还价' }).click(),
    ]);
    await expect(buyer.getByTestId('version-price').last()).toHaveText('¥3.90/斤');
    await shoot(buyer, 'demand-thread');
  });

  let orderPath = '';
  await test.step('the grower accepts the counter: the order is placed', async () => {
    await grower.reload();
    await waitForHydration(grower);
    await expect(grower.getByTestId('version-price').last()).toHaveText('¥3.90/斤');
    await Promise.all([
      grower.waitForURL(/\/orders\/ord_/),
      grower.getByRole('button', { name: '接受并下单' }).click(),
    ]);
    orderPath = new URL(grower.url()).pathname;
    await expect(grower.getByTestId('order-status')).toHaveText('待付款');
    await expect(grower.locator('main')).toContainText('¥15,600.00');
  });

  await test.step('the restaurant sees the same order', async () => {
    await buyer.reload();
    await expect(buyer.getByTestId('quote-status')).toHaveText('已成交');
    await buyer.getByTestId('quote-order-link').click();
    await expect(buyer).toHaveURL(orderPath);
    await expect(buyer.getByTestId('order-status')).toHaveText('待付款');
    await expect(buyer.locator('main')).toContainText('¥15,600.00');
    await buyer.goto('/buy');
    await expect(buyer.getByTestId('buyer-demands')).toContainText(title);
    await shoot(buyer, 'buy-desk');
  });
});

test('the demand board filters, and shows what to do when empty', async ({ browser }) => {
  const grower = await signedIn(browser, GROWER);
  await grower.goto('/demands');
  await expect(grower.getByTestId('demand-results')).toBeVisible();
  await shoot(grower, 'demand-board');
  await grower.goto('/demands?category=grouper&city=shantou');
  await expect(grower.locator('main')).toContainText('没有符合筛选条件的求购');
});
