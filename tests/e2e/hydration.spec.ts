// Every main page hydrates cleanly: no script errors, no failed requests, server and client render alike.
import { type Page, expect, test } from '@playwright/test';
import { newAccount, waitForHydration } from './helpers';

/** Starts recording script errors, console errors and failed requests on the page (each distinct one once). */
function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (!problems.includes(problem)) problems.push(problem);
  };
  page.on('pageerror', (error) => note(`page error: ${error.message.split('\n')[0]}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const at = message.location().url;
      note(`console error: ${message.text().split('\n')[0]}${at ? ` (${at})` : ''}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      note(`${response.status()} for ${response.request().resourceType()} ${response.url()}`);
    }
  });
  return problems;
}

/** The page's visible text now; compared before and after hydration. */
const mainText = (page: Page) => page.locator('main').innerText();

for (const locale of ['zh-CN', 'en'] as const) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });

    for (const path of ['/', '/login', '/register', '/market']) {
      test(`anonymous ${path} hydrates without errors`, async ({ page }) => {
        const problems = recordProblems(page);
        const response = await page.goto(path);
        expect(response?.status()).toBe(200);
        const serverHtml = (await response?.text()) ?? '';
        await waitForHydration(page);
        await page.waitForLoadState('networkidle');
        // What the server rendered must still read the same once React has taken over (no mismatch).
        for (const [, id, serverText] of serverHtml.matchAll(/id="([\w-]+-hint)"[^>]*>([^<]+)</g)) {
          await expect.soft(page.locator(`#${id}`), `#${id} after hydration`).toHaveText(serverText);
        }
        expect.soft(await mainText(page)).not.toMatch(/\{\w+\}|undefined/);
        expect(problems).toEqual([]);
      });
    }

    test('the signed-in pages hydrate without errors', async ({ page }) => {
      const account = newAccount('both');
      const registered = await page.request.post('/register', {
        form: { ...account, locale },
        maxRedirects: 0,
      });
      expect(registered.status()).toBe(302);
      const problems = recordProblems(page);
      // The second wave's buyer and seller pages too: each route module must load in the browser (a value taken from
      // a .server module is empty there, which only shows once the page hydrates).
      for (const path of [
        '/dashboard',
        '/inbox',
        '/settings',
        '/invitations',
        '/market',
        '/sell',
        '/buy',
        '/orders',
        '/orders/approvals',
        '/sell/price-lists',
        '/sell/price-lists/new',
        '/sell/terms',
        '/sell/reports',
        '/sell/plans',
        '/statements',
        '/buy/lists',
        '/buy/standing',
      ]) {
        await test.step(path, async () => {
          const response = await page.goto(path);
          expect(response?.status()).toBe(200);
          await waitForHydration(page);
          expect.soft(await mainText(page)).not.toMatch(/\{\w+\}|undefined/);
        });
      }
      await test.step('members', async () => {
        await page.goto('/dashboard');
        await waitForHydration(page);
        await page
          .getByRole('link', { name: locale === 'en' ? 'Invite your colleagues' : '邀请同事加入机构' })
          .click();
        await expect(page).toHaveURL(/\/orgs\/org_\w+\/members$/);
        await expect(page.getByRole('cell', { name: account.email })).toBeVisible();
      });
      expect(problems).toEqual([]);
    });
  });
}
