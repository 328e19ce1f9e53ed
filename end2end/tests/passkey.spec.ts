import { test, expect, hydrated } from './fixtures';

// WebAuthn needs a domain name: this test uses localhost (the server's SOTAY_PUBLIC_URL), and
// Chromium's virtual authenticator stands in for the phone's fingerprint sensor.
const origin = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

test('a member adds a passkey and signs in with it instead of the password', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await page.goto(`${origin}/dang-nhap?next=/ca-nhan`);
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill('0900000003');
  await page.getByLabel('Mật khẩu', { exact: true }).fill('sotay2026');
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL(`${origin}/ca-nhan`);
  await hydrated(page);
  await expect(page.getByTestId('passkey-count')).toHaveText('Số thiết bị đã lưu: 0');
  await page.getByTestId('passkey-add').click();
  await expect(page.getByTestId('passkey-added')).toBeVisible();
  await expect(page.getByTestId('passkey-count')).toHaveText('Số thiết bị đã lưu: 1');

  await page.getByTestId('sign-out').click();
  await page.waitForURL(`${origin}/dang-nhap`);
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc mã đảng viên').fill('0900 000 003');
  await page.getByTestId('passkey-sign-in').click();
  await page.waitForURL(`${origin}/`);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chào đồng chí Lê Văn Cường');
});
