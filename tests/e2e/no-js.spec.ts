// Without JavaScript the forms still work: register, see errors, log out and log in with plain HTML posts.
import { expect, test } from '@playwright/test';
import { fillRegisterForm, newAccount } from './helpers';

test.use({ javaScriptEnabled: false, locale: 'zh-CN' });

test('register, log out and log in again without JavaScript', async ({ page }) => {
  const account = newAccount('both');
  const form = page.locator('main form');

  await test.step('a refused registration re-renders with messages, values kept, password empty', async () => {
    await page.goto('/register');
    await fillRegisterForm(page, { ...account, password: 'abc12345' });
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/register',
      ),
      form.getByRole('button', { name: '注册并进入工作台' }).click(),
    ]);
    expect(response.status()).toBe(400);
    await expect(page.locator('#password-error')).toHaveText('密码太短，至少 10 个字符');
    await expect(form.getByLabel('机构名称')).toHaveValue(account.orgName);
    await expect(form.getByLabel('机构类型')).toHaveValue('both');
    await expect(form.getByLabel('你的姓名')).toHaveValue(account.name);
    await expect(form.getByLabel('电子邮箱')).toHaveValue(account.email);
    await expect(form.getByLabel('密码', { exact: true })).toHaveValue('');
  });

  await test.step('registration works with a plain form post', async () => {
    await form.getByLabel('密码', { exact: true }).fill(account.password);
    await form.getByRole('button', { name: '注册并进入工作台' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`欢迎，${account.name}`);
    await expect(page.getByTestId('active-org')).toHaveText(account.orgName);
  });

  await test.step('the account menu opens without JavaScript and logs out', async () => {
    await page.getByTestId('account-menu').click();
    await page.getByRole('button', { name: '退出' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('account-menu')).toHaveCount(0);
  });

  await test.step('a wrong password shows the message', async () => {
    await page.goto('/login');
    await form.getByLabel('电子邮箱').fill(account.email);
    await form.getByLabel('密码', { exact: true }).fill('not-the-password');
    await form.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确');
    await expect(form.getByLabel('电子邮箱')).toHaveValue(account.email);
  });

  await test.step('login works with a plain form post', async () => {
    await form.getByLabel('密码', { exact: true }).fill(account.password);
    await form.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`欢迎，${account.name}`);
  });

  await test.step('the language button works without JavaScript', async () => {
    await page.getByTestId('language-switch').click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${account.name}`);
  });
});
