// Notifications in the browser: the open inbox takes a new notification without a reload, and a type whose
// e-mail is switched off still reaches the inbox but no longer the (development) mailbox.
import { type Page, expect, test } from '@playwright/test';
import { DEMO, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

/** The id of one of the shrimp seller's live lots, read from its desk. */
async function lotIdOf(seller: Page, title: string): Promise<string> {
  await seller.goto('/sell?status=live');
  const href = await seller.getByRole('link', { name: title, exact: true }).first().getAttribute('href');
  const match = /\/sell\/([^/]+)\/edit/.exec(href ?? '');
  expect(match).not.toBeNull();
  return match![1];
}

/** Orders `kg` of a lot from its market page; resolves with the order's short number as notifications show it. */
async function buy(buyer: Page, lotId: string, kg: string): Promise<string> {
  await buyer.goto(`/market/${lotId}`);
  await waitForHydration(buyer);
  const box = buyer.getByTestId('buy-box');
  await box.getByLabel('数量').fill(kg);
  await Promise.all([buyer.waitForURL(/\/orders\/ord_/), box.getByRole('button', { name: '下单' }).click()]);
  const orderId = new URL(buyer.url()).pathname.split('/').pop() ?? '';
  return orderId.slice(-8).toUpperCase();
}

test('a seller with the inbox open sees a new order’s notification appear without reload', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const buyer = await signedIn(browser, 'supermarket@wharf.test');
  const lotId = await lotIdOf(seller, '南美白对虾 30/40 头 大规格 鲜活');

  await seller.goto('/inbox');
  await waitForHydration(seller);
  await expect(seller.getByText('新消息会自动出现在这里')).toBeVisible();
  // A mark on the window: a reload or a navigation would wipe it.
  await seller.evaluate(() => {
    (window as unknown as { stayed: boolean }).stayed = true;
  });
  const bell = seller.getByTestId('inbox-bell');
  const unreadBefore = Number(
    (await bell
      .getByTestId('unread-count')
      .textContent()
      .catch(() => '0')) ?? 0,
  );

  const order = await buy(buyer, lotId, '50');

  const item = seller.getByTestId('inbox-list').locator('li', { hasText: `订单 ${order}` });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText('新订单待付款');
  await expect(item).toContainText('南美白对虾 30/40 头 大规格 鲜活');
  // At least one more: the demo seller trades in other tests running beside this one, so others may land too.
  await expect
    .poll(async () => Number((await bell.getByTestId('unread-count').textContent()) ?? 0))
    .toBeGreaterThan(unreadBefore);
  expect(await seller.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});

test('turning e-mail off for a type stops its e-mails but not its inbox entries', async ({ browser }) => {
  test.setTimeout(90_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const buyer = await signedIn(browser, DEMO.restaurantBuyer.email);
  const lotId = await lotIdOf(seller, '白对虾 60/70 头 冰鲜 当天捕捞');
  const mailFor = (order: string) => seller.getByTestId('mail').filter({ hasText: `订单 ${order}` });
  const inboxFor = (order: string) =>
    seller.getByTestId('inbox-list').locator('li', { hasText: `订单 ${order}` });

  await test.step('with the default settings a new order is e-mailed (kept in the development mailbox)', async () => {
    const order = await buy(buyer, lotId, '200');
    await expect(async () => {
      await seller.goto('/mailbox');
      await expect(mailFor(order)).toHaveCount(1);
    }).toPass({ timeout: 15_000 });
    await expect(mailFor(order).getByTestId('mail-subject')).toHaveText('新订单待付款');
  });

  await test.step('the seller switches off e-mail for new orders', async () => {
    await seller.goto('/settings/notifications');
    await waitForHydration(seller);
    const box = seller.getByRole('checkbox', { name: '新订单待付款 · 邮件' });
    await expect(box).toBeChecked();
    await box.uncheck();
    await Promise.all([
      seller.waitForResponse((r) => r.request().method() === 'POST' && r.status() < 400),
      seller.getByRole('button', { name: '保存通知设置' }).click(),
    ]);
    await expect(seller.getByText('通知设置已保存。')).toBeVisible();
    await expect(seller.getByRole('checkbox', { name: '新订单待付款 · 邮件' })).not.toBeChecked();
    await expect(seller.getByRole('checkbox', { name: '新订单待付款 · 站内消息' })).toBeChecked();
  });

  await test.step('the next order reaches the inbox, but no e-mail is kept for it', async () => {
    const order = await buy(buyer, lotId, '200');
    await expect(async () => {
      await seller.goto('/inbox');
      await expect(inboxFor(order)).toHaveCount(1);
    }).toPass({ timeout: 15_000 });
    // Every channel's delivery is written in the same step as the inbox's: give a stray e-mail time to show.
    await seller.waitForTimeout(2_000);
    await seller.goto('/mailbox');
    await expect(seller.getByTestId('mailbox')).toBeVisible();
    await expect(mailFor(order)).toHaveCount(0);
  });

  await test.step('switching it back on restores the default', async () => {
    await seller.goto('/settings/notifications');
    await waitForHydration(seller);
    await seller.getByRole('checkbox', { name: '新订单待付款 · 邮件' }).check();
    await Promise.all([
      seller.waitForResponse((r) => r.request().method() === 'POST' && r.status() < 400),
      seller.getByRole('button', { name: '保存通知设置' }).click(),
    ]);
    await expect(seller.getByRole('checkbox', { name: '新订单待付款 · 邮件' })).toBeChecked();
  });
});
