// Order farming (订单农业) in the browser, in Chinese: the shrimp farm plans a harvest at its pond, the restaurant and the
// supermarket pre-order, the supermarket opens its share to its customers and one reserves at a store, the farm
// records a short harvest, orders appear for both buyers, and the delivered lot's trace starts at the pond.
import { expect, test } from '@playwright/test';
import { DEMO, pageShots, press, signedIn, uniqueTag, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const SUPERMARKET = 'supermarket@wharf.test';
const POND = '东海岛 3 号塘';

/** With WHARF_FARMING_SHOTS=<dir>, the test also saves each page it passes at desktop and phone width. */
const { shoot } = pageShots('WHARF_FARMING_SHOTS');

test('plan a harvest, two buyers pre-order, consumers reserve, harvest, orders, trace from the pond', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const farm = await signedIn(browser, DEMO.shrimpSeller.email);
  const restaurant = await signedIn(browser, DEMO.restaurantBuyer.email);
  const supermarket = await signedIn(browser, SUPERMARKET);
  const title = `南美白对虾 春造 ${uniqueTag()}`;
  let planPath = '';

  await test.step('the farm publishes a harvest plan for its pond', async () => {
    await farm.goto('/sell/plans/new');
    await waitForHydration(farm);
    await farm.locator('main').getByLabel('品类').selectOption('whiteleg-shrimp');
    await farm.locator('main').getByRole('button', { name: '下一步' }).click();
    const form = farm.getByTestId('plan-form');
    await expect(form).toContainText('南美白对虾');
    await waitForHydration(farm);
    await form.getByLabel('计划标题').fill(title);
    await form.getByLabel('规格等级范围').fill('40/50 至 50/60 头');
    await form.getByLabel('规格（头/公斤）').selectOption('40/50');
    await form.getByLabel('状态').selectOption('live');
    await form.getByLabel('预计产量（最少）').fill('200');
    await form.getByLabel('预计产量（最多）').fill('300');
    await form.getByLabel('每家起订量').fill('20');
    await form.getByLabel('每家限订量').fill('150');
    await form.getByLabel('单价（元/公斤或元/件）').fill('40');
    await form.getByLabel('塘口/地块').fill(POND);
    await form.getByLabel('产地（市县）').fill('湛江');
    await shoot(farm, 'plan-new');
    await Promise.all([
      farm.waitForURL(/\/sell\/plans\/hpl_/),
      form.getByRole('button', { name: '发布计划' }).click(),
    ]);
    await expect(farm.getByRole('heading', { level: 1 })).toHaveText(title);
    planPath = new URL(farm.url()).pathname.replace('/sell', '');
    await farm.getByRole('textbox', { name: '动态内容' }).fill('3 月 2 日投苗 30 万尾，水色正常，长势良好。');
    await press(farm, '发布动态');
  });

  await test.step('the restaurant and the supermarket pre-order', async () => {
    for (const [buyer, kg] of [
      [restaurant, '100'],
      [supermarket, '80'],
    ] as const) {
      await buyer.goto(planPath);
      await waitForHydration(buyer);
      await expect(buyer.getByTestId('plan-facts')).toContainText(POND);
      await expect(buyer.getByTestId('plan-facts')).toContainText('40/50 头/公斤');
      await expect(buyer.getByTestId('plan-posts')).toContainText('长势良好');
      const form = buyer.getByTestId('pre-order-form');
      await form.getByLabel('数量', { exact: true }).fill(kg);
      await press(buyer, '提交预订');
      await expect(buyer.getByTestId('own-pre-order')).toContainText('待确认');
    }
    await shoot(restaurant, 'plan-public');
  });

  await test.step('the farm confirms both pre-orders', async () => {
    await farm.reload();
    await waitForHydration(farm);
    const table = farm.getByTestId('plan-pre-orders');
    for (const name of ['粤味轩', '鲜丰']) {
      await press(farm, '确认', table.getByRole('row', { name: new RegExp(name) }));
    }
    await expect(table).not.toContainText('待确认');
    await shoot(farm, 'plan-seller');
  });

  let consumerLink = '';
  await test.step('the supermarket opens its share to its customers at two stores', async () => {
    await supermarket.goto(planPath);
    await supermarket.getByRole('link', { name: '开放给我方顾客预订' }).click();
    await waitForHydration(supermarket);
    await supermarket.getByLabel('取货门店（每行一个）').fill('鲜丰 海滨店\n鲜丰 人民路店');
    await press(supermarket, '保存并开放');
    consumerLink = (await supermarket.getByTestId('consumer-link').getAttribute('href')) ?? '';
    expect(consumerLink).toMatch(/\/plans\/hpl_\w+\/r\/pre_/);
  });

  await test.step('a customer without an account reserves 3 斤 at a store', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const consumer = await context.newPage();
    await consumer.goto(consumerLink);
    await waitForHydration(consumer);
    await expect(consumer.getByRole('heading', { level: 1 })).toContainText('鲜丰超市连锁');
    const form = consumer.getByTestId('consumer-form');
    await form.getByLabel('姓名').fill('王芳');
    await form.getByLabel('手机号').fill('13800138000');
    await form.getByLabel('取货门店').selectOption('鲜丰 海滨店');
    await form.getByLabel('数量', { exact: true }).fill('3');
    await shoot(consumer, 'plan-consumer');
    await press(consumer, '提交预订');
    await expect(consumer.getByRole('status')).toContainText('预订成功');
    await context.close();

    await supermarket.reload();
    await expect(supermarket.getByTestId('consumer-list')).toContainText('王芳');
    await expect(supermarket.getByTestId('consumer-list')).toContainText('鲜丰 海滨店');
    await shoot(supermarket, 'plan-consumers');
  });

  await test.step('the farm records a short harvest: orders are made in order of commitment', async () => {
    await farm.reload();
    await waitForHydration(farm);
    await farm.getByTestId('harvest-form').getByLabel('实际收获重量').fill('150');
    await press(farm, '登记收获并生成订单');
    const table = farm.getByTestId('plan-pre-orders');
    await expect(table.getByRole('row', { name: /粤味轩/ })).toContainText('已成单');
    await expect(table.getByRole('row', { name: /鲜丰/ })).toContainText('50 公斤');
    await expect(table.getByRole('link', { name: '查看订单' })).toHaveCount(2);
  });

  await test.step('both buyers see their order, the deposit applied and the balance to pay', async () => {
    for (const buyer of [restaurant, supermarket]) {
      await buyer.goto('/preorders');
      const row = buyer.getByTestId('my-pre-orders').getByRole('row', { name: new RegExp(title) });
      await expect(row).toContainText('已成单');
      await Promise.all([
        buyer.waitForURL(/\/orders\/ord_/),
        row.getByRole('link', { name: '查看订单' }).click(),
      ]);
      await expect(buyer.locator('main')).toContainText('待付款');
    }
    await shoot(supermarket, 'plan-order');
  });

  await test.step('the delivered lot’s trace starts at the pond', async () => {
    await restaurant.goto(planPath);
    await Promise.all([restaurant.waitForURL(/\/01\//), restaurant.getByTestId('plan-trace').click()]);
    const first = restaurant.getByTestId('trace-timeline').locator('li').first();
    // The harvest at the plan's pond opens the chain (the timeline names its city only; the origin names the pond).
    await expect(first).toHaveAttribute('data-step', 'harvest');
    await expect(first).toContainText('湛江');
    await expect(restaurant.locator('main')).toContainText(`${POND}（湛江）`);
    // The plan's growth notes come with the lot's trace.
    await expect(restaurant.getByTestId('trace-growth')).toContainText('长势良好');
    await shoot(restaurant, 'plan-trace');
  });
});
