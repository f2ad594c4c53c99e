// Deleting one's account in Chinese: the page says what goes and what is kept, a wrong password is refused,
// the right one lands on the "account deleted" page, and the old e-mail and password no longer sign in.
import { AxeBuilder } from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { newAccount, pageShots, register, submitLogin, waitForHydration } from './helpers';

const shots = pageShots('WHARF_PRIVACY_SHOTS');

/** No serious or critical axe violation, at phone width too, where the page must not scroll sideways. */
async function expectAccessible(page: Page): Promise<void> {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(viewport);
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    ).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('a user deletes the account from settings and cannot sign in again', async ({ page }) => {
  const account = newAccount('buyer');
  await register(page, account);

  await page.goto('/settings');
  await waitForHydration(page);
  await page.getByRole('link', { name: '注销账号' }).click();
  await expect(page).toHaveURL(/\/settings\/privacy\/delete$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: '注销账号' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '依法保留的内容' })).toBeVisible();
  await expect(page.getByText('会继续保留，但其中的你只以化名')).toBeVisible();
  await shots.shoot(page, 'privacy-delete');
  await expectAccessible(page);

  const password = page.getByLabel('输入登录密码以确认');
  await password.fill('not-my-password');
  await page.getByRole('button', { name: '永久注销账号' }).click();
  await expect(page.getByText('密码不对，请重新输入。')).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/privacy\/delete$/);
  await shots.shoot(page, 'privacy-delete-wrong-password');

  await password.fill(account.password);
  await page.getByRole('button', { name: '永久注销账号' }).click();
  await expect(page).toHaveURL(/\/account-deleted$/);
  await expect(page.getByRole('heading', { level: 1, name: '账号已注销' })).toBeVisible();
  await expect(page.getByText('其中的你只以化名出现')).toBeVisible();
  await shots.shoot(page, 'account-deleted');
  await expectAccessible(page);

  // Signed out everywhere: a settings page asks to log in, and the old credentials are refused.
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/login');
  await waitForHydration(page);
  const response = await submitLogin(page, account.email, account.password);
  expect(response.status()).toBe(400);
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('an owner closes an organisation from its members page after typing its name', async ({ page }) => {
  const account = newAccount('buyer');
  await register(page, account);
  await page.getByRole('link', { name: '邀请同事加入机构' }).click();
  await waitForHydration(page);
  await page.getByRole('link', { name: '注销机构' }).click();
  await expect(page).toHaveURL(/\/orgs\/[^/]+\/leave$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: `注销机构 · ${account.orgName}` })).toBeVisible();
  await expect(page.getByText(`请输入完整名称：${account.orgName}`)).toBeVisible();
  await shots.shoot(page, 'org-leave');
  await expectAccessible(page);

  const name = page.getByLabel('输入机构名称以确认');
  await name.fill('别的机构');
  await page.getByRole('button', { name: '注销机构' }).click();
  await expect(page.getByText('机构名称不一致。')).toBeVisible();
  await expect(name).toHaveValue('别的机构');

  await name.fill(account.orgName);
  await page.getByRole('button', { name: '注销机构' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText('机构已注销，所有成员已移出。')).toBeVisible();
  await expect(page.getByText('你还没有加入任何机构')).toBeVisible();
});
