import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// Every test fails on any console error or uncaught exception in the page. A test that
// provokes a refusal on purpose (a wrong password is answered 422) names exactly the HTTP
// statuses it expects Chromium to log; nothing else is tolerated.
// A test that cuts the network on purpose (`offlineExpected`) tolerates exactly the browser's
// "no connection" messages.
export const test = base.extend<{ consoleErrors: string[]; expectedHttpErrors: number[]; offlineExpected: boolean }>({
  expectedHttpErrors: [[], { option: true }],
  offlineExpected: [false, { option: true }],
  consoleErrors: [
    async ({ page, expectedHttpErrors, offlineExpected }, use) => {
      const errors: string[] = [];
      const expected = expectedHttpErrors.map((s) => `Failed to load resource: the server responded with a status of ${s} `);
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const text = msg.text();
        if (expected.some((e) => text.startsWith(e))) return;
        if (offlineExpected && text.includes('net::ERR_INTERNET_DISCONNECTED')) return;
        errors.push(text);
      });
      page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Waits until the wasm has hydrated the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
}

/** axe with WCAG 2.2 A/AA and AAA rules: no violations allowed. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect(found).toEqual([]);
}

/** No horizontal scrolling at the current viewport. */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Signs in with a demo account (password sotay2026) and waits for `next` to hydrate. */
/** Signs in with the plain form (a context with JavaScript off) and lands on the home page. */
export async function signInWithoutScript(page: Page, identifier: string, password = 'sotay2026') {
  await page.goto('/dang-nhap');
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill(identifier);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).last().click();
  await page.waitForURL((url) => url.pathname === '/');
}

export async function signIn(page: Page, identifier: string, next = '/', password = 'sotay2026') {
  await page.goto(`/dang-nhap?next=${encodeURIComponent(next)}`);
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill(identifier);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
  await hydrated(page);
}
