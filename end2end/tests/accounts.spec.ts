import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signInWithoutScript } from './fixtures';
import type { Page } from '@playwright/test';

const PASSWORD = 'sotay2026';

async function signIn(page: Page, identifier: string, password = PASSWORD, next = '/') {
  await page.goto(`/dang-nhap?next=${encodeURIComponent(next)}`);
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill(identifier);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((url) => url.pathname === next);
  await hydrated(page);
}

test('the sign-in page is accessible and fits 320px', async ({ page }) => {
  await page.goto('/dang-nhap');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đăng nhập');
  await expect(page.getByTestId('call-secretary-generic')).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
});

test.describe('refusals', () => {
  test.use({ expectedHttpErrors: [422] });
test('a wrong password shows a clear message and keeps what was typed', async ({ page }) => {
  await page.goto('/dang-nhap');
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill('0900 000 005');
  await page.getByLabel('Mật khẩu', { exact: true }).fill('sai-mat-khau');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('form-error')).toContainText('mật khẩu chưa đúng');
  await expect(page.getByLabel('Số điện thoại hoặc mã đảng viên')).toHaveValue('0900 000 005');
  await expectAccessible(page);
});
});

test('a member signs in, sees home and profile, changes text size, and signs out', async ({ page }) => {
  await signIn(page, '0900000001');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chào đồng chí Nguyễn Văn An');
  await expect(page.getByTestId('call-secretary')).toHaveAttribute('href', 'tel:+84900000002');
  await expect(page.getByRole('navigation', { name: 'Điều hướng nhanh' })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 360, height: 740 });

  await page.getByRole('link', { name: 'Cá nhân' }).click();
  await expect(page).toHaveURL(/\/ca-nhan$/);
  await expect(page.getByTestId('member-card')).toContainText('Nguyễn Văn An');
  await expectAccessible(page);
  // The change is saved by a server call; reload only once it has answered (a reload that
  // cancels it in flight leaves the old size, as it should).
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/preferences') && r.request().method() === 'POST'),
    page.getByTestId('text-size-xlarge').click(),
  ]);
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'xlarge');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'xlarge');
  await expect(page.getByTestId('text-size-xlarge')).toHaveAttribute('aria-pressed', 'true');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByTestId('text-size-normal').click();
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'normal');

  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/dang-nhap$/);
  await page.goto('/ca-nhan');
  await expect(page).toHaveURL(/\/dang-nhap\?next=\/ca-nhan$/);
});

test('an elderly member is offered simplified mode, which survives reload and can be left', async ({ page }) => {
  await signIn(page, '0900000006');
  await expect(page.getByTestId('offer-simple')).toBeVisible();
  await page.getByRole('button', { name: 'Dùng chế độ đơn giản' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-simple', '1');
  const big = page.locator('.simple-grid .btn-huge');
  await expect(big.first()).toBeVisible();
  expect(await big.count()).toBeGreaterThanOrEqual(4);
  for (const box of await big.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
    expect(box).toBeGreaterThanOrEqual(64);
  }
  await expect(page.getByTestId('call-secretary')).toContainText('Trần Thị Bình');
  await expectAccessible(page);
  // Each change is saved by a server call; reload only once it has answered.
  const saved = () => page.waitForResponse((r) => r.url().includes('/api/preferences') && r.request().method() === 'POST');
  await Promise.all([saved(), page.getByTestId('simple-text-size').click()]);
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'large');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('data-simple', '1');
  await expect(page.getByTestId('offer-simple')).toHaveCount(0);
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await Promise.all([saved(), page.getByTestId('simple-exit').click()]);
  await expect(page.locator('html')).toHaveAttribute('data-simple', '0');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-simple', '0');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chào đồng chí Võ Văn Sáu');
});

test.describe('joining', () => {
  // The first attempt has mismatched passwords on purpose: the server answers 422.
  test.use({ expectedHttpErrors: [422] });
test('the secretary approves a join request end to end', async ({ page, browser }) => {
  // A member without an account asks to join.
  await page.goto('/dang-ky');
  await hydrated(page);
  await page.getByLabel('Số điện thoại', { exact: true }).fill('0987 000 111');
  await page.getByLabel('Mã đảng viên').fill('6899990007');
  await page.getByLabel('Mật khẩu mới (ít nhất 8 ký tự)').fill('hoa-matkhau-1');
  await page.getByLabel('Nhập lại mật khẩu').fill('hoa-matkhau-2');
  await page.getByTestId('join-submit').click();
  await expect(page.getByText('Hai lần nhập mật khẩu chưa giống nhau.')).toBeVisible();
  await expect(page.getByLabel('Mã đảng viên')).toHaveValue('6899990007');
  await page.getByLabel('Nhập lại mật khẩu').fill('hoa-matkhau-1');
  await page.getByTestId('join-submit').click();
  await expect(page.getByTestId('join-sent')).toBeVisible();

  // The secretary of her cell approves it.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const secretary = await context.newPage();
  const errors: string[] = [];
  secretary.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await signIn(secretary, '0900000002');
  await expect(secretary.getByTestId('pending-joins')).toContainText('1');
  await secretary.getByRole('link', { name: 'Duyệt tài khoản và cấp mã kích hoạt' }).click();
  const request = secretary.getByTestId('join-request').filter({ hasText: 'Đặng Thị Hoa' });
  await expect(request).toBeVisible();
  await expectAccessible(secretary);
  await request.getByTestId('approve').click();
  await expect(secretary.getByTestId('joins-empty')).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();

  // She signs in with the phone she gave.
  await signIn(page, '0987000111', 'hoa-matkhau-1');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chào đồng chí Đặng Thị Hoa');
});
});

test('pages still fit at 200% zoom (a 360px phone shows 180 CSS pixels)', async ({ page }) => {
  await page.setViewportSize({ width: 180, height: 370 });
  for (const path of ['/', '/dang-nhap', '/dang-ky', '/tro-giup']) {
    await page.goto(path);
    await hydrated(page);
    await expectNoHorizontalScroll(page);
  }
  await signIn(page, '0900000002');
  for (const path of ['/', '/ca-nhan', '/quan-tri/tai-khoan']) {
    await page.goto(path);
    await hydrated(page);
    await expectNoHorizontalScroll(page);
  }
});

test('the help page offers a way to call, signed in or not', async ({ page }) => {
  await page.goto('/tro-giup');
  await hydrated(page);
  await expect(page.getByTestId('call-secretary-generic')).toBeVisible();
  await expectAccessible(page);
  await signIn(page, '0900000005', PASSWORD, '/tro-giup');
  await expect(page.getByTestId('call-secretary')).toHaveAttribute('href', /^tel:\+84/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('a member signs in and reads the home page', async ({ page }) => {
    await signInWithoutScript(page, '0900000004');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chào đồng chí Phạm Thị Dung');
    await expect(page.getByTestId('roles')).toContainText('Ban biên tập');
  });
});
