// 承诺达标合格证 in the browser: a verified seller opens a lot, is told what is missing, issues a certificate, prints it,
// and an anonymous visitor opening the lot's public trace (where the certificate's QR code leads) sees its number.
import { AxeBuilder } from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { DEMO, pageShots, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const LOT_TITLE = '湛江南美白对虾 40/50 头 塘头鲜活';
const PARTY = '湛江海兴南美白对虾养殖场';

/** With WHARF_CERT_SHOTS=<dir>, the test also saves the issue form and the certificate at desktop and phone width. */
const { shoot } = pageShots('WHARF_CERT_SHOTS');

/** Serious and critical axe violations on the open page, as `impact rule` lines (none expected). */
async function axeBlocking(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a verified seller issues a 合格证 and the lot’s public trace shows its number and promising party', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const seller = await signedIn(browser, DEMO.shrimpSeller.email);

  await test.step('the seller opens the lot’s certificate page from the lot', async () => {
    await seller.goto('/sell?status=live');
    await seller.getByRole('link', { name: LOT_TITLE, exact: true }).first().click();
    await expect(seller).toHaveURL(/\/sell\/[^/]+\/edit$/);
    await seller.getByRole('link', { name: '承诺达标合格证' }).click();
    await expect(seller).toHaveURL(/\/sell\/[^/]+\/certificates$/);
    await waitForHydration(seller);
    await expect(seller.getByRole('heading', { level: 1 })).toContainText('承诺达标合格证');
  });

  const form = seller.locator('form').filter({ has: seller.getByRole('button', { name: '开具合格证' }) });

  await test.step('the form starts from the lot; without the promises it is refused and keeps what was typed', async () => {
    await expect(form.getByLabel('食用农产品名称')).toHaveValue(LOT_TITLE);
    await expect(form.getByLabel('产地')).not.toHaveValue('');
    await form.getByLabel('承诺主体').fill(PARTY);
    await form.getByLabel('联系方式').fill('0759-2233445');
    await form.getByRole('button', { name: '开具合格证' }).click();
    await expect(form.getByText('三项承诺都勾选后才能开具合格证')).toBeVisible();
    await expect(form.getByText('请至少勾选一项承诺依据')).toBeVisible();
    await expect(form.getByLabel('承诺主体')).toHaveValue(PARTY);
    await shoot(seller, 'certificate-form-errors');
    expect(await axeBlocking(seller)).toEqual([]);
  });

  const number = await test.step('the seller ticks the promises and issues the certificate', async () => {
    await form.getByLabel('不使用禁用农药兽药、停用兽药和非法添加物').check();
    await form.getByLabel('常规农药兽药残留不超标').check();
    await form.getByLabel('对承诺的真实性负责').check();
    await form.getByLabel('自我检测').check();
    await form.getByRole('button', { name: '开具合格证' }).click();
    await expect(seller.getByRole('status').filter({ hasText: '合格证已开具' })).toBeVisible();
    const row = seller.getByTestId('certificate-list').locator('li').filter({ hasText: PARTY }).first();
    await expect(row).toContainText(/HG-\d{4}-\d{6}/);
    await shoot(seller, 'certificate-issue');
    return /HG-\d{4}-\d{6}/.exec((await row.textContent()) ?? '')?.[0] ?? '';
  });

  await test.step('the lot’s market page names the certificate', async () => {
    const lotId = /\/sell\/([^/]+)\/certificates/.exec(seller.url())?.[1] ?? '';
    await seller.goto(`/market/${lotId}`);
    await expect(seller.getByTestId('lot-compliance')).toContainText(number);
    await expect(seller.getByTestId('lot-compliance')).toContainText(PARTY);
    await seller.goBack();
  });

  const tracePath =
    await test.step('the printable certificate carries the number, the promises and a QR code', async () => {
      await seller
        .getByTestId('certificate-list')
        .locator('li')
        .filter({ hasText: number })
        .getByRole('link', { name: '查看并打印' })
        .click();
      await expect(seller.getByTestId('certificate-number')).toHaveText(number);
      await expect(seller.getByTestId('certificate-party')).toHaveText(PARTY);
      await expect(seller.getByTestId('certificate-qr').locator('svg')).toBeVisible();
      await expect(seller.getByTestId('certificate')).toContainText('常规农药兽药残留不超标');
      await expect(seller.getByRole('button', { name: '打印' })).toBeVisible();
      await shoot(seller, 'certificate-print');
      expect(await axeBlocking(seller)).toEqual([]);
      const href = await seller.getByRole('link', { name: '这批货的溯源信息' }).getAttribute('href');
      // On paper: the market's header, the buttons and the notice stay off the page; the certificate stays.
      await seller.emulateMedia({ media: 'print' });
      await expect(seller.getByRole('button', { name: '打印' })).toBeHidden();
      await expect(seller.locator('header').first()).toBeHidden();
      await expect(seller.getByTestId('certificate')).toBeVisible();
      await shoot(seller, 'certificate-paper');
      await seller.emulateMedia({ media: 'screen' });
      expect(href).toMatch(/^\/01\/\d{14}\/10\//);
      return href ?? '';
    });

  await test.step('splitting part of the lot gives the new lot its own certificate, issued from this one', async () => {
    await seller.goto('/sell?status=live');
    await seller.getByRole('link', { name: LOT_TITLE, exact: true }).first().click();
    await expect(seller).toHaveURL(/\/sell\/[^/]+\/edit$/);
    const sourceEdit = seller.url();
    await seller.getByRole('link', { name: '拆分或改包装' }).click();
    await waitForHydration(seller);
    await seller.getByLabel('拆出数量').fill('abc');
    await seller.getByRole('button', { name: '拆出新批次' }).click();
    await expect(seller.getByText('请输入数字')).toBeVisible();
    await seller.getByLabel('拆出数量').fill('500');
    await seller.getByLabel('单位').selectOption({ label: '公斤' });
    await shoot(seller, 'lot-split');
    await seller.getByRole('button', { name: '拆出新批次' }).click();
    await expect(seller.getByText('合格证已随批次开具')).toBeVisible();
    await expect(seller).toHaveURL(/\/sell\/[^/]+\/edit$/);
    expect(seller.url()).not.toBe(sourceEdit);
    await seller.getByRole('link', { name: '承诺达标合格证' }).click();
    const row = seller.getByTestId('certificate-list').locator('li').filter({ hasText: PARTY }).first();
    await expect(row).toContainText(/HG-\d{4}-\d{6}/);
    await expect(row).not.toContainText(number);
    await row.getByRole('link', { name: '查看并打印' }).click();
    await expect(seller.getByTestId('certificate-parent')).toHaveText(number);
  });

  await test.step('an anonymous visitor sees the certificate on the lot’s public trace', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const visitor = await context.newPage();
    await visitor.goto(tracePath);
    const shown = visitor.getByTestId('trace-compliance-certificate');
    await expect(shown).toContainText(number);
    await expect(shown).toContainText(PARTY);
    await shoot(visitor, 'certificate-trace');
    await shown.getByRole('link', { name: number }).click();
    await expect(visitor.getByTestId('certificate-number')).toHaveText(number);
    await context.close();
  });
});
