import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';
import type { Browser, Page } from '@playwright/test';


async function asMember(browser: Browser, phone: string, next: string) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, phone, next);
  return { page, context, errors };
}

function nextMonthDay(day: number): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() + 1, day);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('the full meeting cycle, from scheduling to a completed task', async ({ page, browser }) => {
  test.setTimeout(120_000);
  // Secretary: schedules a thematic meeting, adds an agenda item and a document, publishes.
  await signIn(page, '0900000002', '/sinh-hoat');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sinh hoạt chi bộ');
  await expect(page.getByTestId('meeting-card').first()).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.getByLabel('Loại cuộc họp').selectOption('chuyen_de');
  await page.getByLabel('Chủ đề').fill('Học tập chuyên đề chuyển đổi số');
  // Typed the Vietnamese way, whatever the phone's language: day/month/year, and the time with
  // a dot (a phone's number pad has no colon).
  const [y, mo, d] = nextMonthDay(12).split('-');
  await expect(page.getByLabel('Ngày họp')).toHaveAttribute('placeholder', 'ngày/tháng/năm');
  await page.getByLabel('Ngày họp').fill(`${d}/${mo}/${y}`);
  await page.getByLabel('Giờ bắt đầu').fill('19.30');
  await page.getByLabel('Địa điểm', { exact: true }).fill('Nhà văn hóa khu phố 1');
  await page.getByTestId('create-meeting').click();
  await page.waitForURL(/\/sinh-hoat\/\d+$/);
  await hydrated(page);
  const meetingUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId('meeting-title')).toHaveText('Học tập chuyên đề chuyển đổi số');
  // Shown in words, and in the edit form as day/month/year.
  await expect(page.locator('.lead strong').first()).toHaveText(new RegExp(`, ${Number(d)} tháng ${Number(mo)} năm ${y}, 19 giờ 30$`));
  await expect(page.getByLabel('Ngày họp')).toHaveValue(`${d}/${mo}/${y}`);
  await expect(page.getByTestId('meeting-status')).toHaveText('Dự thảo');

  await page.getByLabel('Nội dung', { exact: true }).fill('Quán triệt Nghị quyết 57-NQ/TW');
  await page.getByTestId('add-agenda').click();
  await expect(page.getByTestId('agenda-item')).toHaveCount(1);
  await page.getByLabel('Tìm văn bản').fill('57-NQ');
  await page.getByRole('search').getByRole('button').click();
  const resolution = page.getByTestId('attachable').filter({ hasText: '57-NQ/TW —' });
  await expect(resolution).toHaveCount(1);
  await resolution.getByTestId('attach').click();
  await expect(page.getByTestId('material')).toHaveCount(1);
  await expectAccessible(page);
  await page.getByTestId('publish-meeting').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('Đã công bố');

  // Member: sees it, opens the material, asks to be excused, then comments.
  const m = await asMember(browser, '0900000001', meetingUrl);
  await expect(m.page.getByTestId('meeting-title')).toHaveText('Học tập chuyên đề chuyển đổi số');
  await expect(m.page.getByTestId('material')).toContainText('57-NQ/TW');
  await expectAccessible(m.page);
  await m.page.getByLabel('Lý do xin vắng').fill('Đi khám bệnh định kỳ');
  await m.page.getByTestId('rsvp-excuse').click();
  await expect(m.page.getByTestId('my-rsvp')).toContainText('Đi khám bệnh định kỳ');
  await m.page.getByLabel('Ý kiến góp ý của đồng chí').fill('Đề nghị chi bộ hướng dẫn đảng viên cao tuổi cài ứng dụng.');
  await m.page.getByTestId('comment-submit').click();
  await expect(m.page.getByTestId('comment')).toContainText('cài ứng dụng');

  // Secretary: holds the meeting.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('comment')).toContainText('cài ứng dụng');
  await page.getByTestId('start-meeting').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('Đang họp');
  await page.getByTestId('all-present').click();
  await expect(page.getByTestId('attendance-count')).not.toContainText('Có mặt: 0/');
  await expectAccessible(page);
  await page.getByLabel('Nội dung biểu quyết').fill('Thông qua kế hoạch học tập chuyên đề');
  await page.getByTestId('open-motion').click();
  await expect(page.getByTestId('motion')).toHaveCount(1);
  // A vote for Võ Văn Sáu, who has no smartphone.
  await page.getByText('Biểu quyết hộ đảng viên').click();
  await page.getByTestId('proxy-member').selectOption({ label: 'Võ Văn Sáu' });
  await page.getByTestId('proxy-vote-dong_y').check();
  await page.getByTestId('proxy-vote-submit').click();
  await expect(page.getByTestId('tally')).toContainText('Đồng ý: 1');
  await expect(page.getByTestId('proxy-record')).toContainText('Võ Văn Sáu — Ghi hộ bởi Trần Thị Bình');
  await page.getByTestId('close-motion').click();
  await expect(page.getByTestId('motion')).toContainText('Đã kết thúc');
  await page.getByLabel('Biên bản', { exact: true }).fill('Chi bộ đã học tập chuyên đề chuyển đổi số.');
  await page.getByLabel('Nghị quyết chi bộ').fill('Mỗi đảng viên cài và dùng ứng dụng Sổ tay.');
  await page.getByTestId('save-minutes').click();
  await expect(page.getByTestId('minutes')).toContainText('chuyển đổi số');
  await page.getByTestId('task-assignee').selectOption({ label: 'Nguyễn Văn An' });
  await page.getByLabel('Nội dung nhiệm vụ').fill('Hướng dẫn ba đảng viên cao tuổi cài ứng dụng');
  await page.getByLabel('Hạn hoàn thành').fill(nextMonthDay(25));
  await page.getByTestId('assign-task').click();
  await expect(page.getByTestId('task')).toContainText('Hướng dẫn ba đảng viên cao tuổi');
  await page.getByTestId('rating-tot').check();
  await page.getByTestId('finish-meeting').click();
  await expect(page.getByTestId('meeting-status')).toHaveText('Đã họp');

  // The large-print pack.
  await page.getByTestId('print-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Học tập chuyên đề chuyển đổi số');
  await expect(page.locator('main')).toContainText('Thông qua kế hoạch học tập chuyên đề');
  await hydrated(page);
  await expectAccessible(page);

  // Member: sees the task and completes it.
  await m.page.goto('/nhiem-vu');
  await hydrated(m.page);
  const task = m.page.getByTestId('task').filter({ hasText: 'Hướng dẫn ba đảng viên cao tuổi' });
  await expect(task).toBeVisible();
  await expectAccessible(m.page);
  await task.getByTestId('complete-task').click();
  await expect(m.page.getByTestId('task').filter({ hasText: 'Hướng dẫn ba đảng viên cao tuổi' }).getByTestId('task-status')).toHaveText('Đã hoàn thành');
  expect(m.errors).toEqual([]);
  await m.context.close();

  // A member of another ward's cell cannot see it.
  const o = await asMember(browser, '0900000005', '/');
  await o.page.goto(meetingUrl);
  await expect(o.page.getByRole('heading', { level: 1 })).toHaveText('Sinh hoạt chi bộ');
  await expect(o.page.getByRole('alert')).toContainText('Không tìm thấy');
  await o.context.close();
});

test('a member sees the next meeting on the home page, with its agenda and materials', async ({ page }) => {
  await signIn(page, '0900000001', '/');
  await expect(page.getByTestId('home-meetings')).toBeVisible();
  await page.getByTestId('home-meetings').getByRole('link').first().click();
  await page.waitForURL(/\/sinh-hoat\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId('agenda-item')).toHaveCount(3);
  await expect(page.getByTestId('material')).toHaveCount(2);
});

test('the committee sees ratings and attendance of its cells', async ({ page }) => {
  await signIn(page, '0900000003', '/sinh-hoat/thong-ke');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tình hình sinh hoạt các chi bộ');
  await expect(page.getByTestId('overview-row').first()).toContainText('%');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});
