// The operator console in Chromium: review of an unverified seller's lot (reject, fix, approve), screening, and a suspension.
import { type Browser, type Page, expect as baseExpect, test } from '@playwright/test';
import {
  DEMO,
  DEMO_PASSWORD,
  logIn,
  newAccount,
  register,
  submitLogin,
  uniqueTag,
  waitForHydration,
} from './helpers';

test.use({ locale: 'zh-CN' });
// Each flow has two or three people taking turns through several pages, on a machine other suites share.
test.describe.configure({ timeout: 180_000 });
const expect = baseExpect.configure({ timeout: 15_000 });

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

async function page(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** Fills the listing form for a shrimp lot and publishes it; returns the lot's id from the seller's desk. */
async function listShrimp(seller: Page, title: string, price = '40') {
  await seller.goto('/sell/new?category=whiteleg-shrimp');
  await waitForHydration(seller);
  const form = seller.locator('main form[enctype="multipart/form-data"]');
  await form.locator('[name="titleZh"]').fill(title);
  await form.locator('[name="spec.count"]').selectOption('40/50');
  await form.locator('[name="spec.state"]').selectOption('live');
  await form.locator('[name="originName"]').fill('北海 2 号塘');
  await form.locator('[name="originRegion"]').fill('广西北海');
  await form.locator('[name="harvestDate"]').fill(today());
  await form.locator('[name="shelfLifeDays"]').fill('3');
  await form.locator('[name="quantity"]').fill('500');
  await form.locator('[name="unit"]').selectOption('kg');
  await form.locator('[name="moq"]').fill('20');
  await form.locator('[name="priceUnit"]').selectOption('kg');
  await form.locator('[name="tiers.0.price"]').fill(price);
  await form.locator('[name="pickupPlace"]').fill('北海侨港水产市场');
  await form.getByRole('button', { name: '发布' }).click();
  await expect(seller).toHaveURL(/\/sell(\?|$)/);
  const link = seller.getByRole('link', { name: title, exact: true });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  const id = /\/sell\/(lst_[a-z0-9]+)/.exec(href ?? '')?.[1];
  if (!id) throw new Error(`no lot id for ${title}`);
  return id;
}

test('an unverified seller’s lot waits for review, is rejected with a reason, fixed, resubmitted and approved', async ({
  browser,
}) => {
  const tag = uniqueTag();
  const title = `北海白对虾 40/50 鲜活 ${tag}`;
  const seller = await page(browser);
  await register(seller, newAccount('seller'));
  const lotId = await listShrimp(seller, title);
  await seller.goto(`/sell/${lotId}/edit`);
  await expect(seller.getByText('待审核').first()).toBeVisible();

  const operator = await page(browser);
  await logIn(operator, DEMO.operator.email, DEMO_PASSWORD);

  await test.step('it waits in the review queue with why', async () => {
    await operator.goto('/operator/reviews');
    const item = operator.locator(`[data-review="${lotId}"]`);
    await expect(item).toBeVisible();
    await expect(item).toContainText('卖家尚未认证');
  });

  await test.step('a rejection without a reason is refused with a message', async () => {
    await waitForHydration(operator);
    const item = operator.locator(`[data-review="${lotId}"]`);
    const [response] = await Promise.all([
      operator.waitForResponse((r) => r.request().method() === 'POST'),
      item.getByRole('button', { name: '驳回修改' }).click(),
    ]);
    expect(response.status()).toBe(400);
    await expect(operator.locator(`[data-review="${lotId}"]`)).toContainText('请写明原因');
  });

  await test.step('the operator rejects it with a reason', async () => {
    const item = operator.locator(`[data-review="${lotId}"]`);
    await item.getByLabel('原因').fill('请写明规格是否为塘头现捞，并补充检疫证明');
    await item.getByRole('button', { name: '驳回修改' }).click();
    await expect(operator.getByText('已驳回，卖家会收到原因。')).toBeVisible();
    await expect(operator.locator(`[data-review="${lotId}"]`)).toHaveCount(0);
  });

  await test.step('the seller sees the reason, fixes the lot and resubmits', async () => {
    await seller.goto(`/sell/${lotId}/edit`);
    await waitForHydration(seller);
    await expect(seller.getByText('状态说明：请写明规格是否为塘头现捞，并补充检疫证明')).toBeVisible();
    await seller.locator('[name="titleZh"]').fill(`${title} 塘头现捞`);
    await Promise.all([
      seller.waitForResponse((r) => r.request().method() === 'POST' && r.status() < 400),
      seller.getByRole('button', { name: '保存并发布' }).click(),
    ]);
    // Resubmitted: the rejection's note is gone and the lot waits for review again.
    await expect(seller.getByText('状态说明：请写明规格是否为塘头现捞，并补充检疫证明')).toHaveCount(0);
    await seller.goto(`/sell/${lotId}/edit`);
    await expect(seller.getByText('待审核').first()).toBeVisible();
  });

  await test.step('the operator approves it and it is live on the market', async () => {
    await operator.goto('/operator/reviews');
    await waitForHydration(operator);
    const item = operator.locator(`[data-review="${lotId}"]`);
    await expect(item).toContainText('塘头现捞');
    await item.getByRole('button', { name: '通过上架' }).click();
    await expect(operator.getByText('已通过，货品已上架。')).toBeVisible();
    const buyer = await page(browser);
    const response = await buyer.goto(`/market/${lotId}`);
    expect(response?.status()).toBe(200);
    await expect(buyer.getByRole('heading', { name: `${title} 塘头现捞` })).toBeVisible();
  });
});

test('a lot with a banned word is flagged by screening and waits for review with the word named', async ({
  browser,
}) => {
  const tag = uniqueTag();
  const title = `高仿进口白对虾 ${tag}`;
  const seller = await page(browser);
  await logIn(seller, DEMO.shrimpSeller.email, DEMO_PASSWORD);
  const lotId = await listShrimp(seller, title);
  // The verified seller's lot goes up at once; the moderation worker takes it back down within moments.
  await expect(async () => {
    await seller.goto(`/sell/${lotId}/edit`);
    await expect(seller.getByText(/状态说明：含违禁或疑似假冒用语：高仿/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  const operator = await page(browser);
  await logIn(operator, DEMO.operator.email, DEMO_PASSWORD);
  await operator.goto('/operator/reviews');
  const item = operator.locator(`[data-review="${lotId}"]`);
  await expect(item.locator('[data-flag="banned_word"]')).toContainText('违禁词：高仿');
  await waitForHydration(operator);
  await item.getByLabel('原因').fill('标题含“高仿”，不得上架');
  await item.getByRole('button', { name: '下架' }).click();
  await expect(operator.getByText('已下架。')).toBeVisible();
});

test('a suspended org’s trader is logged out and cannot log in until the suspension ends', async ({
  browser,
}) => {
  const account = newAccount('seller');
  const trader = await page(browser);
  await register(trader, account);
  await trader.goto('/sell');
  await expect(trader).toHaveURL(/\/sell/);

  const operator = await page(browser);
  await logIn(operator, DEMO.operator.email, DEMO_PASSWORD);
  await operator.goto(`/operator/orgs?q=${encodeURIComponent(account.orgName)}`);
  await waitForHydration(operator);
  const card = operator.locator('[data-org]').filter({ hasText: account.orgName });
  await card.getByText('暂停或禁止交易…').click();
  await card.getByLabel('暂停天数').fill('2');
  await card.getByLabel('原因').fill('多次虚报规格');
  await card.getByRole('button', { name: '执行处罚' }).click();
  await expect(operator.getByText(/已暂停该商户交易/)).toBeVisible();

  await test.step('the trader is logged out', async () => {
    await trader.goto('/sell');
    await expect(trader).toHaveURL(/\/login/);
  });

  await test.step('and cannot log in, told until when', async () => {
    await trader.goto('/login');
    await waitForHydration(trader);
    const response = await submitLogin(trader, account.email, account.password);
    expect(response.status()).toBe(403);
    await expect(trader.getByRole('alert')).toContainText(/之后才能登录/);
  });

  await test.step('once the suspension ends the trader logs in and works again', async () => {
    await operator.goto(`/operator/orgs?q=${encodeURIComponent(account.orgName)}`);
    await waitForHydration(operator);
    await operator
      .locator('[data-org]')
      .filter({ hasText: account.orgName })
      .getByRole('button', { name: '解除处罚' })
      .click();
    await expect(operator.getByText(/已解除处罚/)).toBeVisible();
    await logIn(trader, account.email, account.password);
    await trader.goto('/sell/new?category=whiteleg-shrimp');
    await expect(trader.locator('main form[enctype="multipart/form-data"]')).toBeVisible();
  });
});
