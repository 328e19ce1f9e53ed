import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';

// Runs last (it changes the ward's tree). A wrong code is refused on purpose (422).
test.use({ expectedHttpErrors: [422] });
test('a ward admin adds a cell, renames it and sees it in the tree, on a phone', async ({ page }) => {
  await signIn(page, '0900000003', '/quan-tri/tai-khoan');
  await page.getByTestId('tree-link').click();
  await page.waitForURL('**/quan-tri');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cây tổ chức');
  const ward = (await page.getByTestId('org-name').textContent())!.trim();
  await expect(page.getByTestId('org-child').first()).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await page.getByText('Thêm tổ chức trực thuộc').click();
  await page.getByLabel('Loại tổ chức').selectOption('chi_bo');
  await page.getByLabel('Tên tổ chức').fill('Chi bộ Khu dân cư mới');
  await page.getByLabel('Mã', { exact: true }).fill('CB-E2E-01');
  await page.getByTestId('org-create').click();
  const created = page.getByTestId('org-child').filter({ hasText: 'Chi bộ Khu dân cư mới' });
  await expect(created).toHaveCount(1);
  await created.getByRole('link').click();
  await expect(page.getByTestId('org-name')).toHaveText('Chi bộ Khu dân cư mới');
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Các cấp tổ chức' })).toContainText(ward);

  await page.getByText('Đổi tên').click();
  await page.getByLabel('Tên mới').fill('Chi bộ Khu dân cư số 9');
  await page.getByTestId('org-rename').click();
  await expect(page.getByTestId('org-name')).toHaveText('Chi bộ Khu dân cư số 9');
  await expectAccessible(page);

  // A wrong code keeps what was typed and says why.
  await page.getByText('Chuyển sang tổ chức cấp trên khác').click();
  await page.getByLabel('Mã tổ chức cấp trên mới').fill('KHONG-CO-MA');
  await page.getByTestId('org-move').click();
  await expect(page.getByText('Không có tổ chức nào mang mã này.').first()).toBeVisible();
  await expect(page.getByLabel('Mã tổ chức cấp trên mới')).toHaveValue('KHONG-CO-MA');

  // Empty, so it may be dissolved; it then leaves the tree.
  await page.getByText('Giải thể', { exact: true }).click();
  await page.getByTestId('org-dissolve').click();
  await page.waitForURL(/\/quan-tri\?don_vi=\d+$/);
  await expect(page.getByTestId('org-name')).toHaveText(ward);
  await expect(page.getByTestId('org-child').filter({ hasText: 'Chi bộ Khu dân cư số 9' })).toHaveCount(0);
});
