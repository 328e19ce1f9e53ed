import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll } from './fixtures';

test('home page is Vietnamese, hydrates and is accessible', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sổ tay Đảng viên');
  await expect(page).toHaveTitle('Trang chủ · Sổ tay Đảng viên');
  await hydrated(page);
  await expectAccessible(page);
});

test('the language switch works after hydration and survives a reload', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Party Member Handbook');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Party Member Handbook');
  await hydrated(page);
  await expectAccessible(page);

  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sổ tay Đảng viên');
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
});

test.describe('on a phone set to English', () => {
  test.use({ locale: 'en-US' });

  test('pages stay Vietnamese until the member switches, whatever the phone\'s languages do', async ({ page }) => {
    await page.goto('/');
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    // The browser announces a change of its languages: the app keeps the language it rendered.
    await page.evaluate(() => window.dispatchEvent(new Event('languagechange')));
    // Give the reactive system time to act on it (a change that must not happen has no event to await).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sổ tay Đảng viên');
  });
});

test('no horizontal scroll at 320px', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/');
  await hydrated(page);
  await expectNoHorizontalScroll(page);
});

test('the skip link leads to the main content', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the home page is readable', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sổ tay Đảng viên');
    await expect(page.getByRole('main')).toContainText('sinh hoạt chi bộ');
  });
});
