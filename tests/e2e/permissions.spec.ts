// Access control in the browser: other orgs' pages are 404, wrong org kinds get 403, anonymous users go to login.
import { expect, test } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, logIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

test('a member of one organisation gets 404 on another organisation’s members page', async ({ page }) => {
  await logIn(page, DEMO.shrimpSeller.email, DEMO_PASSWORD);

  await test.step('its own members page opens', async () => {
    const own = await page.goto(`/orgs/${DEMO.shrimpSeller.orgId}/members`);
    expect(own?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `机构成员 · ${DEMO.shrimpSeller.orgName}`,
    );
    await expect(page.getByRole('cell', { name: DEMO.shrimpSeller.email })).toBeVisible();
  });

  await test.step('another organisation’s members page is 404, revealing nothing', async () => {
    const other = await page.goto(`/orgs/${DEMO.oysterSeller.orgId}/members`);
    expect(other?.status()).toBe(404);
    await expect(page.getByText('找不到这个页面，或者你无权查看。')).toBeVisible();
    await expect(page.getByText(DEMO.oysterSeller.email)).toHaveCount(0);
  });

  await test.step('an organisation that does not exist is 404 too', async () => {
    const missing = await page.goto('/orgs/org_does_not_exist/members');
    expect(missing?.status()).toBe(404);
  });

  await test.step('inviting into another organisation is refused with 404', async () => {
    const response = await page.request.post(`/orgs/${DEMO.oysterSeller.orgId}/members`, {
      form: { email: 'intruder@e2e.test', role: 'admin' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(404);
  });
});

test('a buyer gets 403 on /sell and does not see it in the navigation', async ({ page }) => {
  await logIn(page, DEMO.restaurantBuyer.email, DEMO_PASSWORD);
  const nav = page.getByRole('navigation', { name: '菜单' }).first();
  await expect(nav.getByRole('link', { name: '采购' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '卖货' })).toHaveCount(0);

  const sell = await page.goto('/sell');
  expect(sell?.status()).toBe(403);
  await expect(page.getByText('你没有权限执行这个操作。')).toBeVisible();

  const operator = await page.goto('/operator');
  expect(operator?.status()).toBe(403);
});

test('anonymous visitors are sent to the login page and come back after logging in', async ({ page }) => {
  for (const path of ['/dashboard', '/inbox', '/settings', `/orgs/${DEMO.shrimpSeller.orgId}/members`]) {
    await test.step(`anonymous ${path} redirects to /login`, async () => {
      await page.goto(path);
      await expect(page).toHaveURL(`/login?next=${encodeURIComponent(path)}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录码头');
    });
  }

  await test.step('after logging in the user lands on the page it asked for', async () => {
    await page.goto(`/login?next=${encodeURIComponent('/inbox')}`);
    await waitForHydration(page);
    await page.locator('main form').getByLabel('电子邮箱').fill(DEMO.shrimpSeller.email);
    await page.locator('main form').getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.locator('main form').getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/inbox$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('消息中心');
  });
});

test('a login link cannot redirect to another site', async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent('//evil.example/steal')}`);
  await waitForHydration(page);
  await page.locator('main form').getByLabel('电子邮箱').fill(DEMO.shrimpSeller.email);
  await page.locator('main form').getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.locator('main form').getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/^http:\/\/localhost:3100\/dashboard$/);
});
