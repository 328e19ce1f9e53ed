import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';
import type { Page } from '@playwright/test';

// Only adds two members of its own (IMP-E2E-…) to a cell of the ward, so later specs see the
// demo people as they were.
const HEADERS = 'Mã đảng viên,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Số điện thoại,Ngày vào Đảng,Ngày chính thức,Mã tổ chức đảng';

function file(cell: string, name: string) {
  return [
    HEADERS,
    `IMP-E2E-01,${name},12/05/1990,Nữ,Kinh,0987000222,03/02/2015,03/02/2016,${cell}`,
    `IMP-E2E-02,Lò Văn Bản,01/07/1985,Nam,Thái,,02/09/2010,,${cell}`,
    `IMP-E2E-03,Sai Ngày,31/02/1990,Nữ,Kinh,,03/02/2015,,${cell}`,
    `IMP-E2E-04,Không Có Tổ Chức,12/05/1990,Nữ,Kinh,,03/02/2015,,KHONG-CO-MA`,
  ].join('\n') + '\n';
}

async function upload(page: Page, name: string, text: string) {
  await page.goto('/quan-tri/nhap-du-lieu');
  await hydrated(page);
  await page.getByLabel('Tệp danh sách (.csv hoặc .xlsx, tối đa 40 MB)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await page.getByTestId('import-upload').click();
  await page.waitForURL(/\/quan-tri\/nhap-du-lieu\?lan=\d+$/);
  await hydrated(page);
  await expect(page.getByTestId('import-stage')).toHaveText('Chờ chọn cột', { timeout: 30_000 });
}

async function dryRun(page: Page) {
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-stage')).toHaveText('Đã chạy thử', { timeout: 30_000 });
}

test('a ward admin imports a register file: dry run, apply, re-apply changes nothing, then reconciles', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, '0900000003', '/quan-tri');
  // The code of a cell of the ward, as the tree shows it.
  const note = (await page.getByTestId('org-child').filter({ hasText: 'Chi bộ trực thuộc' }).first().locator('.note').textContent())!;
  const cell = note.split(' · ')[1].trim();
  await page.getByRole('link', { name: 'Nhập danh sách' }).click();
  await page.waitForURL('**/quan-tri/nhap-du-lieu');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nhập danh sách đảng viên');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await upload(page, 'danh-sach.csv', file(cell, 'Trần Thị Mới'));
  // Columns guessed from the Vietnamese headers.
  await expect(page.getByLabel(/Cột 1: Mã đảng viên/)).toHaveValue('member_code');
  await expect(page.getByLabel(/Cột 9: Mã tổ chức đảng/)).toHaveValue('org_code');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await dryRun(page);
  await expect(page.getByTestId('sum-new')).toHaveText('2');
  await expect(page.getByTestId('sum-invalid')).toHaveText('2');
  await expect(page.getByTestId('invalid-list')).toContainText('Mã tổ chức không có trong hệ thống.');
  await expect(page.getByTestId('invalid-list')).toContainText('Dòng 4');
  await expect(page.getByTestId('new-list')).toContainText('Trần Thị Mới');
  // Members of the ward not in this small file are listed as missing, and kept.
  await expect(page.getByTestId('missing-list')).toContainText('Nguyễn Văn An');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-stage')).toHaveText('Đã áp dụng', { timeout: 30_000 });
  await expect(page.getByTestId('result-inserted')).toHaveText('2');

  // The next export: a name corrected (changed), one member more (new), a bad row (invalid),
  // and IMP-E2E-02 gone (missing) — all in one file.
  const next = [
    HEADERS,
    `IMP-E2E-01,Trần Thị Mai,12/05/1990,Nữ,Kinh,0987000222,03/02/2015,03/02/2016,${cell}`,
    `IMP-E2E-05,Đinh Văn Ba,20/11/1988,Nam,Mường,,05/05/2012,05/05/2013,${cell}`,
    `IMP-E2E-03,Sai Ngày,31/02/1990,Nữ,Kinh,,03/02/2015,,${cell}`,
  ].join('\n') + '\n';
  await upload(page, 'danh-sach-2.csv', next);
  await dryRun(page);
  await expect(page.getByTestId('sum-new')).toHaveText('1');
  await expect(page.getByTestId('sum-changed')).toHaveText('1');
  await expect(page.getByTestId('sum-invalid')).toHaveText('1');
  await expect(page.getByTestId('changed-list')).toContainText('Trần Thị Mới → Trần Thị Mai');
  await expect(page.getByTestId('missing-list')).toContainText('IMP-E2E-02 Lò Văn Bản');
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-stage')).toHaveText('Đã áp dụng', { timeout: 30_000 });
  await expect(page.getByTestId('result-inserted')).toHaveText('1');
  await expect(page.getByTestId('result-updated')).toHaveText('1');

  // The same file once more: nothing to change.
  await upload(page, 'danh-sach-2.csv', next);
  await dryRun(page);
  await expect(page.getByTestId('sum-new')).toHaveText('0');
  await expect(page.getByTestId('sum-changed')).toHaveText('0');
  await expect(page.getByTestId('import-nothing')).toBeVisible();
  await expect(page.getByTestId('import-apply')).toHaveCount(0);
  await page.getByTestId('import-discard').click();
  await expect(page.getByTestId('import-stage')).toHaveText('Đã huỷ');

  // Reconciliation: the two new members cannot sign in yet, each with the reason.
  await page.goto('/quan-tri/nhap-du-lieu');
  await hydrated(page);
  await page.getByRole('link', { name: 'danh-sach-2.csv' }).last().click();
  await page.getByTestId('import-reconcile').click();
  await page.waitForURL(/\/quan-tri\/doi-soat\?don_vi=\d+$/);
  await hydrated(page);
  const mai = page.getByTestId('rec-blocked-member').filter({ hasText: 'Trần Thị Mai' });
  await expect(mai).toContainText('Chưa có tài khoản');
  await expect(page.getByTestId('rec-blocked-member').filter({ hasText: 'Lò Văn Bản' })).toContainText('Chưa có số điện thoại');
  await expect(page.getByTestId('rec-exemptions')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});

test('a broken file gets a clear message and nothing is written', async ({ page }) => {
  await signIn(page, '0900000003', '/quan-tri/nhap-du-lieu');
  await page.getByLabel('Tệp danh sách (.csv hoặc .xlsx, tối đa 40 MB)').setInputFiles({ name: 'bao-cao.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('không phải bảng tính') });
  await page.getByTestId('import-upload').click();
  await page.waitForURL(/\?lan=\d+$/);
  await hydrated(page);
  await expect(page.getByTestId('import-failed')).toContainText('Tệp không phải bảng tính .xlsx đọc được', { timeout: 30_000 });
  await expectAccessible(page);
});
