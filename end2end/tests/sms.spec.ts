import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';

// Leaves the cell as it found it: the member ticked is unticked at the end.
test('a secretary marks a member without a smartphone and gets the list of whom to inform', async ({ page }) => {
  await signIn(page, '0900000002', '/sinh-hoat');
  await page.getByTestId('phoneless-link').click();
  await page.waitForURL('**/sinh-hoat/khong-dien-thoai');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đảng viên không dùng điện thoại thông minh');
  await expect(page.getByText('Chưa đánh dấu đồng chí nào.')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // A member with a phone number: the list then says SMS reaches them.
  const row = page.getByTestId('phone-list').locator('li').filter({ hasNotText: 'Chưa có số điện thoại' }).first();
  const name = (await row.locator('label').textContent())!.trim();
  await row.getByTestId('no-smartphone').check();
  await expect(page.getByTestId('visit-list')).toContainText(name);
  await expect(page.getByTestId('visit-list')).toContainText('Nhận tin nhắn SMS');
  await expect(page.getByRole('button', { name: 'In', exact: true })).toBeVisible();
  await expectAccessible(page);
  await expect(page.getByText('Không có tin nhắn nào cần xem.')).toBeVisible();

  await page.getByTestId('phone-list').locator('li').filter({ hasText: name }).getByTestId('no-smartphone').uncheck();
  await expect(page.getByText('Chưa đánh dấu đồng chí nào.')).toBeVisible();
});
