/**
 * Every screen at the sizes people really use, on every kind of step: the facilitator's laptop
 * (1280×800, 1440×900, 1920×1080), the projector (1280×720, 1920×1080) and phones (360×740,
 * 390×844). One room runs a whole workshop — lobby, slide, self-assessment, ally map, partnership
 * meetings, worthy adversaries, open prompt, commitments, the wrap-up and the end — with four
 * people (one on the phone, one with a long name from Engineering), and at each step and phase
 * the layout check (layout.ts) looks at the console, the display and the phone at each size:
 * nothing runs out of its card or the screen, no card covers another, no text is cut off, nothing
 * is squeezed, and the projector needs no scrolling.
 *
 * Along the way the phone posts with the keyboard: Enter posts an answer, Shift+Enter starts a
 * new line in a group note.
 *
 * The same visits measure accessibility (a11y.ts): on every step and phase axe finds nothing
 * serious or critical on the console, the projector (its dark theme) and the phone; the screens
 * ask for reduced motion, and nothing on them moves; and the phone, with its text at 200 %, still
 * passes the layout check.
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { connectRoom, createApi, importSealKey, newParticipantToken, randomId, seal, type RoomConnection } from '@canopy/client';
import type { OpenPromptParticipantView } from '@canopy/core';
import { CHROMIUM_LAUNCH, Devices, LAPTOP, PHONE, PROJECTOR, joinRoom, ok } from './support';
import { axeProblems, motionProblems, textZoomed } from './a11y';
import { layoutProblems } from './layout';

const CONSOLE = [
  [1280, 800],
  [1440, 900],
  [1920, 1080],
] as const;
const DISPLAY = [
  [1280, 720],
  [1920, 1080],
] as const;
const PHONES = [
  [360, 740],
  [390, 844],
] as const;

// Real laptops show a scroll bar beside a long page (about 15 px of the width); headless Chromium
// hides it unless told not to. The check looks at the width people really have.
test.use({ launchOptions: { ...CHROMIUM_LAUNCH, ignoreDefaultArgs: ['--hide-scrollbars'] } });

const WAIT = 15_000;

/**
 * No movement: the screen asks for reduced motion, as a person who turned motion off in their
 * system settings does, and the app's own styles stop every animation and transition (the check
 * looks at the layout, not at a frame of a movement; motionProblems proves nothing still moves).
 */
async function still(page: Page) {
  await page.emulateMedia({ reducedMotion: 'reduce' });
}
const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

