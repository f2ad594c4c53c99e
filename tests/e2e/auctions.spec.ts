// Auctions in the browser with two buyers side by side: a bid appears on the other's page without reload, a proxy
// outbids automatically, the close gives the winner its order and the loser "outbid" and "lost" notices; and a
// Dutch clock where a buyer takes 300 of 1,000 kg and the clock restarts for 700.
import { type Page, expect, test } from '@playwright/test';
import { DEMO, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

/** The seller puts part of a demo lot up for auction through its form; returns the auction page's path. */
async function putUp(seller: Page, lotTitle: string, fields: Record<string, string>): Promise<string> {
  await seller.goto('/sell');
  await seller.getByRole('link', { name: lotTitle }).first().click();
  await waitForHydration(seller);
  await seller.getByRole('link', { name: '把这批货拿去拍卖' }).click();
  await waitForHydration(seller);
  const form = seller.locator('main form');
  await form.getByLabel('拍卖方式').selectOption(fields.type);
  await form.getByLabel('按什么单位出价').selectOption('kg');
  for (const [label, value] of Object.entries(fields))
    if (label !== 'type') await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: '上拍' }).click();
  await expect(seller).toHaveURL(/\/auctions\/auc_/);
  return new URL(seller.url()).pathname;
}

async function bid(page: Page, kind: '直接出价' | '委托出价', amount: string) {
  await page.getByLabel(kind === '直接出价' ? kind : /委托出价/).check();
  await page.getByLabel(/^出价（元/).fill(amount);
  await page.getByRole('button', { name: '出价', exact: true }).click();
}

test('English: a bid shows live on the other buyer’s page, a proxy answers, the close gives the winner its order', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  // 90 s: the bids below come in the first 20 s, outside the category's 60-second soft-close window.
  const path = await putUp(seller, '白对虾 60/70 头 冰鲜 当天捕捞', {
    type: 'english',
    '拿出来拍的数量（同上单位）': '100',
    '起拍价（元/单位）': '30',
    '拍卖时长（分钟）': '1.5',
  });
  const a = await signedIn(browser, DEMO.restaurantBuyer.email);
  const b = await signedIn(browser, 'supermarket@wharf.test');
  for (const page of [a, b]) {
    await page.goto(path);
    await waitForHydration(page);
  }

  // A's bid appears on B's page without a reload.
  await bid(a, '直接出价', '30');
  await expect(a.getByTestId('bid-result')).toContainText('您目前领先');
  await expect(b.getByTestId('current-price')).toHaveText('¥30.00/公斤');
  await expect(b.getByTestId('leader')).toHaveText('1 号买家');

  // B's proxy takes the lead at A's bid plus one increment, and answers A's next bid by itself.
  await bid(b, '委托出价', '40');
  await expect(b.getByTestId('leader')).toHaveText('您');
  await expect(a.getByTestId('leader')).toHaveText('2 号买家');
  await expect(a.getByTestId('current-price')).toHaveText('¥30.50/公斤');
  await bid(a, '直接出价', '31');
  await expect(a.getByTestId('bid-result')).toContainText('被他人的委托价反超');
  await expect(b.getByTestId('current-price')).toHaveText('¥31.50/公斤');
  await expect(b.getByTestId('bid-history')).toContainText('系统代拍');

  // The closing job runs at the end; both pages learn it live, and B's shows its order.
  await expect(b.getByTestId('auction-status')).toHaveText('已成交', { timeout: 120_000 });
  await expect(b.getByTestId('closed-note')).toContainText('恭喜，这一场您拍中了');
  await b.getByTestId('closed-note').getByRole('link', { name: '查看订单' }).click();
  await expect(b).toHaveURL(/\/orders\/ord_/);
  await expect(b.locator('main')).toContainText('¥3,150.00');

  await a.goto('/inbox');
  await expect(a.locator('main')).toContainText('你的出价被超过了', { timeout: 30_000 });
  await expect(a.locator('main')).toContainText('竞拍未成交', { timeout: 30_000 });
});

test('Dutch clock: a buyer takes 300 of 1,000 kg and the clock restarts for 700', async ({ browser }) => {
  test.setTimeout(90_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const path = await putUp(seller, '白对虾 80/100 头 板冻 加工原料', {
    type: 'dutch',
    '拿出来拍的数量（同上单位）': '1000',
    '起拍价（元/单位）': '30',
    '底价（降价钟用，元/单位）': '20',
  });
  const a = await signedIn(browser, DEMO.restaurantBuyer.email);
  const b = await signedIn(browser, 'supermarket@wharf.test');
  for (const page of [a, b]) {
    await page.goto(path);
    await waitForHydration(page);
  }
  await expect(a.getByTestId('dutch-clock')).toContainText('第 1 轮');
  // Let the clock fall a few ticks, then press.
  await expect(a.getByTestId('clock-price')).not.toHaveText('¥30.00/公斤', { timeout: 10_000 });
  await a.getByLabel(/^买入数量/).fill('300');
  await a.getByRole('button', { name: '按钟买入' }).click();
  await expect(a.getByTestId('bid-result')).toContainText('买入 300 公斤');
  for (const page of [a, b]) {
    await expect(page.getByTestId('remaining')).toHaveText('700 公斤');
    await expect(page.getByTestId('dutch-clock')).toContainText('第 2 轮');
  }
  // The restarted clock starts again from the start price.
  await expect(b.getByTestId('clock-price')).toHaveText(/¥(30\.00|29\.\d0)\/公斤/);
});

test('without JavaScript: a bid is a plain form post; a refused one re-shows the page with its message and a 4xx', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('main form').getByLabel('电子邮箱').fill('supermarket@wharf.test');
  await page.locator('main form').getByLabel('密码', { exact: true }).fill('wharf-demo-2026');
  await page.locator('main form').getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // The seeded English auction of 30/40 shrimp runs for two hours after the seed.
  await page.goto('/auctions?type=english');
  await page.getByRole('link', { name: /南美白对虾 30\/40 头/ }).click();
  await expect(page).toHaveURL(/\/auctions\/auc_/);

  await page.getByLabel(/^出价（元/).fill('1');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: '出价', exact: true }).click(),
  ]);
  expect(refused.status()).toBe(400);
  await expect(page.getByTestId('bid-error')).toContainText('出价太低，最低要出');
  await expect(page.getByLabel(/^出价（元/)).toHaveValue('1');

  await page.getByLabel(/委托出价/).check();
  await page.getByLabel(/^出价（元/).fill('60');
  const [accepted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: '出价', exact: true }).click(),
  ]);
  expect(accepted.status()).toBe(200);
  await expect(page.getByTestId('bid-result')).toContainText('您目前领先');
  await context.close();
});
