/**
 * Accessibility stories: what a screen-reader or keyboard user meets while the room changes
 * under them. (Every screen's axe check, the projector's contrast, reduced motion and text at
 * 200 % run in the layout story, which visits every step and phase already.)
 *
 * Live updates: Ana is on her phone with a screen reader, typing; the facilitator works the console
 * with the keyboard. What others do arrives live and never takes their focus away; when the step
 * changes under Ana, the focus moves to the new step's heading. The live regions say each thing
 * once: the new step, the timer's start and its end (never every second), a partner's note.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection } from '@canopy/client';
import { Devices, LAPTOP, PHONE, joinRoom, ok, tabTo } from './support';

const WAIT = 15_000;

/**
 * Starts noting what the page's live regions say: every time a region's text changes (a region
 * being any element with aria-live other than "off", or the roles status, alert and log), the
 * region's name (its data-testid, else a short description) and its new text. A screen reader
 * speaks each of these once.
 */
async function listen(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __said: Array<{ region: string; text: string }> };
    w.__said = [];
    const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
    const last = new WeakMap<Element, string>();
    const name = (el: Element) =>
      el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}.${[...el.classList].filter((c) => !c.startsWith('svelte-')).join('.')}`;
    const note = (el: Element) => {
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      if ((last.get(el) ?? '') === text) return;
      last.set(el, text);
      if (text) w.__said.push({ region: name(el), text });
    };
    for (const el of document.querySelectorAll(LIVE)) last.set(el, (el.textContent ?? '').replace(/\s+/g, ' ').trim());
    new MutationObserver((changes) => {
      const touched = new Set<Element>();
      for (const c of changes) {
        const el = c.target instanceof Element ? c.target : c.target.parentElement;
        const region = el?.closest(LIVE);
        if (region) touched.add(region);
        for (const n of c.addedNodes) if (n instanceof Element) for (const r of [n, ...n.querySelectorAll(LIVE)]) if (r.matches(LIVE)) touched.add(r);
      }
      for (const r of touched) note(r);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
/** What the live regions said since `listen` (or the last `said`), and forget it. */
async function said(page: Page): Promise<Array<{ region: string; text: string }>> {
  return page.evaluate(() => {
    const w = window as unknown as { __said: Array<{ region: string; text: string }> };
    const out = w.__said;
    w.__said = [];
    return out;
  });
}
const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

test('live updates never take the focus away, and the live regions say each change once', async ({ browser, baseURL }) => {
  const devices = new Devices(browser);
  const conns: RoomConnection[] = [];
  const errors: string[] = [];
  try {
    const api = createApi(baseURL!);
    const room = await api.rooms.create.mutate({
      title: 'Allies at Northwind',
      agenda: [
        { id: 'welcome', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Nobody succeeds alone.' } },
        { id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 1 } },
        { id: 'commit', type: 'commitments', title: 'Your commitments', durationSec: 0, config: {} },
      ],
    });
    const facilitator = connectRoom({ url: baseURL!, roomId: room.roomId, token: room.facilitatorToken });
    conns.push(facilitator);
    await facilitator.until((s) => s.status === 'connected' && s.room !== null, WAIT);

    const console_ = await devices.open(LAPTOP);
    const ana = await devices.open(PHONE);
    for (const [who, p] of [
      ['console', console_],
      ['Ana', ana],
    ] as const)
      p.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
    await console_.goto(`/c/${room.roomId}#t=${room.facilitatorToken}`);
    await joinRoom(ana, `/j/${room.code}`, 'Ana');
    await listen(ana);

    // Ben joins from his own phone (the SDK, as his phone would)
    const benToken = newParticipantToken();
    await api.rooms.join.mutate({ code: room.code, nickname: 'Ben', token: benToken, deviceId: randomId() });
    const ben = connectRoom({ url: baseURL!, roomId: room.roomId, token: benToken });
    conns.push(ben);
    await ben.until((s) => s.you !== null, WAIT);
    await expect(console_.getByTestId('people-count')).toHaveText('2');

    const next = console_.locator('.nav-row button.next');
    await test.step('the facilitator starts the first step with the keyboard: the focus stays on the button while the room moves on', async () => {
      await tabTo(console_, next, 80);
      await console_.keyboard.press('Enter');
      await expect(next).toHaveText(/Next: Partnership meetings/);
      await expect(ana.getByTestId('step-title')).toHaveText('Welcome');
      expect(await isFocused(next)).toBe(true);
    });

    await test.step('Ana’s phone says the new step once', async () => {
      await expect.poll(async () => (await said(ana)).filter((s) => s.region === 'step-news')).toEqual([{ region: 'step-news', text: 'Step 1 of 3: Welcome' }]);
    });

    await test.step('a short timer: its start and its end are said once each, never every second', async () => {
      await ok(facilitator.command({ type: 'timer.start', durationSec: 3 }));
      await expect(ana.getByText('Time’s up')).toBeVisible({ timeout: WAIT });
      await ana.waitForTimeout(500);
      const timerNews = (await said(ana)).map((s) => s.text);
      expect(timerNews).toEqual(['Less than a minute left', 'Time is up']);
      // the console's Next button kept the focus through the timer's updates
      expect(await isFocused(next)).toBe(true);
    });

    const note = ana.getByLabel(/A note on/);
    await test.step('partnership: Ana types a note while Ben’s arrives; she keeps her focus and her words, and hears Ben’s note once', async () => {
      await console_.keyboard.press('Enter');
      await expect(ana.getByTestId('step-title')).toHaveText('Partnership meetings');
      await ok(facilitator.act('meet', { type: 'start-round' }));
      await expect(ana.getByTestId('pm-prompt-title')).toBeVisible({ timeout: WAIT });
      await said(ana);
      await tabTo(ana, note, 80);
      await ana.keyboard.type('We both need the');
      await ok(ben.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-ben-01', text: 'Finance needs the forecast earlier' }));
      await expect(ana.getByTestId('pm-note-text').filter({ hasText: 'Finance needs the forecast earlier' })).toBeVisible();
      expect(await isFocused(note)).toBe(true);
      await expect(note).toHaveValue('We both need the');
      await ana.keyboard.type(' forecast in May');
      await ana.keyboard.press('Enter');
      await expect(ana.getByTestId('pm-note-text').filter({ hasText: 'We both need the forecast in May' })).toBeVisible();
      await expect(note).toBeFocused();
      await ana.waitForTimeout(500);
      const news = (await said(ana)).filter((s) => s.region !== 'save-status');
      expect(news.map((s) => s.text)).toEqual(['Ben added a note: Finance needs the forecast earlier', 'Note added']);
    });

    await test.step('the step changes while Ana is in the note field: her focus moves to the new step’s heading, and she hears the step once', async () => {
      await expect(note).toBeFocused();
      await tabTo(console_, next, 80);
      await console_.keyboard.press('Enter');
      const heading = ana.getByRole('heading', { level: 1, name: 'Your commitments' });
      await expect(heading).toBeVisible({ timeout: WAIT });
      await expect(heading).toBeFocused();
      await ana.waitForTimeout(500);
      expect((await said(ana)).filter((s) => s.region === 'step-news')).toEqual([{ region: 'step-news', text: 'Step 3 of 3: Your commitments' }]);
      expect(await isFocused(next)).toBe(true);
    });

    expect(errors).toEqual([]);
  } finally {
    for (const c of conns) c.close();
    await devices.closeAll();
  }
});
