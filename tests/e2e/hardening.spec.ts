/**
 * The screens under their Content-Security-Policy: every page comes with a strict policy (a fresh
 * nonce for SvelteKit's start-up script, no inline scripts, no framing), and the console, the
 * projector and a phone still work under it — the live connection included — with no violation
 * reported by the browser.
 */
import { expect, test, type Page } from '@playwright/test';
import { createApi } from '@canopy/client';
import { Devices, LAPTOP, PHONE, joinRoom } from './support';

test('console, projector and phone work under a strict CSP, and no page can be framed', async ({ browser, baseURL }) => {
  const devices = new Devices(browser);
  const violations: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
  };
  try {
    const room = await createApi(baseURL!).rooms.create.mutate({
      title: 'Allies under a strict policy',
      agenda: [{ id: 's1', type: 'slide', title: 'Welcome', durationSec: 60, config: { body: 'Hello.' } }],
    });
    const console_ = await devices.open(LAPTOP);
    watch(console_);
    const answer = await console_.goto(`/c/${room.roomId}#t=${room.facilitatorToken}&d=${room.displayToken}`);
    const csp = answer!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(answer!.headers()['x-frame-options']).toBe('DENY');
    expect(answer!.headers()['referrer-policy']).toBe('no-referrer');
    await expect(console_.getByTestId('room-code')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expect(console_.getByTestId('step-title')).toHaveText('Lobby');

    const display = await devices.open(LAPTOP);
    watch(display);
    await display.goto(await console_.getByTestId('display-link').inputValue());
    await expect(display.getByRole('img', { name: 'QR code to join the room' })).toBeVisible();

    const phone = await devices.open(PHONE);
    watch(phone);
    await joinRoom(phone, await console_.getByTestId('join-link').inputValue(), 'Ana');
    await expect(console_.getByTestId('joined-count')).toHaveText('1');
    await expect(display.getByTestId('joined-count')).toHaveText('1 joined');

    expect(violations).toEqual([]);

    // another site framing the console (token and all) gets nothing: the browser refuses to show it
    const attacker = await devices.open(LAPTOP);
    const refusals: string[] = [];
    attacker.on('console', (m) => refusals.push(m.text()));
    await attacker.setContent(`<iframe src="${baseURL}/c/${room.roomId}#t=${room.facilitatorToken}"></iframe>`);
    // Chromium shows its own error page in the frame instead of the console
    await expect
      .poll(() =>
        attacker
          .frames()
          .find((f) => f !== attacker.mainFrame())
          ?.url(),
      )
      .toMatch(/^chrome-error:/);
  } finally {
    await devices.closeAll();
  }
});
