// The account journey: register a seller in Chinese, get the welcome message, switch to English, log out and back in.
import { expect, test } from '@playwright/test';
import { logIn, newAccount, register, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

test('a seller registers in Chinese, is welcomed, switches to English and keeps it after logging in again', async ({
  page,
  context,
}) => {
  const account = newAccount('seller');

  await test.step('register a seller organisation in Chinese', async () => {
    await page.goto('/register');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('开户：注册账户与机构');
    await register(page, account);
  });

  await test.step('the dashboard greets the user in Chinese and names the organisation', async () => {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`欢迎，${account.name}`);
    await expect(page.getByTestId('active-org')).toHaveText(account.orgName);
    await expect(page.getByText('当前机构')).toBeVisible();
    await expect(page.getByText('所有者')).toBeVisible();
    await expect(page.getByTestId('account-menu')).toContainText(account.orgName);
  });

  await test.step('the welcome message arrives: the bell shows 1 unread without reloading', async () => {
    // The worker delivers it through the outbox; the bell updates over server-sent events.
    await expect(page.getByTestId('unread-count')).toHaveText('1', { timeout: 15_000 });
    await expect(page.getByTestId('inbox-bell')).toHaveAttribute('aria-label', '消息，1 条未读');
  });

  await test.step('the welcome message is in the inbox', async () => {
    await page.getByTestId('inbox-bell').click();
    await expect(page).toHaveURL(/\/inbox$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('消息中心');
    const list = page.getByTestId('inbox-list');
    await expect(async () => {
      // Normally there already; reload in case the page was rendered before the worker delivered.
      if (!(await list.getByText('欢迎来到码头').isVisible())) await page.reload();
      await expect(list.getByText('欢迎来到码头')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    await expect(list.getByText(`“${account.orgName}”的账户已开通`)).toBeVisible();
    await expect(page.getByText('1 条未读')).toBeVisible();
    await expect(page.getByTestId('unread-count')).toHaveText('1');
  });

  await test.step('switch to English with the header language button', async () => {
    await page.goto('/dashboard');
    await waitForHydration(page);
    const language = page.getByTestId('language-switch');
    await expect(language).toHaveText('English');
    await language.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${account.name}`);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByText('Acting for')).toBeVisible();
    await expect(page.getByText('Latest messages')).toBeVisible();
    await expect(page.getByText('Welcome to Wharf')).toBeVisible();
    await expect(page.getByTestId('language-switch')).toHaveText('中文');
    await page.getByTestId('account-menu').click();
    await expect(page.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  });

  await test.step('log out from the account menu', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('account-menu')).toHaveCount(0);
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
  });

  await test.step('log in again on a browser without the language cookie: the dashboard is in English', async () => {
    // Without cookies the login page follows the browser (Chinese); English after login proves it was saved on the user.
    await context.clearCookies();
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录码头');
    await logIn(page, account.email, account.password);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${account.name}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('active-org')).toHaveText(account.orgName);
  });
});
