import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';

test('a province document reaches the member’s notification centre', async ({ page, browser }) => {
  // The editor publishes news for the whole province.
  await signIn(page, '0900000004', '/dang-van-ban');
  await page.getByLabel('Tin tức').check();
  await page.getByLabel('Tiêu đề').fill('Hội nghị trực tuyến tổng kết công tác xây dựng Đảng năm 2026');
  await page.getByLabel('Nội dung').fill('Hội nghị tổ chức vào ngày 20 tháng 12.');
  await page.getByLabel('Tôi xác nhận văn bản này không phải tài liệu mật.').check();
  await page.getByTestId('publish-submit').click();
  await expect(page.getByTestId('published')).toBeVisible();

  // The member sees the count on the bottom bar and the notice at the top of the centre.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
  const member = await context.newPage();
  const errors: string[] = [];
  member.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await signIn(member, '0900000001', '/');
  await expect(member.getByTestId('unread-badge')).toBeVisible();
  await member.getByTestId('nav-notifications').click();
  await member.waitForURL('**/thong-bao');
  await hydrated(member);
  await expect(member.getByRole('heading', { level: 1 })).toHaveText('Thông báo');
  const first = member.getByTestId('notification').first();
  await expect(first).toContainText('Tin mới');
  await expect(first).toContainText('Hội nghị trực tuyến tổng kết công tác xây dựng Đảng năm 2026');
  await expect(first).toContainText('Mới');
  await expectAccessible(member);
  await expectNoHorizontalScroll(member);
  await first.getByRole('link').click();
  await member.waitForURL(/\/van-ban\/\d+$/);
  await expect(member.getByRole('heading', { level: 1 })).toContainText('Hội nghị trực tuyến');
  await member.goto('/thong-bao');
  await hydrated(member);
  await expect(member.getByTestId('notification').first()).not.toContainText('Mới');
  await member.getByTestId('mark-all-read').click();
  await expect(member.getByTestId('unread-count')).toContainText('0');
  await member.reload();
  await hydrated(member);
  await expect(member.getByTestId('unread-badge')).toHaveCount(0);
  expect(errors).toEqual([]);
  await context.close();
});
