// A seller lists shrimp in Chinese with two photos and price tiers; a buyer finds it by 白虾, by "shrimp" and by filters.
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { DEMO, DEMO_PASSWORD, logIn, uniqueTag, waitForHydration } from './helpers';

test.use({ locale: 'zh-CN' });

function photo(colour: string) {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

test('a seller lists a lot in Chinese and a buyer finds it by search and filters, priced per 斤 and per kg', async ({
  browser,
}) => {
  const tag = uniqueTag();
  const title = `湛江南美白虾 40/50 塘头鲜活 ${tag}`;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  const sellerContext = await browser.newContext({ locale: 'zh-CN' });
  const seller = await sellerContext.newPage();
  let listingUrl = '';

  await test.step('the seller fills the listing form in Chinese with two photos and two price tiers', async () => {
    await logIn(seller, DEMO.shrimpSeller.email, DEMO_PASSWORD);
    await seller.goto('/sell/new?category=whiteleg-shrimp');
    await waitForHydration(seller);
    const form = seller.locator('main form[enctype="multipart/form-data"]');
    await form.locator('[name="titleZh"]').fill(title);
    await form.locator('[name="descriptionZh"]').fill('当天捕捞，规格均匀，活力好。');
    await form.locator('[name="spec.count"]').selectOption('40/50');
    await form.locator('[name="spec.state"]').selectOption('live');
    await form.locator('[name="originName"]').fill('海兴 3 号塘');
    await form.locator('[name="originRegion"]').fill('广东湛江');
    await form.locator('[name="harvestDate"]').fill(today);
    await form.locator('[name="shelfLifeDays"]').fill('3');
    await form.locator('[name="quantity"]').fill('800');
    await form.locator('[name="unit"]').selectOption('kg');
    await form.locator('[name="moq"]').fill('50');
    await form.locator('[name="priceUnit"]').selectOption('kg');
    await form.locator('[name="tiers.0.price"]').fill('38');
    await form.locator('[name="tiers.1.min"]').fill('300');
    await form.locator('[name="tiers.1.price"]').fill('36.50');
    await form.locator('[name="pickupPlace"]').fill('湛江霞山水产品批发市场 3 号冷库');
    await form.locator('[name="photos"]').setInputFiles([
      { name: '塘头.jpg', mimeType: 'image/jpeg', buffer: await photo('#2a9d8f') },
      { name: '过秤.jpg', mimeType: 'image/jpeg', buffer: await photo('#e9c46a') },
    ]);
    await form.getByRole('button', { name: '发布' }).click();
    await expect(seller).toHaveURL(/\/sell(\?|$)/);
    // The lot's own row (the desk's matching demands may name it too, once the matcher has run).
    await expect(seller.getByRole('link', { name: title, exact: true })).toBeVisible();
  });

  const buyerContext = await browser.newContext({ locale: 'zh-CN' });
  const buyer = await buyerContext.newPage();
  await logIn(buyer, DEMO.restaurantBuyer.email, DEMO_PASSWORD);

  await test.step('the buyer finds it by searching 白虾', async () => {
    await buyer.goto(`/market?q=${encodeURIComponent('白虾')}`);
    const card = buyer.getByTestId('listing-card').filter({ hasText: tag });
    await expect(card).toBeVisible();
    await expect(card.getByTestId('card-price')).toContainText('36.50');
    await expect(card.locator('img')).toHaveCount(1);
  });

  await test.step('and by searching "shrimp" in the search box', async () => {
    await buyer.goto('/market');
    await buyer.locator('[name="q"]').fill(`shrimp ${tag}`);
    await buyer.locator('[name="q"]').press('Enter');
    await expect(buyer).toHaveURL(/q=shrimp/);
    await expect(buyer.getByTestId('listing-card').filter({ hasText: tag })).toBeVisible();
  });

  await test.step('and by filters: category, price band and minimum quantity', async () => {
    await buyer.goto('/market?category=whiteleg-shrimp&priceMin=36&priceMax=37&minQty=700&verified=1');
    await expect(buyer.getByTestId('listing-card').filter({ hasText: tag })).toBeVisible();
    await buyer.goto('/market?category=whiteleg-shrimp&priceMin=37&priceMax=40');
    await expect(buyer.getByTestId('listing-card').filter({ hasText: tag })).toHaveCount(0);
    await buyer.goto('/market?category=pineapple');
    await expect(buyer.getByTestId('listing-card').filter({ hasText: tag })).toHaveCount(0);
  });

  await test.step('the listing page prices each tier per 公斤 and per 斤', async () => {
    await buyer.goto(`/market?q=${encodeURIComponent(tag)}`);
    await buyer.getByTestId('listing-card').filter({ hasText: tag }).getByRole('link').first().click();
    await expect(buyer.getByTestId('listing-title')).toHaveText(title);
    listingUrl = buyer.url();
    await expect(buyer.getByTestId('gallery').locator('img').first()).toBeVisible();
    const perKg = buyer.getByTestId('tier-price-kg');
    const perJin = buyer.getByTestId('tier-price-jin');
    await expect(perKg.nth(0)).toContainText('38.00');
    await expect(perJin.nth(0)).toContainText('19.00');
    await expect(perKg.nth(1)).toContainText('36.50');
    await expect(perJin.nth(1)).toContainText('18.25');
    await expect(perKg.nth(0)).toContainText('公斤');
    await expect(perJin.nth(0)).toContainText('斤');
    await buyer.getByTestId('unit-jin').click();
    await expect(buyer).toHaveURL(/unit=jin/);
    // Per 斤 now leads; the tier's starting quantity reads in 斤 (300 kg = 600 斤).
    await expect(buyer.getByTestId('price-tiers')).toContainText('600');
  });

  expect(listingUrl).toMatch(/\/market\/lst_/);
  await sellerContext.close();
  await buyerContext.close();
});
