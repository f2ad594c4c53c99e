// Repeat buying (常购清单与定期采购) in the browser, in Chinese: a supermarket puts two sellers' lots into a requisition
// list from their pages, orders them all at once (two orders, one total to pay), and sets one up to be bought every
// Tuesday, then pauses it.
import { expect, test } from '@playwright/test';
import { DEMO, expectAccessible, press, signedIn, uniqueTag, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const SHRIMP = '南美白对虾 30/40 头 大规格 鲜活';
const OYSTER = '钦州茅尾海生蚝 10-12 厘米 带壳鲜活';

test('a two-seller requisition list ordered at once, and a weekly standing order paused', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const lotIds: string[] = [];
  for (const [email, title] of [
    [DEMO.shrimpSeller.email, SHRIMP],
    [DEMO.oysterSeller.email, OYSTER],
  ] as const) {
    const seller = await signedIn(browser, email);
    await seller.goto('/sell?status=live');
    const href = await seller.getByRole('link', { name: title, exact: true }).first().getAttribute('href');
    const match = /\/sell\/([^/]+)\/edit/.exec(href ?? '');
    expect(match).not.toBeNull();
    lotIds.push(match?.[1] ?? '');
    await seller.context().close();
  }
  const buyer = await signedIn(browser, 'supermarket@wharf.test');
  const listName = `周二进货 ${uniqueTag()}`;
  let listUrl = '';
  let checkoutUrl = '';

  await test.step('both lots go into a new list from their pages', async () => {
    for (const [i, [lotId, quantity]] of [
      [lotIds[0], '60'],
      [lotIds[1], '600'],
    ].entries()) {
      await buyer.goto(`/market/${lotId}`);
      await buyer.getByRole('link', { name: /加入常购清单/ }).click();
      await expect(buyer).toHaveURL(/\/buy\/lists\/add\?listing=/);
      await waitForHydration(buyer);
      const form = buyer.getByTestId('add-to-list');
      if (i === 0) {
        await form.getByLabel('清单', { exact: true }).selectOption('new');
        await form.getByLabel('新清单名称').fill(listName);
      } else await form.getByLabel('清单', { exact: true }).selectOption({ label: listName });
      await form.getByLabel('数量').fill(quantity ?? '');
      await Promise.all([buyer.waitForURL(/\/buy\/lists\/rql_/), press(buyer, '加入清单')]);
    }
    await expect(buyer.getByRole('heading', { level: 1 })).toHaveText(listName);
    await expect(buyer.getByTestId('requisition-lines').locator('tbody tr')).toHaveCount(2);
  });

  await test.step('“全部下单” makes one order per seller with one total to pay', async () => {
    await expectAccessible(buyer, 'requisition list');
    listUrl = buyer.url();
    await Promise.all([buyer.waitForURL(/\/buy\/checkouts\/chk_/), press(buyer, '全部下单')]);
    checkoutUrl = buyer.url();
    await expect(buyer.getByTestId('checkout-orders').locator('tbody tr')).toHaveCount(2);
    await expect(buyer.getByTestId('checkout-orders')).toContainText('待付款');
    await expect(buyer.getByTestId('checkout-total')).toContainText('应付总额');
    await expect(buyer.getByTestId('checkout-total')).toContainText('¥');
    await expectAccessible(buyer, 'checkout summary');
    await buyer.goto(listUrl);
  });

  await test.step('the shrimp becomes a Tuesday standing order, then is paused', async () => {
    await buyer.getByTestId('requisition-lines').getByRole('link', { name: '每周定期采购' }).first().click();
    await waitForHydration(buyer);
    const form = buyer.getByTestId('standing-form');
    await expect(form.getByLabel('数量')).toHaveValue('60');
    await form.getByLabel('每周几').selectOption({ label: '周二' });
    await form.getByLabel('价格最多上涨（%）').fill('8');
    await Promise.all([buyer.waitForURL(/\/buy\/standing/), press(buyer, '设为每周定期采购')]);
    const row = buyer.getByTestId('standing-orders').locator('tbody tr', { hasText: SHRIMP }).last();
    await expect(row).toContainText('周二');
    await expect(row).toContainText('进行中');
    await press(buyer, '暂停', row);
    await expect(
      buyer.getByTestId('standing-orders').locator('tbody tr', { hasText: SHRIMP }).last(),
    ).toContainText('已暂停');
  });

  await test.step('the pages are accessible and fit a phone', async () => {
    await expectAccessible(buyer, 'standing orders');
    await buyer.setViewportSize({ width: 390, height: 844 });
    for (const [url, name] of [
      [listUrl, 'requisition list'],
      ['/buy/lists', 'requisition lists'],
      [checkoutUrl, 'checkout summary'],
      [`/buy/lists/add?listing=${lotIds[0]}`, 'add to a list'],
      ['/buy/standing', 'standing orders'],
    ] as const) {
      await buyer.goto(url);
      await expectAccessible(buyer, `${name} (phone)`);
    }
  });
});
