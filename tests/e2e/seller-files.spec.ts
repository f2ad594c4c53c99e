// Seller files in Chromium, the way an operator keeps them: a new seller shows up without a file, the operator
// starts one, a wrong ID card number is refused with what was typed kept, and the corrected file is on record.
import { expect as baseExpect, test } from '@playwright/test';
import { DEMO, newAccount, pageShots, register, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });
test.describe.configure({ timeout: 120_000 });
const expect = baseExpect.configure({ timeout: 15_000 });
const shots = pageShots('WHARF_SELLER_SHOTS');

test('an operator starts the file of a new seller and corrects a wrong ID number', async ({ browser }) => {
  const seller = newAccount('seller');
  const sellerContext = await browser.newContext({ locale: 'zh-CN' });
  await register(await sellerContext.newPage(), seller);
  await sellerContext.close();

  const operator = await signedIn(browser, DEMO.operator.email);
  await operator.goto('/operator');
  await operator.getByRole('link', { name: '商户档案' }).click();
  await expect(operator.getByRole('heading', { name: '商户档案' })).toBeVisible();
  await operator.getByRole('searchbox', { name: '按商户名称查找' }).fill(seller.orgName);
  await operator.getByRole('button', { name: '查找' }).click();
  const row = operator.getByRole('row').filter({ hasText: seller.orgName });
  await expect(row.getByText('未建档')).toBeVisible();
  await shots.shoot(operator, 'sellers-list');

  await row.getByRole('link', { name: `建立档案 ${seller.orgName}` }).click();
  await waitForHydration(operator);
  await expect(operator.getByText('这家商户还没有档案')).toBeVisible();
  await operator.getByLabel('联系人').fill('王海生');
  await operator.getByLabel('联系电话').fill('13907591234');
  await operator.getByLabel('证件类型').selectOption({ label: '居民身份证号码' });
  await operator.getByLabel('证件号码').fill('110105194912310021');
  await operator.getByLabel('住所/经营地址').fill('广西北海市海城区侨港镇 12 号');
  await operator.getByLabel('销售的产品种类').fill('对虾、青蟹');
  await operator.getByLabel('进货渠道').selectOption({ label: '自产' });
  await operator.getByLabel('主要产地').fill('广西北海');
  await operator.getByRole('button', { name: '保存档案' }).click();

  await expect(operator.getByText('身份证号码不正确')).toBeVisible();
  await expect(operator.getByLabel('联系人')).toHaveValue('王海生');
  await operator.getByLabel('证件号码').fill('11010519491231002X');
  await operator.getByRole('button', { name: '保存档案' }).click();
  await expect(operator.getByText('档案已保存。')).toBeVisible();
  await expect(operator.getByText('这家商户还没有档案')).toBeHidden();
  await expect(operator.getByRole('button', { name: '记录停止销售' })).toBeVisible();
  await shots.shoot(operator, 'sellers-file');

  await operator.getByRole('link', { name: '商户档案' }).click();
  await operator.getByRole('searchbox', { name: '按商户名称查找' }).fill(seller.orgName);
  await operator.getByRole('button', { name: '查找' }).click();
  await expect(operator.getByRole('row').filter({ hasText: seller.orgName }).getByText('在档')).toBeVisible();
});
