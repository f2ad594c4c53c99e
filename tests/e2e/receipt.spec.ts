// The buyer's receipt in the browser (#23): a carrier delivers a paid order (送达), the buyer sees 确认收货 beside
// 发起争议 while the inspection window is open, confirms, and the escrow is released at once — the order is completed
// by the buyer's step (not the window's end), the timeline credits the buyer, and the seller's balance has the money.
import { type Page, expect, test } from '@playwright/test';
import { DEMO, press, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const LOT_TITLE = '湛江南美白对虾 40/50 头 塘头鲜活';
const CARRIER = 'carrier@wharf.test';

/** Reloads until the page's shipment section shows `status` (the worker and the carrier act elsewhere). */
async function expectShipment(page: Page, status: string) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('shipment-status')).toHaveText(status, { timeout: 1000 });
  }).toPass({ timeout: 60_000, intervals: [500, 1000, 2000] });
}

test('the buyer confirms receipt of a delivered order: escrow released at once, the timeline credits the buyer', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const buyer = await signedIn(browser, DEMO.restaurantBuyer.email);
  const operator = await signedIn(browser, DEMO.operator.email);
  const carrier = await signedIn(browser, CARRIER);
  let orderId = '';

  const lotId = await test.step('the seller’s desk names the live 40/50 lot', async () => {
    await seller.goto('/sell?status=live');
    const href = await seller
      .getByRole('link', { name: LOT_TITLE, exact: true })
      .first()
      .getAttribute('href');
    const match = /\/sell\/([^/]+)\/edit/.exec(href ?? '');
    expect(match).not.toBeNull();
    return match![1];
  });

  await test.step('the buyer orders 100 kg and the operator records the transfer', async () => {
    await buyer.goto(`/market/${lotId}`);
    await waitForHydration(buyer);
    const box = buyer.getByTestId('buy-box');
    await box.getByLabel('数量').fill('100');
    await Promise.all([
      buyer.waitForURL(/\/orders\/ord_/),
      box.getByRole('button', { name: '下单' }).click(),
    ]);
    orderId = new URL(buyer.url()).pathname.split('/').pop() ?? '';
    await operator.goto('/operator/payments');
    await waitForHydration(operator);
    const row = operator.locator(`[data-testid="payment-row"][data-order-id="${orderId}"]`);
    await row.getByLabel('银行流水号').fill('ICBC 20261205-0231');
    await press(operator, '确认到账', row);
    await expect(operator.getByRole('status')).toContainText('已确认收款');
    // Paid: the buyer's money shows in escrow on its balance.
    await buyer.goto('/balance');
    await expect(
      buyer.getByTestId('escrow-row').filter({ hasText: orderId.slice(-8).toUpperCase() }),
    ).toHaveCount(1);
  });

  await test.step('the seller requests cold-chain transport; the worker finds a vehicle', async () => {
    await seller.goto(`/orders/${orderId}`);
    await waitForHydration(seller);
    await Promise.all([seller.waitForURL(/\/booking$/), seller.getByTestId('request-booking').click()]);
    await waitForHydration(seller);
    const form = seller.getByTestId('booking-form');
    await form.getByLabel('重量（公斤）').fill('100');
    await Promise.all([
      seller.waitForURL(new RegExp(`/orders/${orderId}$`)),
      form.getByRole('button', { name: '提交运输申请' }).click(),
    ]);
    await expect(seller.getByRole('status')).toContainText('已提交运输申请');
    await buyer.goto(`/orders/${orderId}`);
    await expectShipment(buyer, '待承运商确认');
  });

  const shortId = orderId.slice(-8).toUpperCase();
  const card = () => carrier.locator('[data-testid="shipment-card"]', { hasText: `订单 ${shortId}` });

  await test.step('the carrier accepts, picks up and delivers (送达); the inspection window opens', async () => {
    await carrier.goto('/logistics');
    await waitForHydration(carrier);
    await press(carrier, '接单', card());
    await expect(carrier.getByRole('status')).toContainText('已接单');
    await card().getByLabel('过磅重量（公斤）').fill('100');
    await press(carrier, '确认提货', card());
    await expect(carrier.getByRole('status')).toContainText('已确认提货');
    await press(carrier, '确认送达', card());
    await expect(carrier.getByRole('status')).toContainText('已确认送达');
  });

  await test.step('the buyer sees 确认收货 beside 发起争议 and confirms; the order completes at once', async () => {
    await buyer.goto(`/orders/${orderId}`);
    await waitForHydration(buyer);
    await expect(buyer.getByTestId('order-status')).toHaveText('已送达·验货中');
    await expect(buyer.getByTestId('order-inspection')).toBeVisible();
    const accept = buyer.getByTestId('action-accept');
    await expect(accept.getByRole('heading', { name: '确认收货' })).toBeVisible();
    await expect(buyer.getByTestId('action-open_dispute')).toBeVisible();
    // The carrier's step is 送达, credited to the carrier; 确认收货 is the buyer's alone.
    const delivered = buyer
      .getByTestId('timeline-entry')
      .filter({ has: buyer.getByText('送达', { exact: true }) });
    await expect(delivered).toHaveCount(1);
    await expect(delivered).toContainText('南粤冷链物流');
    await expect(buyer.getByTestId('order-timeline')).not.toContainText('确认收货');
    await press(buyer, '确认收货', accept);
    await expect(buyer.getByRole('status')).toContainText('已确认收货，货款已结算给卖家。');
    await expect(buyer.getByTestId('order-status')).toHaveText('已完成');
    await expect(buyer.getByTestId('action-accept')).toHaveCount(0);
    await expect(buyer.getByTestId('action-open_dispute')).toHaveCount(0);
  });

  await test.step('the timeline credits the buyer, not the carrier and not the window’s end', async () => {
    const timeline = buyer.getByTestId('order-timeline');
    const accepted = buyer.getByTestId('timeline-entry').filter({ hasText: '买家确认收货，完成结算' });
    await expect(accepted).toHaveCount(1);
    await expect(accepted).toContainText('粤味轩餐饮集团');
    await expect(accepted).not.toContainText('南粤冷链物流');
    await expect(accepted).toContainText('已送达·验货中 → 已完成');
    await expect(timeline).not.toContainText('验货期结束，完成结算');
  });

  await test.step('the escrow is released: the seller’s statement has the settlement, the buyer holds nothing for it', async () => {
    await seller.goto('/balance');
    const row = seller.getByTestId('statement-row').filter({ hasText: shortId });
    await expect(row).toContainText('订单结算');
    await expect(seller.getByTestId('escrow-row').filter({ hasText: shortId })).toHaveCount(0);
    await buyer.goto('/balance');
    await expect(buyer.getByTestId('escrow-row').filter({ hasText: shortId })).toHaveCount(0);
  });
});
