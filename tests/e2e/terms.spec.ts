// 账期端到端（#18，ADR 0056）：茅尾海生蚝合作社给粤味轩一份协议价（烧烤生蚝 ¥1.20/件）和 15 天账期；粤味轩的初级
// 采购员（单笔额度 ¥1,000）按协议价用账期下 2,000 件（¥2,400），订单进入“待审批”；所有者张敏批准后，订单用账期
// 确认（不用付款），本月对账单上买卖双方都看到这笔赊购。
// The junior buyer is made straight in the e2e database, as approvals.spec.ts does.
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import {
  DEMO,
  addJuniorTrader,
  e2eDatabaseUrl,
  expectAccessible,
  pageShots,
  press,
  signedIn,
  uniqueTag,
  waitForHydration,
} from './helpers';

test.use({ locale: 'zh-CN' });

const LOT = '烧烤生蚝 7-9 厘米 带壳 量大从优';
const BUYER_ORG = '粤味轩餐饮集团';

/** With WHARF_TERMS_SHOTS=<dir>, the test also saves each page it passes at desktop and phone width. */
const { shoot } = pageShots('WHARF_TERMS_SHOTS');

/** A junior trader of 粤味轩 (the demo password), limited to ¥1,000 an order; the barbecue oysters' id. */
async function fixtures(): Promise<{ email: string; lotId: string }> {
  const sql = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const email = await addJuniorTrader(sql, '小李', 100000);
    const [{ id: lotId }] = await sql<{ id: string }[]>`
      select id from listings where seller_org_id = 'org_maowei' and title_zh = ${LOT}`;
    return { email, lotId };
  } finally {
    await sql.end();
  }
}

