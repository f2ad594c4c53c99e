// Form validation: per-field messages and refilled values on /register, and the login attempt limit.
import { expect, test } from '@playwright/test';
import { DEMO, fillRegisterForm, newAccount, submitLogin, uniqueEmail, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const isRegisterPost = (url: string, method: string) =>
  method === 'POST' && new URL(url).pathname === '/register';

test('registration shows a message per field, keeps what was typed (but not the password) and answers 4xx', async ({
  page,
}) => {
  const account = newAccount('buyer');
  const form = page.locator('main form');

  await test.step('short password and empty organisation name: 400 with both messages', async () => {
    await page.goto('/register');
    await waitForHydration(page);
    await fillRegisterForm(page, {
      orgName: '',
      orgKind: 'buyer',
      city: account.city,
      name: account.name,
      email: DEMO.shrimpSeller.email,
      password: 'abc12345',
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => isRegisterPost(r.url(), r.request().method())),
      form.getByRole('button', { name: '注册并进入工作台' }).click(),
    ]);
    expect(response.status()).toBe(400);
    const body = await response.text();
    expect(body).not.toContain('abc12345');

    await expect(page).toHaveURL(/\/register$/);
    await expect(form.getByRole('alert').filter({ hasText: '请修改标红的项目后再提交。' })).toBeVisible();
    await expect(page.locator('#orgName-error')).toHaveText('请填写机构名称');
    await expect(page.locator('#password-error')).toHaveText('密码太短，至少 10 个字符');
    await expect(form.getByLabel('机构名称')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('密码', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#name-error')).toHaveCount(0);
    await expect(page.locator('#email-error')).toHaveCount(0);
    await expect(form.getByLabel('你的姓名')).toHaveValue(account.name);
    await expect(form.getByLabel('所在城市')).toHaveValue(account.city);
    await expect(form.getByLabel('电子邮箱')).toHaveValue(DEMO.shrimpSeller.email);
    await expect(form.getByLabel('机构类型')).toHaveValue('buyer');
  });

  await test.step('a taken e-mail: 400 like any refusal, a message that does not confirm the account (ADR 0025)', async () => {
    await fillRegisterForm(page, { orgName: account.orgName, password: account.password });
    const [response] = await Promise.all([
      page.waitForResponse((r) => isRegisterPost(r.url(), r.request().method())),
      form.getByRole('button', { name: '注册并进入工作台' }).click(),
    ]);
    expect(response.status()).toBe(400);
    expect(await response.text()).not.toContain(account.password);
    await expect(page.locator('#email-error')).toHaveText(
      '这个邮箱不能用来注册。如果你已经有账号，请直接登录。',
    );
    await expect(page.locator('#orgName-error')).toHaveCount(0);
    await expect(page.locator('#password-error')).toHaveCount(0);
    await expect(form.getByLabel('机构名称')).toHaveValue(account.orgName);
    await expect(form.getByLabel('电子邮箱')).toHaveValue(DEMO.shrimpSeller.email);
    await expect(page).toHaveURL(/\/register$/);
  });

  await test.step('the same e-mail in other letter case is also taken', async () => {
    const response = await page.request.post('/register', {
      form: {
        orgName: account.orgName,
        orgKind: 'buyer',
        city: '',
        name: account.name,
        email: DEMO.shrimpSeller.email.toUpperCase(),
        password: account.password,
      },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(400);
    const html = await response.text();
    expect(html).toContain('这个邮箱不能用来注册。如果你已经有账号，请直接登录。');
    expect(html).not.toContain(account.password);
  });
});

test('posting the register form with every field empty answers 400 with a message per field', async ({
  page,
}) => {
  const response = await page.request.post('/register', {
    form: { orgName: '', orgKind: 'seller', city: '', name: '', email: '', password: '' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(400);
  const html = await response.text();
  for (const message of ['请填写机构名称', '此项必填', '密码太短，至少 10 个字符']) {
    expect(html).toContain(message);
  }
  expect(html).toMatch(/id="email-error"/);
  expect(html).toMatch(/id="name-error"/);
});

test('the sixth wrong password in a minute is refused with 429 尝试次数过多', async ({ page, request }) => {
  // A fresh account (registered by the page-independent `request`), so the per-e-mail counter starts at zero.
  const account = newAccount('seller');
  const registered = await request.post('/register', {
    form: { ...account, locale: 'zh-CN' },
    maxRedirects: 0,
  });
  expect(registered.status()).toBe(302);

  await page.goto('/login');
  await waitForHydration(page);
  for (let attempt = 1; attempt <= 5; attempt++) {
    await test.step(`wrong password, attempt ${attempt}: 400 邮箱或密码不正确`, async () => {
      const response = await submitLogin(page, account.email, `wrong-password-${attempt}`);
      expect(response.status()).toBe(400);
      await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确');
    });
  }
  await test.step('attempt 6: 429 尝试次数过多', async () => {
    const response = await submitLogin(page, account.email, 'wrong-password-6');
    expect(response.status()).toBe(429);
    await expect(page.getByRole('alert')).toHaveText('尝试次数过多，请一分钟后再试');
  });
  await test.step('even the right password is refused while the limit holds', async () => {
    const response = await submitLogin(page, account.email, account.password);
    expect(response.status()).toBe(429);
    await expect(page).toHaveURL(/\/login/);
  });
  await test.step('another e-mail is not affected', async () => {
    const response = await submitLogin(page, uniqueEmail('nobody'), 'wrong-password');
    expect(response.status()).toBe(400);
    await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确');
  });
});
