import { test, expect, hydrated, signIn } from './fixtures';
import type { Page } from '@playwright/test';

// Every page but help, the offline page and "not found" lives in its own wasm chunk (`cargo
// leptos build --split`, app::lazy_pages): a member downloads the code of the pages they open and
// never that of the leaders' pages; a page hydrates whether it is opened directly (its chunks are
// fetched with the main wasm, before hydration) or reached by navigation.

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
/** The entry chunk of a lazily loaded page: `split___<route in snake case>_route_view_<hash>.<hash>.wasm`. */
const entryOf = (route: string) => (path: string) => path.includes(`/split___${route}_route_view_`);
const leaderRoutes = ['progress', 'publish', 'overview', 'print', 'statistics', 'report', 'tree', 'import', 'reconcile', 'manage_accounts'];

test('a member reads home, documents and meetings with their pages\' chunks, never a leader page\'s', async ({ page }) => {
  const wasm = wasmRequests(page);
  await signIn(page, '0900000001', '/');
  await expect.poll(() => wasm.filter(entryOf('home')).length, { message: 'home opened directly fetched its chunk' }).toBeGreaterThan(0);
  await page.locator('nav.bottom-nav').getByRole('link', { name: 'Văn bản' }).click();
  await page.waitForURL('**/van-ban');
  await expect(page.getByTestId('doc-item').first()).toBeVisible();
  await page.locator('nav.bottom-nav').getByRole('link', { name: 'Sinh hoạt' }).click();
  await page.waitForURL('**/sinh-hoat');
  await expect(page.getByTestId('meeting-card').first()).toBeVisible();
  await page.goto('/thong-bao');
  await hydrated(page);
  expect(wasm.some(mainWasm)).toBe(true);
  for (const route of ['library', 'meetings', 'notifications']) {
    expect(wasm.some(entryOf(route)), `${route} fetched its chunk`).toBe(true);
  }
  for (const route of leaderRoutes) {
    expect(wasm.filter(entryOf(route)), `a member fetched the ${route} page's chunk`).toEqual([]);
  }
});

test('the service worker keeps the chunks of every page a member reads offline', async ({ page }) => {
  const sw = await (await page.request.get('/sw.js')).text();
  const core: string[] = JSON.parse(sw.match(/const SHELL = (\[.*\]);/)![1]);
  const chunks: string[] = JSON.parse(sw.match(/const CHUNKS = (\[.*\]);/)![1]);
  expect(core.some((u) => u.endsWith('.wasm')), 'the main wasm in the shell').toBe(true);
  const shell = [...core, ...chunks];
  for (const route of ['home', 'library', 'document', 'news', 'meetings', 'meeting', 'tasks', 'notifications']) {
    expect(shell.some(entryOf(route)), `${route} in the shell`).toBe(true);
  }
  for (const route of leaderRoutes) {
    expect(shell.filter(entryOf(route)), `${route} not in the shell`).toEqual([]);
  }
  // Every file the shell names exists (the service worker's install fails on one missing file).
  for (const url of shell) {
    expect((await page.request.get(url)).status(), url).toBe(200);
  }
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
