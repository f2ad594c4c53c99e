// The order flow with Stripe configured, against the local Stripe-compatible server (scripts/e2e-stripe.ts):
// buy 500 kg of shrimp, pay on the (local) Stripe Checkout page and its webhook pays the order, the seller ships and weighs
// 492 kg, the buyer confirms, the inspection window (4 s) passes, and Stripe sees one Transfer to the seller
// for 492 kg less the fee and one refund of the 8 kg to the buyer.
import { type Browser, expect, test } from '@playwright/test';
import { stripeBaseURL, stripeControlURL } from '../../playwright.config';
import { DEMO, press, signedIn as signedInAt, waitForHydration } from './helpers';

const signedIn = (browser: Browser, email: string) => signedInAt(browser, email, stripeBaseURL);

test.use({ locale: 'zh-CN', baseURL: stripeBaseURL });

const LOT_TITLE = '湛江南美白对虾 40/50 头 塘头鲜活';

type StripeState = {
  paymentIntents: {
    id: string;
    amount: number;
    status: string;
    transfer_group: string | null;
    metadata: Record<string, string>;
  }[];
  transfers: {
    id: string;
    amount: number;
    currency: string;
    destination: string;
    transfer_group: string | null;
    metadata: Record<string, string>;
  }[];
  refunds: {
    id: string;
    amount: number;
    status: string;
    payment_intent: string;
    metadata: Record<string, string>;
  }[];
  accounts: { id: string; payouts_enabled: boolean; metadata: Record<string, string> }[];
};

async function stripeState(): Promise<StripeState> {
  const response = await fetch(`${stripeControlURL}/state`);
  expect(response.ok).toBe(true);
  return (await response.json()) as StripeState;
}

test('with Stripe: buy, pay on Checkout, ship, weigh, confirm, settle: one Transfer to the seller, 8 kg refunded', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);
  const buyer = await signedIn(browser, DEMO.restaurantBuyer.email);
  let orderId = '';
  let paymentIntentId = '';

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

  await test.step('the buyer orders 500 kg; the order awaits online payment, with no bank instructions', async () => {
    await buyer.goto(`/market/${lotId}`);
    await waitForHydration(buyer);
    await expect(buyer.getByTestId('listing-title')).toHaveText(LOT_TITLE);
    const box = buyer.getByTestId('buy-box');
    await box.getByLabel('数量').fill('500');
    await expect(buyer.getByTestId('buy-total')).toHaveText('¥20,250.00');
    await Promise.all([
      buyer.waitForURL(/\/orders\/ord_/),
      box.getByRole('button', { name: '下单' }).click(),
    ]);
    orderId = new URL(buyer.url()).pathname.split('/').pop() ?? '';
    await expect(buyer.getByRole('status')).toContainText('已下单');
    await expect(buyer.getByTestId('order-status')).toHaveText('待付款');
    await expect(buyer.locator('main')).toContainText('在线支付');
    await expect(buyer.getByTestId('payment-instructions')).toHaveCount(0);
  });

  await test.step('the buyer pays online on Stripe Checkout and comes back to the order', async () => {
    const pay = buyer.getByTestId('pay-online');
    await expect(pay).toContainText('¥20,250.00');
    await Promise.all([
      buyer.waitForURL((url) => url.pathname.startsWith('/checkout/pay/')),
      pay.getByRole('button', { name: '在线支付', exact: true }).click(),
    ]);
    await expect(buyer.locator('body')).toContainText('CNY 20250.00');
    await Promise.all([
      buyer.waitForURL(new RegExp(`/orders/${orderId}\\?paid=1$`)),
      buyer.getByRole('button', { name: 'Pay', exact: true }).click(),
    ]);
    // Checkout made the order's one live PaymentIntent; the webhook may not have landed yet.
    const intents = (await stripeState()).paymentIntents.filter(
      (pi) => pi.metadata.order_id === orderId && pi.status === 'succeeded',
    );
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 2_025_000, transfer_group: `order_${orderId}` });
    paymentIntentId = intents[0]!.id;
  });

  await test.step('the webhook reaches the market and the order is paid', async () => {
    await expect(async () => {
      await buyer.reload();
      await expect(buyer.getByTestId('order-status')).toHaveText('已付款（托管中）', { timeout: 1000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1000, 2000] });
    await expect(buyer.getByTestId('pay-online')).toHaveCount(0);
    await expect(buyer.getByTestId('payment-confirming')).toHaveCount(0);
  });

  await test.step('the seller marks it shipped and records 492 kg at the scale', async () => {
    await seller.goto(`/orders/${orderId}`);
    await waitForHydration(seller);
    await expect(seller.getByTestId('order-status')).toHaveText('已付款（托管中）');
    await press(seller, '标记已发货');
    await expect(seller.getByTestId('order-status')).toHaveText('配送中');
    const weigh = seller.getByTestId('action-record_weight');
    await weigh.getByLabel('过磅数量').fill('492');
    await press(seller, '记录过磅重量', weigh);
    await expect(seller.getByTestId('order-weighed')).toContainText('492 公斤');
    await expect(seller.getByTestId('order-final-total')).toContainText('¥19,926.00');
    await expect(seller.getByTestId('order-seller-receives')).toContainText('¥19,627.11');
  });

  await test.step('the buyer confirms delivery; the window passes and the order completes', async () => {
    await buyer.goto(`/orders/${orderId}`);
    await waitForHydration(buyer);
    await press(buyer, '确认到货');
    await expect(buyer.getByTestId('order-status')).toHaveText('已送达·验货中');
    await expect(async () => {
      await buyer.reload();
      await expect(buyer.getByTestId('order-status')).toHaveText('已完成', { timeout: 1000 });
    }).toPass({ timeout: 60_000, intervals: [1000, 2000] });
    await expect(buyer.getByTestId('timeline-refund')).toHaveText('短重 8 公斤，退还买家 ¥324.00');
  });

  await test.step('Stripe saw one Transfer to the seller for 492 kg less the fee, and the 8 kg refunded', async () => {
    const account = (await stripeState()).accounts.find((a) => a.metadata.org_id === DEMO.shrimpSeller.orgId);
    expect(account?.payouts_enabled).toBe(true);
    await expect(async () => {
      const state = await stripeState();
      const transfers = state.transfers.filter((t) => t.transfer_group === `order_${orderId}`);
      expect(transfers).toHaveLength(1);
      // ¥19,926.00 less the 1.5% fee.
      expect(transfers[0]).toMatchObject({ amount: 1_962_711, currency: 'cny', destination: account!.id });
      const refunds = state.refunds.filter((r) => r.payment_intent === paymentIntentId);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ amount: 32_400, status: 'succeeded' });
    }).toPass({ timeout: 30_000, intervals: [500, 1000, 2000] });
    // Nothing more arrives late: still exactly one Transfer for the order.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await stripeState();
    expect(after.transfers.filter((t) => t.transfer_group === `order_${orderId}`)).toHaveLength(1);
  });
});
