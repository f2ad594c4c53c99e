// Order farming without JavaScript, at phone width and in Chinese: the farm picks the category with a plain GET, a
// plan priced off the reference without its grade is refused (400, message at the field, input kept), the fixed
// plan is published, and a buyer pre-orders on the plan's page with a plain form post.
import { type Browser, type Page, expect, test } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, uniqueTag } from './helpers';

async function noScript(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  const page = await context.newPage();
  await page.goto('/login');
  const form = page.locator('main form');
  await form.getByLabel('电子邮箱').fill(email);
  await form.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await form.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
}

async function post(page: Page, button: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.locator('main').getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response.status();
}

test('a harvest plan is published and pre-ordered without JavaScript', async ({ browser }) => {
  test.setTimeout(120_000);
  const title = `无脚本 对虾计划 ${uniqueTag()}`;
  const farm = await noScript(browser, DEMO.shrimpSeller.email);
  let planPath = '';

  await test.step('the farm chooses the category, then the form shows its grade fields', async () => {
    await farm.goto('/sell/plans/new');
    await farm.locator('main').getByLabel('品类').selectOption('whiteleg-shrimp');
    await farm.locator('main').getByRole('button', { name: '下一步' }).click();
    await expect(farm).toHaveURL(/\/sell\/plans\/new\?category=whiteleg-shrimp$/);
    await expect(farm.getByTestId('plan-spec')).toBeVisible();
  });

  await test.step('a reference price without the grade is refused at the grade field, the input kept', async () => {
    const form = farm.getByTestId('plan-form');
    await form.getByLabel('计划标题').fill(title);
    await form.getByLabel('预计产量（最少）').fill('200');
    await form.getByLabel('预计产量（最多）').fill('300');
    await form.getByLabel('每家起订量').fill('20');
    await form.getByLabel('每家限订量').fill('150');
    await form.getByLabel('定价方式').selectOption('reference');
    await form.getByLabel('单价（元/公斤或元/件）').fill('40');
    await form.getByLabel('塘口/地块').fill('东海岛 5 号塘');
    await form.getByLabel('产地（市县）').fill('湛江');
    expect(await post(farm, '发布计划')).toBe(400);
    await expect(farm.locator('#spec\\.count-error')).toHaveText('按参考价计价时请选择规格');
    await expect(farm.getByTestId('plan-form').getByLabel('计划标题')).toHaveValue(title);
    await expect(farm.getByTestId('plan-form').getByLabel('塘口/地块')).toHaveValue('东海岛 5 号塘');
  });

  await test.step('with the grade chosen the plan is published', async () => {
    await farm.getByTestId('plan-form').getByLabel('规格（头/公斤）').selectOption('40/50');
    expect(await post(farm, '发布计划')).toBe(302);
    await expect(farm).toHaveURL(/\/sell\/plans\/hpl_\w+$/);
    await expect(farm.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(farm.getByTestId('plan-facts')).toContainText('40/50 头/公斤');
    planPath = new URL(farm.url()).pathname.replace('/sell', '');
    await farm.context().close();
  });

  await test.step('a buyer pre-orders with a plain form post', async () => {
    const buyer = await noScript(browser, DEMO.restaurantBuyer.email);
    await buyer.goto(planPath);
    const form = buyer.getByTestId('pre-order-form');
    await form.getByLabel('数量', { exact: true }).fill('5');
    expect(await post(buyer, '提交预订')).toBe(400);
    await expect(buyer.getByTestId('pre-order-form').getByLabel('数量', { exact: true })).toHaveValue('5');
    await buyer.getByTestId('pre-order-form').getByLabel('数量', { exact: true }).fill('30');
    expect(await post(buyer, '提交预订')).toBe(302);
    await expect(buyer.getByTestId('own-pre-order')).toContainText('待确认');
    await buyer.context().close();
  });
});