test('every screen fits at its real sizes on every step and passes the accessibility checks: nothing overflows, overlaps or is cut off', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(900_000);
  const devices = new Devices(browser);
  const conns: RoomConnection[] = [];
  const problems: string[] = [];
  const errors: string[] = [];
  try {
    const api = createApi(baseURL!);
    const room = await api.rooms.create.mutate({
      title: 'Building allies — spring cohort at Northwind Logistics',
      join: { askDepartment: true, askLevel: false, departments: [], levels: [], maxParticipants: 100 },
      agenda: [
        {
          id: 'welcome',
          type: 'slide',
          title: 'Welcome',
          durationSec: 300,
          config: { body: 'Nobody succeeds alone. Today we look at the people who help us get things done — and at the ones we have not reached yet.' },
        },
        { id: 'self', type: 'self-assessment', title: 'Where you stand today', durationSec: 420, config: { minGroupSize: 1 } },
        { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 660, config: { minGroupSize: 1, target: 2 } },
        { id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 1920, config: { groupSize: 4, rounds: 1 } },
        {
          id: 'adv',
          type: 'adversaries',
          title: 'Worthy adversaries',
          durationSec: 1140,
          config: {
            minGroupSize: 1,
            statements: [
              { id: 'credit', text: 'People must know which results were mine.' },
              { id: 'speak', text: 'It is better to disagree in the meeting than after it.' },
            ],
          },
        },
        { id: 'ideas', type: 'open-prompt', title: 'What makes an ally', durationSec: 600, config: { question: 'What makes someone a real ally at work?' } },
        { id: 'commit', type: 'commitments', title: 'Your commitments', durationSec: 360, config: {} },
        {
          id: 'bye',
          type: 'slide',
          title: 'Wrap-up',
          durationSec: 300,
          config: { body: 'Pick one person from your map and one commitment, and start this week.' },
        },
      ],
    });
    const facilitator = connectRoom({ url: baseURL!, roomId: room.roomId, token: room.facilitatorToken });
    conns.push(facilitator);
    await facilitator.until((s) => s.status === 'connected' && s.room !== null, WAIT);
    const command = (cmd: Parameters<RoomConnection['command']>[0]) => ok(facilitator.command(cmd));
    const act = (step: string, action: unknown) => ok(facilitator.act(step, action));

    const console_ = await devices.open(LAPTOP);
    const display = await devices.open(PROJECTOR);
    const phone = await devices.open(PHONE);
    for (const [who, p] of [
      ['console', console_],
      ['display', display],
      ['phone', phone],
    ] as const)
      p.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));

    async function check(label: string) {
      const screens: Array<[string, Page, ReadonlyArray<readonly [number, number]>, boolean]> = [
        ['console', console_, CONSOLE, false],
        ['display', display, DISPLAY, true],
        ['phone', phone, PHONES, false],
      ];
      for (const [who, page, sizes, fitHeight] of screens) {
        for (const [width, height] of sizes) {
          await page.setViewportSize({ width, height });
          await frames(page);
          for (const p of await layoutProblems(page, { fitHeight })) problems.push(`${label} · ${who} ${width}×${height}: ${p}`);
          // LAYOUT_SHOTS=<folder>: a picture of every screen checked, to look at by eye
          if (process.env.LAYOUT_SHOTS)
            await page.screenshot({ path: `${process.env.LAYOUT_SHOTS}/${label.replace(/\W+/g, '-')}-${who}-${width}x${height}.png`, fullPage: true });
        }
        // accessibility at the last size: axe, and nothing moving
        problems.push(...(await axeProblems(page, `${label} · ${who}`)), ...(await motionProblems(page, `${label} · ${who}`)));
      }
      // the phone with its text at 200 %
      await phoneZoomed(label);
    }
    async function phoneZoomed(label: string) {
      const [width, height] = PHONES[PHONES.length - 1]!;
      await phone.setViewportSize({ width, height });
      await textZoomed(phone);
      await frames(phone);
      for (const p of await layoutProblems(phone)) problems.push(`${label} · phone ${width}×${height}, text 200 %: ${p}`);
      if (process.env.LAYOUT_SHOTS)
        await phone.screenshot({ path: `${process.env.LAYOUT_SHOTS}/${label.replace(/\W+/g, '-')}-phone-text200.png`, fullPage: true });
      await textZoomed(phone, false);
    }
    const settle = async (title: string | null) => {
      // the console and the phone show the step's title (the display shows the activity's own heading)
      for (const p of [console_, phone]) if (title) await expect(p.getByTestId('step-title').first()).toHaveText(title, { timeout: WAIT });
      await phone.waitForTimeout(300);
    };

    // --- the lobby: the join form and the waiting room -------------------------------------------
    await phone.goto(`/j/${room.code}`);
    await still(phone);
    await console_.goto(`/c/${room.roomId}#t=${room.facilitatorToken}&d=${room.displayToken}&h=${room.cohostToken}`);
    await still(console_);
    await display.goto(`/d/${room.roomId}#t=${room.displayToken}`);
    await still(display);
    // the projector's dark theme is the one its contrast is measured in
    await expect(display.locator('html')).toHaveClass(/theme-dark/);
    for (const [width, height] of PHONES) {
      await phone.setViewportSize({ width, height });
      await frames(phone);
      for (const p of await layoutProblems(phone)) problems.push(`join form · phone ${width}×${height}: ${p}`);
    }
    problems.push(...(await axeProblems(phone, 'join form · phone')));
    await phoneZoomed('join form');
    await joinRoom(phone, `/j/${room.code}`, 'Anastasia Konstantinidou', 'Sales');
    await still(phone);
    const params = new URLSearchParams(new URL(phone.url()).hash.slice(1));
    const ana = { conn: connectRoom({ url: baseURL!, roomId: room.roomId, token: params.get('t')! }), key: await importSealKey(params.get('k')!) };
    conns.push(ana.conn);
    const others: Array<{ conn: RoomConnection; key: Awaited<ReturnType<typeof importSealKey>> }> = [];
    for (const [nickname, department] of [
      ['Maximilian Alexander Hohenberg', 'Engineering'],
      ['Benedikt', 'Finance'],
      ['Chloé', 'Customer Success'],
    ] as const) {
      const token = newParticipantToken();
      await api.rooms.join.mutate({ code: room.code, nickname, department, token, deviceId: randomId() });
      const conn = connectRoom({ url: baseURL!, roomId: room.roomId, token });
      conns.push(conn);
      await conn.until((s) => s.you !== null, WAIT);
      others.push({ conn, key: await importSealKey(params.get('k')!) });
    }
    const everyone = [ana, ...others];
    await expect(console_.getByTestId('people-count')).toHaveText('4');
    await expect(phone.getByTestId('joined-count')).toHaveText('4');
    await check('lobby');

    await test.step('a slide', async () => {
      await command({ type: 'next' });
      await command({ type: 'timer.start' });
      await settle('Welcome');
      await check('slide');
    });

    await test.step('self-assessment: answering, then the results', async () => {
      await command({ type: 'next' });
      await settle('Where you stand today');
      const ids = ['their-goals', 'offer-help', 'ask-impact', 'confidences', 'follow-through', 'thanks'];
      for (const [i, p] of everyone.entries())
        for (const [j, statementId] of ids.entries()) await ok(p.conn.submit('self', { op: 'rate', statementId, value: ((i + j) % 5) + 1 }));
      await check('self-assessment, answer');
      await command({ type: 'phase', phase: 'results' });
      await phone.waitForTimeout(500);
      await check('self-assessment, results');
    });

    await test.step('ally map: collecting, then the room’s picture', async () => {
      await command({ type: 'next' });
      await settle('Map your allies');
      const places = [
        ['above', 'ally'],
        ['across', 'colleague'],
        ['below', 'core'],
        ['outside', 'contact'],
      ] as const;
      for (const [i, p] of everyone.entries()) {
        for (const [j, [sector, ring]] of places.entries()) {
          if ((i + j) % 3 === 2) continue;
          const label = await seal(p.key, ['Maria Lopez', 'Ops director', 'Former boss', 'Jo'][j]!);
          await ok(p.conn.submit('map', { op: 'put', entry: { id: `e${i}${j}-entry`, label, sector, ring, tags: j === 0 ? ['trusted'] : [] } }));
        }
      }
      await phone.waitForTimeout(500);
      await check('ally map, collect');
      await command({ type: 'phase', phase: 'reveal' });
      await phone.waitForTimeout(500);
      await check('ally map, reveal');
    });

    await test.step('partnership meetings: a group of four with notes and an action, then the wrap-up', async () => {
      await command({ type: 'next' });
      await settle('Partnership meetings');
      await act('meet', { type: 'start-round' });
      await expect(phone.getByTestId('pm-prompt-title')).toBeVisible({ timeout: WAIT });
      // Shift+Enter starts a new line in a group note; Enter posts it
      const note = phone.getByLabel(/A note on/);
      await note.fill('Both teams ship in May');
      await note.press('Shift+Enter');
      await note.pressSequentially('and share one calendar');
      await note.press('Enter');
      await expect(phone.getByTestId('pm-note-text')).toHaveText('Both teams ship in May\nand share one calendar');
      await expect(note).toHaveValue('');
      const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
      const me = (await others[0]!.conn.until((s) => s.you !== null)).you!.id;
      await ok(
        others[0]!.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-max-01', text: 'Engineering needs the forecast two weeks earlier' }),
      );
      await ok(others[0]!.conn.submit('meet', { op: 'put-action', id: 'act-max-01', text: 'Share the release calendar every month', owner: me, due }));
      await phone.waitForTimeout(500);
      await check('partnership, meet');
      await command({ type: 'phase', phase: 'wrap-up' });
      await phone.waitForTimeout(500);
      await check('partnership, wrap-up');
    });

    await test.step('worthy adversaries: stances, pairs talking, then the results', async () => {
      await command({ type: 'next' });
      await settle('Worthy adversaries');
      for (const [i, p] of everyone.entries()) {
        await ok(p.conn.submit('adv', { op: 'stance', statementId: 'credit', value: [1, 7, 2, 6][i]! }));
        await ok(p.conn.submit('adv', { op: 'stance', statementId: 'speak', value: [4, 5, 3, 6][i]! }));
      }
      await phone.waitForTimeout(500);
      await check('adversaries, stance');
      await command({ type: 'phase', phase: 'pairing' });
      await act('adv', { type: 'pair', statementId: 'credit' });
      await command({ type: 'phase', phase: 'steelman' });
      await phone.waitForTimeout(500);
      await check('adversaries, steelman');
      for (const [i, p] of everyone.entries()) {
        await ok(p.conn.submit('adv', { op: 'learned', text: 'Visibility can help the whole team, not just me.' }));
        await ok(p.conn.submit('adv', { op: 'rerate', statementId: 'credit', value: [2, 6, 2, 5][i]! }));
      }
      await command({ type: 'phase', phase: 'results' });
      await phone.waitForTimeout(500);
      await check('adversaries, results');
    });

    await test.step('open prompt: answers (Enter posts), the vote, the results', async () => {
      await command({ type: 'next' });
      await settle('What makes an ally');
      const answer = phone.locator('#answer-ideas');
      await answer.fill('Tells you the hard truth, kindly');
      await answer.press('Enter');
      await expect(answer).toHaveValue('');
      const texts = ['Listens before pitching an idea', 'Shares credit in public', 'Shows up when it counts'];
      for (const [i, p] of others.entries()) await ok(p.conn.submit('ideas', { op: 'answer', id: `a${i}`, text: texts[i]! }));
      await phone.waitForTimeout(500);
      await check('open prompt, answer');
      await command({ type: 'phase', phase: 'vote' });
      await act('ideas', { type: 'open-vote' });
      for (const p of others) {
        const snap = await p.conn.until((s) => ((s.activity?.data as OpenPromptParticipantView | undefined)?.ballot.length ?? 0) >= 3, WAIT);
        const ballot = (snap.activity!.data as OpenPromptParticipantView).ballot;
        await ok(p.conn.submit('ideas', { op: 'vote', entry: ballot.find((b) => !b.mine)!.id, count: 1 }));
      }
      await phone.waitForTimeout(500);
      await check('open prompt, vote');
      await command({ type: 'phase', phase: 'results' });
      await phone.waitForTimeout(500);
      await check('open prompt, results');
    });

    await test.step('commitments: writing, then the review', async () => {
      await command({ type: 'next' });
      await settle('Your commitments');
      const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      for (const [i, p] of everyone.entries()) {
        const whom = await seal(p.key, ['Maria (Finance)', 'J.K.', 'Sam', 'Priya'][i]!);
        const what = await seal(p.key, 'Ask how the budget review went, and offer our forecast');
        await ok(p.conn.submit('commit', { op: 'put', item: { id: `c${i}-commitment`, whom, what, start, cadence: i % 2 ? 'monthly' : 'biweekly' } }));
      }
      await phone.waitForTimeout(500);
      await check('commitments, write');
      await command({ type: 'phase', phase: 'review' });
      await phone.waitForTimeout(500);
      await check('commitments, review');
    });

    await test.step('the wrap-up slide, then the session ends', async () => {
      await command({ type: 'next' });
      await settle('Wrap-up');
      await check('wrap-up');
      await command({ type: 'close' });
      await expect(phone.getByTestId('ended-screen')).toBeVisible({ timeout: WAIT });
      await expect(display.getByTestId('ended-screen')).toBeVisible({ timeout: WAIT });
      await check('session ended');
    });

    expect(errors).toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
  } finally {
    // LAYOUT_DUMP=<file>: every problem found, one a line (also when the story stops early)
    if (process.env.LAYOUT_DUMP) writeFileSync(process.env.LAYOUT_DUMP, problems.join('\n'));
    for (const c of conns) c.close();
    await devices.closeAll();
  }
});
