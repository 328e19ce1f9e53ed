import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';

test('a ward admin reads usage statistics and the monthly report on a phone', async ({ page }) => {
  await signIn(page, '0900000003', '/quan-tri/tai-khoan');
  await page.getByTestId('stats-link').click();
  await page.waitForURL('**/thong-ke');
  await hydrated(page);
  await expect(page.getByTestId('stats-title')).toContainText('Thống kê sử dụng');
  await expect(page.getByTestId('stats-rate')).toContainText('%');
  await expect(page.getByTestId('stats-child').first()).toBeVisible();
  await expect(page.getByTestId('stats-low-cell').first()).toBeVisible();
  await expect(page.getByTestId('stats-chart')).toBeVisible();
  // The month's SMS for members without a smartphone, against the monthly limit per cell.
  await expect(page.getByTestId('sms-usage')).toContainText('300 tin nhắn mỗi chi bộ mỗi tháng');
  await expect(page.getByTestId('sms-sent')).toHaveText(/^\d{1,3}(\.\d{3})*$/);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // Drill into a child organisation, then back up.
  const child = page.getByTestId('stats-child').first().getByRole('link').first();
  const name = (await child.textContent())!.trim();
  await child.click();
  await expect(page.getByTestId('stats-title')).toContainText(name);
  await page.getByTestId('stats-up').click();
  await expect(page.getByTestId('stats-child').first()).toBeVisible();

  // The monthly report, printable, with its downloads.
  await page.getByTestId('report-link').click();
  await page.waitForURL(/\/thong-ke\/bao-cao/);
  await hydrated(page);
  await expect(page.getByTestId('report-row').first()).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  const download = page.waitForEvent('download');
  await page.getByTestId('report-xlsx').click();
  expect((await download).suggestedFilename()).toMatch(/^bao-cao-\d+-\d{4}-\d{2}\.xlsx$/);
});

test.describe('refusal', () => {
  test.use({ expectedHttpErrors: [403] });
  test('a plain member is refused the statistics', async ({ page }) => {
    await signIn(page, '0900000001', '/thong-ke');
    await expect(page.getByRole('alert')).toContainText('không có quyền');
  });
});
