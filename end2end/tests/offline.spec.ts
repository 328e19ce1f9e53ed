import { test, expect, hydrated, expectAccessible, expectNoHorizontalScroll, signIn } from './fixtures';
import { chromium, type Page, type CDPSession } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Known flake (docs: session note, "Known"): late in the full suite the service worker has twice
// not taken control of a fresh context within the wait, although every spec of this file passes
// alone and after the others in smaller runs. Retried while it is investigated.
test.describe.configure({ retries: 2 });

/** Waits until the service worker controls the page (it claims pages on activation). Installing
 * it fetches the development wasm (about 12 MB, compressed on the fly by the debug server) once
 * more; on a loaded 2-core machine that once took longer than 20 s. */
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
}

/** Paths kept in the offline pages cache. */
async function keptPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('sotay-pages');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

async function registrationId(cdp: CDPSession): Promise<string> {
  const ids: string[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) if (!r.isDeleted) ids.push(r.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => ids.length).toBeGreaterThan(0);
  return ids[0];
}

test('the app is installable, and a delivered push shows a clear notification', async ({ baseURL }) => {
  test.setTimeout(120_000);
  // Installability is judged for a real profile (Playwright's contexts are incognito).
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    baseURL,
    viewport: { width: 360, height: 740 },
    hasTouch: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, '0900000001', '/');
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // The push, as the server sends it, delivered to the real service worker.
    await context.grantPermissions(['notifications'], { origin: baseURL });
    const id = await registrationId(cdp);
    const payload = { title: 'Văn bản mới', body: 'Nghị quyết về chuyển đổi số', url: '/van-ban/1', tag: 'n77' };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(baseURL!).origin + '/', registrationId: id, data: JSON.stringify(payload) });
    await expect
      .poll(() => page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data && n.data.url, tag: n.tag, lang: n.lang }));
      }))
      .toEqual([{ title: 'Văn bản mới', body: 'Nghị quyết về chuyển đổi số', url: '/van-ban/1', tag: 'n77', lang: 'vi' }]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('notification settings: one large button, groups and quiet hours kept', async ({ page }) => {
  await signIn(page, '0900000001', '/ca-nhan');
  const settings = page.getByTestId('notification-settings');
  await expect(settings.getByRole('heading', { level: 2 })).toHaveText('Thông báo');
  // Not asked on page load: the button asks, after a plain explanation.
  await expect(page.getByTestId('push-enable')).toBeVisible();
  await expect(settings).toContainText('Sau khi bấm, điện thoại sẽ hỏi bạn có cho phép thông báo không.');
  await expect(page.getByTestId('quiet-enabled')).toBeChecked();
  await expect(page.getByTestId('quiet-start')).toHaveValue('21:00');
  await page.getByTestId('push-group-tin_tuc').uncheck();
  await page.getByTestId('quiet-start').fill('22:00');
  await page.getByTestId('notification-settings-save').click();
  await expect(page.getByTestId('notification-settings-saved')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('push-group-tin_tuc')).not.toBeChecked();
  await expect(page.getByTestId('push-group-van_ban')).toBeChecked();
  await expect(page.getByTestId('quiet-start')).toHaveValue('22:00');
});

test.describe('offline', () => {
  test.use({ offlineExpected: true });

  test('a kept meeting never opened before comes alive offline (its code was kept with the app)', async ({ page, context }) => {
    // Home keeps the next meeting's page; the meeting page's own wasm chunk comes with the
    // service worker's shell, since the member has not opened that page yet.
    await signIn(page, '0900000005', '/');
    await controlled(page);
    await page.evaluate(() => localStorage.removeItem('sotay-kept-at'));
    await page.reload();
    await hydrated(page);
    let meeting = '';
    await expect.poll(async () => {
      meeting = (await keptPaths(page)).find((p) => /^\/sinh-hoat\/\d+$/.test(p)) ?? '';
      return meeting;
    }, { timeout: 15_000 }).not.toBe('');
    await context.setOffline(true);
    await page.goto(meeting);
    await hydrated(page);
    await expect(page.getByTestId('rsvp-attend')).toBeVisible();
    await context.setOffline(false);
  });

  test('kept documents and meeting materials open with no connection; an opinion waits and is sent', async ({ page, context }) => {
    await signIn(page, '0900000001', '/van-ban');
    await controlled(page);
    // Bookmark a document (a full page load keeps it too; the bookmark keeps it from now on).
    await page.getByTestId('doc-item').first().getByRole('link').click();
    await page.waitForURL(/\/van-ban\/\d+$/);
    await hydrated(page);
    const bookmarked = new URL(page.url()).pathname;
    const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();
    // (An earlier test may have saved it already.)
    if ((await page.getByTestId('bookmark').getAttribute('aria-pressed')) !== 'true') await page.getByTestId('bookmark').click();
    await expect(page.getByTestId('bookmark')).toHaveAttribute('aria-pressed', 'true');

    // The next meeting and its materials.
    await page.goto('/sinh-hoat');
    await hydrated(page);
    await page.getByTestId('meeting-card').filter({ hasText: 'Đã công bố' }).first().getByRole('link').click();
    await page.waitForURL(/\/sinh-hoat\/\d+$/);
    await hydrated(page);
    const meeting = new URL(page.url()).pathname;
    const material = page.getByTestId('material').first().getByRole('link');
    const materialPath = new URL((await material.getAttribute('href'))!, page.url()).pathname;
    const materialTitle = (await material.textContent())!.trim();

    // A fresh page load asks the service worker to keep this member's pages.
    await page.evaluate(() => localStorage.removeItem('sotay-kept-at'));
    await page.goto('/');
    await hydrated(page);
    await expect.poll(() => keptPaths(page), { timeout: 15_000 }).toEqual(expect.arrayContaining([bookmarked, meeting, materialPath]));

    await context.setOffline(true);
    // Not kept: the offline page, in Vietnamese.
    await page.goto('/tro-giup');
    await expect(page.getByTestId('offline-title')).toHaveText('Không có kết nối mạng');
    await page.goto(bookmarked);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await page.goto(materialPath);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(materialTitle.split(' — ').pop()!.slice(0, 20));
    await page.goto(meeting);
    await hydrated(page);
    await expect(page.getByTestId('material').first()).toContainText(materialTitle);

    // An opinion written offline waits, visibly, and nothing typed is lost.
    const opinion = 'Tôi đề nghị chi bộ tổ chức tập huấn dùng sổ tay cho đảng viên cao tuổi.';
    await page.getByLabel('Ý kiến góp ý của đồng chí').fill(opinion);
    await page.getByTestId('comment-submit').click();
    await expect(page.getByTestId('waiting')).toBeVisible();
    await expect(page.getByTestId('waiting-item')).toContainText(opinion);
    // So does the answer "I will attend".
    await page.getByTestId('rsvp-attend').click();
    await expect(page.getByTestId('waiting-item')).toHaveCount(2);
    await expect(page.getByTestId('waiting-item').nth(1)).toContainText('Tôi sẽ tham dự');
    await expectAccessible(page);

    await context.setOffline(false);
    await expect(page.getByTestId('waiting')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('comment').filter({ hasText: opinion })).toHaveCount(1);
    await expect(page.getByTestId('my-rsvp')).toContainText('Đã báo sẽ tham dự');
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId('comment').filter({ hasText: opinion })).toHaveCount(1);
  });

  test("a queued opinion leaves only under its writer's session, never the next person's", async ({ page, context }) => {
    test.info().annotations.push({ type: 'issue', description: '#17: the shared outbox of a phone belongs to the member who wrote it' });
    // 0900000001 writes an opinion offline and closes the app before the connection returns.
    await signIn(page, '0900000001', '/sinh-hoat');
    await page.getByTestId('meeting-card').filter({ hasText: 'Đã công bố' }).first().getByRole('link').click();
    await page.waitForURL(/\/sinh-hoat\/\d+$/);
    await hydrated(page);
    const meeting = new URL(page.url()).pathname;
    const opinion = `Ý kiến viết khi mất sóng ${Date.now()}`;
    // The request never leaves the phone (Chromium's offline emulation let some through).
    await page.route('**/api/comment', (route) => route.abort('internetdisconnected'));
    await page.getByLabel('Ý kiến góp ý của đồng chí').fill(opinion);
    await page.getByTestId('comment-submit').click();
    await expect(page.getByTestId('waiting-item')).toContainText(opinion);
    await page.close();
    await context.clearCookies();

    // Another member of the same cell signs in on this phone: the opinion is neither shown to
    // them nor sent under their session.
    const next = await context.newPage();
    await signIn(next, '0900000006', meeting);
    await expect(next.getByTestId('waiting')).toHaveCount(0);
    await next.waitForTimeout(3000);
    await next.reload();
    await hydrated(next);
    await expect(next.getByTestId('comment').filter({ hasText: opinion })).toHaveCount(0);
    expect(await next.evaluate(() => localStorage.getItem('sotay-outbox'))).toContain(opinion);

    // Its writer signs in again: it leaves, under their name.
    await context.clearCookies();
    await signIn(next, '0900000001', meeting);
    await expect(next.getByTestId('comment').filter({ hasText: opinion })).toHaveCount(1, { timeout: 15_000 });
    await expect(next.getByTestId('comment').filter({ hasText: opinion })).toContainText('Nguyễn Văn An');
  });
});