test('卖家给餐厅协议价和 15 天账期；初级采购员的大额账期订单经审批确认，月度对账单列出它', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { email, lotId } = await fixtures();
  const seller = await signedIn(browser, DEMO.oysterSeller.email);
  const junior = await signedIn(browser, email);
  const owner = await signedIn(browser, DEMO.restaurantBuyer.email);
  const poNumber = `PO-${uniqueTag().slice(-6).toUpperCase()}`;

  await test.step('粤味轩先按挂牌价买一次烧烤生蚝（1,000 件，¥1.50/件）', async () => {
    // A seller may put on its lists and give terms only to verified buyers or ones that have bought from it.
    await owner.goto(`/orders/new?listingId=${lotId}`);
    await waitForHydration(owner);
    await owner.locator('main').getByLabel('数量').fill('1000');
    await expect(owner.getByTestId('buy-total')).toHaveText('¥1,500.00');
    await press(owner, '下单');
    await expect(owner).toHaveURL(/\/orders\/ord_/);
  });

  await test.step('卖家给粤味轩建协议价目表：烧烤生蚝每件 ¥1.20', async () => {
    await seller.goto('/sell');
    await waitForHydration(seller);
    await seller.getByRole('link', { name: '协议价目表' }).click();
    await seller.getByRole('link', { name: '+ 新建价目表' }).first().click();
    await waitForHydration(seller);
    const form = seller.getByTestId('price-list-form');
    await form.getByLabel('价目表名称').fill(`粤味轩 烧烤蚝 ${uniqueTag()}`);
    await Promise.all([
      seller.waitForURL(/\/sell\/price-lists\/prl_/),
      form.getByRole('button', { name: '创建价目表' }).click(),
    ]);
    await waitForHydration(seller);
    await seller.getByRole('searchbox', { name: '搜索采购机构' }).fill('粤味轩');
    await seller.getByRole('button', { name: '搜索', exact: true }).click();
    await seller.getByRole('checkbox', { name: new RegExp(BUYER_ORG) }).check();
    await press(seller, '加入所选机构');
    await expect(seller.getByTestId('price-list-buyers')).toContainText(BUYER_ORG);
    const rule = seller.getByTestId('rule-form');
    await rule.getByLabel('货品', { exact: true }).selectOption({ label: LOT });
    await rule.getByLabel(/^固定价/).fill('1.2');
    await press(seller, '添加规则');
    await expect(seller.getByTestId('price-list-rules')).toContainText('¥1.20/件');
  });

  await test.step('卖家在“账期管理”里查看系统建议，给粤味轩 15 天账期、额度 ¥50,000', async () => {
    await seller.goto('/sell');
    await waitForHydration(seller);
    await seller.getByRole('link', { name: '账期', exact: true }).click();
    await expect(seller.getByRole('heading', { level: 1 })).toHaveText('账期管理');
    await waitForHydration(seller);
    await seller.getByLabel('按名称查找买家').fill('粤味轩');
    await seller.getByRole('button', { name: '查看建议' }).click();
    const option = seller.getByLabel('买家', { exact: true }).locator('option', { hasText: BUYER_ORG });
    await expect(option).toHaveCount(1);
    await seller.getByLabel('买家', { exact: true }).selectOption((await option.getAttribute('value')) ?? '');
    await seller.getByRole('button', { name: '查看建议' }).click();
    await expect(seller.getByRole('note')).toContainText('系统建议');
    // An empty limit is refused on its field, the chosen days kept.
    await seller.getByRole('radio', { name: '15 天' }).check();
    await seller.getByLabel('信用额度（元）').fill('');
    await seller.getByRole('button', { name: /授予账期|保存修改/ }).click();
    await expect(seller.locator('#limit-error')).toBeVisible();
    await expect(seller.getByRole('radio', { name: '15 天' })).toBeChecked();
    await seller.getByLabel('信用额度（元）').fill('50000');
    await seller.getByRole('button', { name: /授予账期|保存修改/ }).click();
    const row = seller.getByRole('row', { name: new RegExp(BUYER_ORG) });
    await expect(row).toContainText('15 天');
    await expect(row).toContainText('¥50,000.00');
    await expect(row).toContainText('生效中');
    await shoot(seller, 'terms-seller');
    await expectAccessible(seller, 'the seller’s credit terms', [1280, 390]);
  });

  const orderUrl =
    await test.step('初级采购员按协议价用账期下 2,000 件，超出单笔额度，订单进入待审批', async () => {
      await junior.goto(`/orders/new?listingId=${lotId}`);
      await waitForHydration(junior);
      const main = junior.locator('main');
      await main.getByLabel('数量').fill('2000');
      await expect(junior.getByTestId('buy-total')).toHaveText('¥2,400.00');
      await main.getByRole('radio', { name: /账期 15 天/ }).check();
      await main.getByLabel('采购单号（选填）').fill(poNumber);
      await shoot(junior, 'terms-buy-box');
      await press(junior, '下单');
      await expect(junior).toHaveURL(/\/orders\/ord_/);
      await expect(junior.getByTestId('order-status')).toHaveText('待审批');
      await expect(junior.getByTestId('order-payment-method')).toHaveText('付款方式账期');
      return junior.url();
    });

  await test.step('所有者批准；订单用账期确认，不用付款', async () => {
    await owner.goto(new URL(orderUrl).pathname);
    await waitForHydration(owner);
    const panel = owner.getByTestId('approval-panel');
    await panel.getByLabel('审批意见').fill('老客户，账期下单');
    await press(owner, '批准', panel);
    await expect(owner.getByTestId('order-status')).toHaveText('已付款（托管中）');
    await expect(owner.locator('main')).toContainText('审批通过');
    await expect(owner.locator('main')).toContainText('已批准，订单按账期确认');
    await expect(owner.getByTestId('order-timeline')).toContainText('账期确认');
    await expect(owner.getByTestId('order-timeline')).not.toContainText('收到货款');
    const terms = owner.getByTestId('order-terms');
    await expect(terms).toContainText('15 天');
    await expect(terms).toContainText('¥2,400.00');
    await expect(owner.getByTestId('payment-instructions')).toHaveCount(0);
    await shoot(owner, 'terms-order');
  });

  await test.step('买方本月对账单列出这笔赊购，可下载 CSV', async () => {
    await owner.goto('/orders');
    await owner.getByRole('link', { name: '对账单' }).click();
    await expect(owner.getByRole('heading', { level: 1 })).toHaveText('对账单');
    const line = owner.getByRole('row', { name: new RegExp(poNumber) });
    await expect(line).toContainText('账期下单');
    await expect(line).toContainText('茅尾海');
    await expect(line).toContainText('¥2,400.00');
    await expect(owner.locator('main')).toContainText('期末欠款');
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('link', { name: '下载 CSV' }).click(),
    ]);
    const csv = await download.createReadStream().then(async (stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    });
    expect(csv).toContain(poNumber);
    await shoot(owner, 'terms-statement');
    await expectAccessible(owner, 'the buyer’s statement', [1280, 390]);
  });

  await test.step('卖方的对账单也列出它', async () => {
    await seller.goto('/sell/terms');
    await seller.getByRole('link', { name: '查看对账单' }).click();
    await expect(seller.getByRole('heading', { level: 1 })).toHaveText('对账单');
    const line = seller.getByRole('row', { name: new RegExp(poNumber) });
    await expect(line).toContainText(BUYER_ORG);
    await expect(line).toContainText('¥2,400.00');
  });
});
