// The trade fair in the browser, in Chinese at phone width: the exhibitor's printed booth QR holds a plain URL; a buyer
// "scans" it (opens that URL on a phone), books a meeting slot, and the exhibitor sees the appointment on its desk.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, logIn, pageShots, press, signedIn, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

const FAIR = '/fairs/fair_demo_shrimp';

/** With WHARF_FAIR_SHOTS=<dir> (docs/screenshots/fairs), the fair home, booth page and hall map at both widths. */
const shots = pageShots('WHARF_FAIR_SHOTS');

async function shootHallMap(page: Page) {
  const dir = process.env.WHARF_FAIR_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const [size, viewport] of [
    ['1280', { width: 1280, height: 800 }],
    ['390', { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.getByTestId('hall-map').screenshot({ path: path.join(dir, `hall-map-${size}.png`) });
  }
}

test('scan a booth QR on a phone, book a meeting, and the exhibitor sees it', async ({ browser }) => {
  test.setTimeout(120_000);
  const exhibitor = await signedIn(browser, DEMO.shrimpSeller.email);
  let boothUrl = '';

  await test.step('the fair home lists the exhibitor and draws the hall', async () => {
    await exhibitor.goto(FAIR);
    await expect(exhibitor.getByRole('heading', { level: 1 })).toHaveText('湛江对虾开海节');
    await expect(exhibitor.getByTestId('directory')).toContainText(DEMO.shrimpSeller.orgName);
    await expect(exhibitor.getByTestId('hall-map')).toBeVisible();
    // Search in Chinese: goods of the exhibitor's lots find it.
    await exhibitor.getByLabel('搜索参展商、展位号或货品').fill('斑节对虾');
    await exhibitor.getByRole('button', { name: '查找' }).click();
    await expect(exhibitor).toHaveURL(/q=/);
    await expect(exhibitor.getByTestId('directory')).toContainText('A01');
    await expect(exhibitor.getByTestId('directory')).not.toContainText('B01');
    await exhibitor.goto(FAIR);
    await shots.shoot(exhibitor, 'fair-home');
    await shootHallMap(exhibitor);
  });

  await test.step('the booth page carries a QR code of its own plain URL', async () => {
    await exhibitor.goto(`${FAIR}/booths/A01`);
    await expect(exhibitor.getByRole('img', { name: /展位 A01 的二维码/ })).toBeVisible();
    boothUrl = (await exhibitor.getByTestId('booth-url').textContent()) ?? '';
    expect(boothUrl).toMatch(/^http:\/\/localhost:\d+\/fairs\/fair_demo_shrimp\/booths\/A01$/);
    await expect(exhibitor.getByTestId('booth-lots')).toContainText('展会价');
  });

  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const phone = await context.newPage();
  await test.step('a buyer scans the QR with a phone: the URL opens the booth page', async () => {
    await logIn(phone, DEMO.restaurantBuyer.email, DEMO_PASSWORD);
    await phone.goto(boothUrl);
    await waitForHydration(phone);
    await expect(phone.getByRole('heading', { level: 1 })).toHaveText(DEMO.shrimpSeller.orgName);
    // Nothing is wider than the phone.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The buyer's view, with the slots to book and the lots to order on the spot.
    await shots.shoot(phone, 'booth-page');
    await phone.setViewportSize({ width: 390, height: 844 });
  });

  let when = '';
  await test.step('it books the first free slot, in the hall', async () => {
    const slot = phone.getByTestId('slots').locator('li').first();
    when = ((await slot.locator('.font-mono').textContent()) ?? '').trim();
    await slot.getByLabel('展馆面谈').check();
    await press(phone, '预约', slot);
    await expect(phone).toHaveURL(new RegExp(`${FAIR}/visit$`));
    await expect(phone.getByText('预约成功，参展商已收到通知。')).toBeVisible();
    await expect(phone.getByTestId('my-appointments')).toContainText(when);
    await expect(phone.getByTestId('my-appointments')).toContainText(DEMO.shrimpSeller.orgName);
  });

  await test.step('the exhibitor sees the appointment on its desk', async () => {
    await exhibitor.goto(`${FAIR}/exhibit`);
    const list = exhibitor.getByTestId('exhibitor-appointments');
    await expect(list).toContainText(when);
    await expect(list).toContainText('粤味轩餐饮集团');
    await expect(list).toContainText('展馆面谈');
  });
  await context.close();
});
