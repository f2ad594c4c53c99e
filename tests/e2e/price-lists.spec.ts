// Price lists per buyer (协议价, issue #18) in the browser, in Chinese: the restaurant buys oysters once, the oyster
// co-operative makes a price list naming it with a price for that lot, and the restaurant's trader sees 您的协议价
// on the market and the lot page (the buy box previews it) while the supermarket sees only the list price.
import { expect, test } from '@playwright/test';
import { DEMO, expectAccessible, pageShots, press, signedIn, uniqueTag, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const LOT = '茅尾海特大生蚝 14 厘米以上 酒楼刺身级';
const SUPERMARKET = 'supermarket@wharf.test';

/** With WHARF_PRICE_LIST_SHOTS=<dir>, the test also saves each page it passes at desktop and phone width. */
const { shoot } = pageShots('WHARF_PRICE_LIST_SHOTS');

test('a seller agrees a price with a restaurant; only the restaurant sees and pays it', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const seller = await signedIn(browser, DEMO.oysterSeller.email);
  const restaurant = await signedIn(browser, DEMO.restaurantBuyer.email);
  const supermarket = await signedIn(browser, SUPERMARKET);
  const name = `粤味轩 协议价 ${uniqueTag()}`;
  let lotPath = '';

  await test.step('the restaurant buys 200 oysters at the list price (¥3.80 each)', async () => {
    await restaurant.goto(`/market?q=${encodeURIComponent('茅尾海特大生蚝')}`);
    await waitForHydration(restaurant);
    await restaurant.getByRole('link', { name: LOT }).first().click();
    await expect(restaurant.getByTestId('listing-title')).toHaveText(LOT);
    lotPath = new URL(restaurant.url()).pathname;
    await expect(restaurant.getByTestId('your-price')).toHaveCount(0);
    const box = restaurant.getByTestId('buy-box');
    await box.getByLabel('数量').fill('200');
    await expect(restaurant.getByTestId('buy-total')).toHaveText('¥760.00');
    await Promise.all([
      restaurant.waitForURL(/\/orders\/ord_/),
      box.getByRole('button', { name: '下单' }).click(),
    ]);
  });

  await test.step('the co-operative makes a price list for the restaurant with ¥3.20 for that lot', async () => {
    await seller.goto('/sell');
    await waitForHydration(seller);
    await seller.getByRole('link', { name: '协议价目表' }).click();
    await expect(seller.getByRole('heading', { level: 1 })).toHaveText('协议价目表');
    await seller.getByRole('link', { name: '+ 新建价目表' }).first().click();
    await waitForHydration(seller);
    const form = seller.getByTestId('price-list-form');
    await form.getByLabel('价目表名称').fill(name);
    await Promise.all([
      seller.waitForURL(/\/sell\/price-lists\/prl_/),
      form.getByRole('button', { name: '创建价目表' }).click(),
    ]);
    await waitForHydration(seller);
    await expect(seller.getByRole('heading', { level: 1 })).toHaveText(name);
    await seller.getByRole('searchbox', { name: '搜索采购机构' }).fill('粤味轩');
    await seller.getByRole('button', { name: '搜索', exact: true }).click();
    await seller.getByRole('checkbox', { name: /粤味轩餐饮集团/ }).check();
    await press(seller, '加入所选机构');
    await expect(seller.getByTestId('price-list-buyers')).toContainText('粤味轩餐饮集团');
    const rule = seller.getByTestId('rule-form');
    await rule.getByLabel('货品', { exact: true }).selectOption({ label: LOT });
    // Without a price first: refused on its field, the chosen lot kept.
    await rule.getByRole('button', { name: '添加规则' }).click();
    await expect(rule.getByText('此项必填')).toBeVisible();
    await expect(rule.getByLabel('货品', { exact: true }).locator('option:checked')).toHaveText(LOT);
    await rule.getByLabel(/^固定价/).fill('3.2');
    await press(seller, '添加规则');
    await expect(seller.getByTestId('price-list-rules')).toContainText('¥3.20/件');
    await shoot(seller, 'price-list');
    for (const width of [1280, 390]) {
      await seller.setViewportSize({ width, height: 844 });
      await expectAccessible(seller, `the price list at ${width} px`);
    }
    const listPath = new URL(seller.url()).pathname;
    await seller.goto('/sell/price-lists');
    await waitForHydration(seller);
    await expect(seller.getByTestId('price-lists')).toContainText(name);
    await expectAccessible(seller, 'the price lists at 390 px');
    await shoot(seller, 'price-lists');
    await seller.setViewportSize({ width: 1280, height: 800 });
    await seller.goto(listPath);
    await waitForHydration(seller);
  });

  await test.step('the restaurant sees 您的协议价 on the market and the lot page, and the buy box uses it', async () => {
    await restaurant.goto(`/market?q=${encodeURIComponent('茅尾海特大生蚝')}`);
    await expect(restaurant.getByTestId('card-your-price').first()).toHaveText('您的协议价 ¥3.20/件');
    await restaurant.goto(lotPath);
    await waitForHydration(restaurant);
    await expect(restaurant.getByTestId('your-price')).toContainText('您的协议价 ¥3.20/件');
    await restaurant.getByTestId('buy-box').getByLabel('数量').fill('200');
    await expect(restaurant.getByTestId('buy-total')).toHaveText('¥640.00');
    await shoot(restaurant, 'lot-your-price');
    await expectAccessible(restaurant, 'the lot page with the buyer’s price');
  });

  await test.step('the supermarket sees no trace of it', async () => {
    await supermarket.goto(lotPath);
    await waitForHydration(supermarket);
    await expect(supermarket.getByTestId('your-price')).toHaveCount(0);
    await expect(supermarket.locator('main')).not.toContainText('协议价');
    await supermarket.getByTestId('buy-box').getByLabel('数量').fill('200');
    await expect(supermarket.getByTestId('buy-total')).toHaveText('¥760.00');
  });

  await test.step('the co-operative deletes the list; the restaurant is back at the list price', async () => {
    await press(seller, '删除价目表');
    await expect(seller).toHaveURL(/\/sell\/price-lists$/);
    await restaurant.goto(lotPath);
    await expect(restaurant.getByTestId('your-price')).toHaveCount(0);
  });
});
