// Cold chain in the browser: a paid order's seller books transport, the carrier accepts, picks up and delivers while the
// buyer watches each step, and an anonymous visitor opens the lot's public trace from its label's QR URL.
import { type Page, expect, test } from '@playwright/test';
import { signTelemetry } from '../../app/coldchain/signature';
import { DEMO, press, signedIn, waitForHydration, pageShots } from './helpers';

test.use({ locale: 'zh-CN' });

const LOT_TITLE = '湛江南美白对虾 40/50 头 塘头鲜活';

/** With WHARF_COLDCHAIN_SHOTS=<dir>, the test also saves each page it passes at desktop and phone width. */
const shots = pageShots('WHARF_COLDCHAIN_SHOTS');
const shoot = shots.shoot;

/** Reloads until the buyer's shipment section shows `status` (the worker and the carrier act elsewhere). */
async function expectShipment(page: Page, status: string) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('shipment-status')).toHaveText(status, { timeout: 1000 });
  }).toPass({ timeout: 60_000, intervals: [500, 1000, 2000] });
}

test('a paid order is booked, accepted, picked up and delivered; the lot’s QR URL shows pond to table', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const buyer = await signedIn(browser, DEMO.restaurantBuyer.email);
  const operator = await signedIn(browser, DEMO.operator.email);
  const carrier = await signedIn(browser, 'carrier@wharf.test');
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
    await row.getByLabel('银行流水号').fill('ICBC 20261128-0107');
    await press(operator, '确认到账', row);
    await expect(operator.getByRole('status')).toContainText('已确认收款');
  });

  await test.step('the seller requests cold-chain transport from the paid order', async () => {
    await seller.goto(`/orders/${orderId}`);
    await waitForHydration(seller);
    await expect(seller.getByTestId('order-status')).toHaveText('已付款（托管中）');
    await shoot(seller, 'order-before-booking');
    await Promise.all([seller.waitForURL(/\/booking$/), seller.getByTestId('request-booking').click()]);
    await waitForHydration(seller);
    const form = seller.getByTestId('booking-form');
    await expect(form.getByLabel('温区')).toHaveValue('live');
    await expect(form.getByLabel('送货地点')).toHaveValue('广州');
    await form.getByLabel('重量（公斤）').fill('100');
    await shoot(seller, 'booking-form');
    await Promise.all([
      seller.waitForURL(new RegExp(`/orders/${orderId}$`)),
      form.getByRole('button', { name: '提交运输申请' }).click(),
    ]);
    await expect(seller.getByRole('status')).toContainText('已提交运输申请');
    // The seller asked, so the seller (and not the buyer) may call it off before pickup.
    // It asks once more before giving the room away.
    const cancel = seller.getByTestId('cancel-booking');
    await expect(cancel.getByRole('button', { name: '确认取消预约' })).toBeHidden();
    await cancel.getByText('取消运输预约').click();
    await expect(cancel.getByRole('button', { name: '确认取消预约' })).toBeVisible();
    await shoot(seller, 'order-booking-requested');
  });

  await test.step('the worker finds the live-water tanker; the buyer sees it waiting for the carrier', async () => {
    await buyer.goto(`/orders/${orderId}`);
    await expectShipment(buyer, '待承运商确认');
    await expect(buyer.getByTestId('cancel-booking')).toHaveCount(0);
  });

  const shortId = orderId.slice(-8).toUpperCase();
  const card = () => carrier.locator('[data-testid="shipment-card"]', { hasText: `订单 ${shortId}` });

  await test.step('the carrier accepts; the buyer sees the vehicle', async () => {
    await carrier.goto('/logistics');
    await waitForHydration(carrier);
    await shoot(carrier, 'carrier-desk');
    await press(carrier, '接单', card());
    await expect(carrier.getByRole('status')).toContainText('已接单');
    await expectShipment(buyer, '已接单，待提货');
    await expect(buyer.getByTestId('shipment-plate')).toHaveText(/^粤|^桂/);
  });

  await test.step('the carrier picks up with the weighed quantity; the order is shipping', async () => {
    await card().getByLabel('过磅重量（公斤）').fill('99.5');
    await press(carrier, '确认提货', card());
    await expect(carrier.getByRole('status')).toContainText('已确认提货');
    await expectShipment(buyer, '运输中');
    await expect(buyer.getByTestId('order-status')).toHaveText('配送中');
    await expect(buyer.getByTestId('order-weighed')).toContainText('99.5 公斤');
  });

  await test.step('the truck’s logger posts signed readings; the buyer sees the temperature against the band', async () => {
    const plate = (await buyer.getByTestId('shipment-plate').textContent()) ?? '';
    const vehicle = carrier.getByTestId('vehicles').locator('li', { hasText: plate });
    await vehicle.getByRole('link', { name: '显示密钥' }).click();
    const deviceId = /dev_[0-9a-z]+/.exec((await vehicle.textContent()) ?? '')?.[0] ?? '';
    const secret = (await vehicle.locator('code').textContent()) ?? '';
    const now = Date.now();
    const temps = [16, 16.5, 21.5, 22, 17];
    const body = JSON.stringify({
      readings: temps.map((tempC, i) => ({ at: new Date(now + i * 45_000).toISOString(), tempC })),
    });
    const timestamp = String(Math.floor(now / 1000));
    const posted = await carrier.request.post(`/api/telemetry/${deviceId}`, {
      data: body,
      headers: {
        'Content-Type': 'application/json',
        'X-Timestamp': timestamp,
        'X-Signature': signTelemetry(secret, timestamp, body),
      },
    });
    expect(posted.status()).toBe(202);
    await buyer.reload();
    await expect(buyer.getByTestId('temperature-chart')).toBeVisible();
    await expect(buyer.getByTestId('temperature-summary')).toContainText('共 5 条记录');
    await shoot(buyer, 'order-buyer-in-transit');
  });

  await test.step('the carrier delivers; the buyer’s inspection window opens', async () => {
    await press(carrier, '确认送达', card());
    await expect(carrier.getByRole('status')).toContainText('已确认送达');
    await expectShipment(buyer, '已送达');
    await expect(buyer.getByTestId('order-status')).toHaveText('已送达·验货中');
    // The hand-overs moved the order; the timeline says who did it.
    await expect(buyer.getByTestId('order-timeline')).toContainText('南粤冷链物流');
    await shoot(buyer, 'order-buyer-delivered');
  });

  const tracePath = await test.step('the seller’s label carries the lot’s QR URL', async () => {
    // The seller's logistics desk lists its bookings and links each lot's label.
    await seller.goto('/logistics');
    await expect(
      seller.locator('[data-testid="shipment-card"]', { hasText: `订单 ${shortId}` }).getByText('已送达'),
    ).toBeVisible();
    await shoot(seller, 'seller-desk');
    await Promise.all([
      seller.waitForURL(`**/sell/${lotId}/label`),
      seller
        .getByTestId('lot-labels')
        .locator('li', { hasText: LOT_TITLE })
        .first()
        .getByRole('link', { name: '货品标签' })
        .click(),
    ]);
    await expect(seller.getByTestId('label-qr').locator('svg')).toBeVisible();
    await shoot(seller, 'label');
    const href = await seller.getByTestId('label-trace-link').getAttribute('href');
    expect(href).toMatch(/^\/01\/\d{14}\/10\/[0-9a-z]{20}$/);
    return href ?? '';
  });

  await test.step('an anonymous visitor scans it: harvest → inspection → shipping → receiving', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const visitor = await context.newPage();
    await visitor.goto(tracePath);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(LOT_TITLE);
    const steps = await visitor
      .getByTestId('trace-timeline')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-step')));
    const order = ['harvest', 'inspection', 'shipping', 'receiving'].map((s) => steps.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await expect(visitor.getByTestId('trace-timeline')).toContainText('起捕 / 采收');
    await expect(visitor.getByTestId('trace-timeline')).toContainText('收货');
    await expect(visitor.getByTestId('trace-certificate')).toContainText('粤湛水合格');
    // No prices, no people.
    await expect(visitor.locator('main')).not.toContainText('¥');
    await expect(visitor.locator('main')).not.toContainText('张敏');
    await shoot(visitor, 'public-trace');
    await context.close();
  });
});
