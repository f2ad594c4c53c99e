// Personal data in the browser (#16.1): a user opens 隐私与个人数据 from the settings, asks for a copy of their data,
// watches it become ready (the worker builds it) and downloads the zip. Also saves the page at desktop and phone width.
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { newAccount, register, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

test('a user asks for a copy of their data and downloads it once it is ready', async ({ page }) => {
  test.setTimeout(90_000);
  const account = newAccount('buyer');
  await register(page, account);

  await page.goto('/settings');
  await waitForHydration(page);
  await page.getByRole('link', { name: '隐私与个人数据' }).click();
  await expect(page.getByRole('heading', { name: '隐私与个人数据', level: 1 })).toBeVisible();
  await waitForHydration(page);
  // What the market holds: the account as registered, and the organisation with its role.
  await expect(page.getByRole('textbox', { name: '姓名' })).toHaveValue(account.name);
  const main = page.locator('main');
  await expect(main.getByText(account.orgName)).toBeVisible();
  await expect(main.getByText('所有者', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: '申请下载我的数据' }).click();
  await expect(page.getByText('已开始整理你的数据，完成后会通知你。')).toBeVisible();
  const exports = page.getByTestId('privacy-exports');
  // The page looks again by itself while the worker builds the file.
  await expect(exports.getByText('可以下载')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('privacy-requests').getByText('下载个人数据')).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    exports.getByRole('link', { name: /^下载 .* 申请的数据包$/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^wharf-my-data-\d{4}-\d{2}-\d{2}\.zip$/);
  const bytes = await readFile((await download.path()) ?? '');
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from('data.json'))).toBe(true);

  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await page.screenshot({ path: path.join(SHOTS, `privacy-settings-${width}.png`), fullPage: true });
    // No serious or critical accessibility problem (axe: WCAG 2.x A/AA and best practices), at either width.
    const { violations } = await new AxeBuilder({ page }).analyze();
    const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `width ${width}`,
    ).toEqual([]);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `width ${width}`).toBeLessThanOrEqual(0);
  }
});
