import { test, expect, hydrated, signIn } from './fixtures';
import type { Page } from '@playwright/test';

// The leaders' pages live in their own wasm chunks (`cargo leptos build --split`,
// app::lazy_pages): a member never downloads them; a leader's page hydrates whether it is opened
// directly (its chunk is loaded before hydration) or reached by navigation.

/** Every wasm file the page fetched, by name. */
function wasmRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.endsWith('.wasm')) seen.push(path);
  });
  return seen;
}

const mainWasm = (path: string) => /^\/pkg\/sotay\.[^/]*\.wasm$/.test(path);

test('a member reads home, documents and meetings with the main wasm alone', async ({ page }) => {
  const wasm = wasmRequests(page);
  await signIn(page, '0900000001', '/');
  await page.locator('nav.bottom-nav').getByRole('link', { name: 'Văn bản' }).click();
  await page.waitForURL('**/van-ban');
  await page.locator('nav.bottom-nav').getByRole('link', { name: 'Sinh hoạt' }).click();
  await page.waitForURL('**/sinh-hoat');
  await page.goto('/thong-bao');
  await hydrated(page);
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((p) => !mainWasm(p)), 'chunks fetched by a member').toEqual([]);
});

test('a leader page opened directly loads its chunk, then hydrates and works', async ({ page }) => {
  await signIn(page, '0900000003', '/');
  const wasm = wasmRequests(page);
  await page.goto('/thong-ke');
  await hydrated(page);
  const chunks = wasm.filter((p) => !mainWasm(p));
  expect(chunks.length, 'the statistics page fetched its chunk').toBeGreaterThan(0);
  // Interactive: drilling into a child organisation is a client-side navigation.
  const child = page.getByTestId('stats-child').first().getByRole('link').first();
  const name = (await child.textContent())!.trim();
  await child.click();
  await expect(page.getByTestId('stats-title')).toContainText(name);
  // Another leader page reached by navigation loads its own chunk on the way.
  const before = wasm.length;
  await page.getByTestId('report-link').click();
  await page.waitForURL(/\/thong-ke\/bao-cao/);
  await expect(page.getByTestId('report-row').first()).toBeVisible();
  expect(wasm.slice(before).filter((p) => !mainWasm(p)).length, 'the report fetched its chunk').toBeGreaterThan(0);
});
