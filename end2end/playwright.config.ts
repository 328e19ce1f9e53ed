import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The server under test: the debug binary cargo-leptos built, on its own port and a fresh
// SQLite file with a small demo province.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'sotay', 'target');
const bin = process.env.SOTAY_BIN ?? path.join(targetDir, 'debug', 'sotay');
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-e2e-'));

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL,
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    command: `"${bin}" seed --if-empty --members 300 && exec "${bin}" serve`,
    cwd: '..',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${path.join(dbDir, 'e2e.db')}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'sotay',
      LEPTOS_HASH_FILES: 'true',
      RUST_LOG: 'warn',
      SOTAY_PUBLIC_URL: `http://localhost:${port}`,
      UPLOAD_DIR: path.join(dbDir, 'uploads'),
    },
  },
});
