// The seller's sales report and the buyer's purchase report, reached from the seller's desk and the orders page:
// a table (or its empty state), sortable by links, and a CSV download; both usable at phone width.
import { expect, test } from '@playwright/test';
import { DEMO, pageShots, signedIn, waitForHydration } from './helpers';

const shots = pageShots('WHARF_REPORT_SHOTS');

test('a seller opens its sales report from the desk and downloads it as CSV', async ({ browser }) => {
  const page = await signedIn(browser, DEMO.shrimpSeller.email);
  await page.goto('/sell');
  await page.getByRole('main').getByRole('link', { name: '销售报表' }).click();
  await expect(page).toHaveURL(/\/sell\/reports$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: '销售报表' })).toBeVisible();
  const table = page.getByTestId('trade-report');
  if (await table.count()) {
    await page.getByRole('link', { name: /成交量/ }).click();
    await expect(page).toHaveURL(/sort=weight&dir=desc/);
    await expect(page.getByRole('columnheader', { name: /成交量/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`sales-${DEMO.shrimpSeller.orgId}.csv`);
  } else {
    await expect(page.getByText('还没有已成交的销售')).toBeVisible();
  }
  await shots.shoot(page, 'sales-report');
  await page.context().close();
});

test('a buyer opens its purchase report from the orders page', async ({ browser }) => {
  const page = await signedIn(browser, DEMO.restaurantBuyer.email);
  await page.goto('/orders');
  await page.getByRole('main').getByRole('link', { name: '采购报表' }).click();
  await expect(page).toHaveURL(/\/orders\/reports$/);
  await expect(page.getByRole('heading', { level: 1, name: '采购报表' })).toBeVisible();
  await shots.shoot(page, 'purchase-report');
  await page.context().close();
});
