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
 * The same workshop runs again in every other language Canopy ships (Spanish, German, Arabic right
 * to left): the room's language is chosen when it is planned, its steps carry the built-in
 * workshop's texts in that language, and the phone follows the room. There each screen is checked
 * at one size (the smallest phone, where a long word or a right-to-left layout runs out first),
 * with axe, its `lang` and `dir`, a message of its own language, and no English sentence of
 * Canopy's own left on it (english.ts). The story drives the room by protocol and finds the
 * phone's controls by ids, so it reads the same in every language.
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
import { expect, test, type Browser, type Page } from '@playwright/test';
import { connectRoom, createApi, importSealKey, newParticipantToken, randomId, seal, type RoomConnection } from '@canopy/client';
import { activityTexts, buildingAllies, type ActivityType, type NewRoom, type OpenPromptParticipantView } from '@canopy/core';
import { CHROMIUM_LAUNCH, Devices, LAPTOP, PHONE, PROJECTOR, ok } from './support';
import { axeProblems, motionProblems, textZoomed } from './a11y';
import { englishLeft, speaks, type Locale } from './english';
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

/** The workshop's own words in each language (English: long titles that stress the layout). */
interface Words {
  room: string;
  /** step titles by step id */
  titles: Record<string, string>;
  welcome: string;
  bye: string;
  credit: string;
  speak: string;
  question?: string;
}
const ENGLISH: Words = {
  room: 'Building allies — spring cohort at Northwind Logistics',
  titles: {
    welcome: 'Welcome',
    self: 'Where you stand today',
    map: 'Map your allies',
    meet: 'Partnership meetings',
    adv: 'Worthy adversaries',
    ideas: 'What makes an ally',
    commit: 'Your commitments',
    bye: 'Wrap-up',
  },
  welcome: 'Nobody succeeds alone. Today we look at the people who help us get things done — and at the ones we have not reached yet.',
  bye: 'Pick one person from your map and one commitment, and start this week.',
  credit: 'People must know which results were mine.',
  speak: 'It is better to disagree in the meeting than after it.',
  question: 'What makes someone a real ally at work?',
};
/** What people type in the story (in English in every room): the "no English left" check leaves it out. */
const TYPED = [
  'Anastasia Konstantinidou',
  'Maximilian Alexander Hohenberg',
  'Benedikt',
  'Chloé',
  'Sales',
  'Engineering',
  'Finance',
  'Customer Success',
  'Maria Lopez',
  'Ops director',
  'Former boss',
  'Both teams ship in May',
  'and share one calendar',
  'Engineering needs the forecast two weeks earlier',
  'Share the release calendar every month',
  'Visibility can help the whole team, not just me.',
  'Tells you the hard truth, kindly',
  'Listens before pitching an idea',
  'Shares credit in public',
  'Shows up when it counts',
  'Maria (Finance)',
  'Ask how the budget review went, and offer our forecast',
];

/** Another language's words: the built-in workshop's, as a facilitator planning in that language gets them. */
function wordsIn(locale: Exclude<Locale, 'en'>): Words {
  const t = buildingAllies(locale);
  const of = (type: ActivityType, id?: string) => t.agenda.find((s) => s.type === type && (!id || s.id === id))!;
  const body = (id: string) => String((of('slide', id).config as { body: string }).body);
  const [credit, speak] = activityTexts('adversaries', locale).statements as Array<{ text: string }>;
  return {
    room: `${t.title} — Northwind Logistics`,
    titles: {
      welcome: of('slide', 'welcome').title,
      self: of('self-assessment').title,
      map: of('mental-map').title,
      meet: of('partnership').title,
      adv: of('adversaries').title,
      ideas: of('open-prompt').title,
      commit: of('commitments').title,
      bye: of('slide', 'wrap-up').title,
    },
    welcome: body('welcome'),
    bye: body('wrap-up'),
    credit: credit!.text,
    speak: speak!.text,
  };
}

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
  await workshop(browser, baseURL!, 'en');
});

for (const locale of ['es', 'de', 'ar'] as const) {
  test(`in ${locale}: every screen speaks the room's language on every step, fits the smallest phone and passes axe`, async ({ browser, baseURL }) => {
    test.setTimeout(600_000);
    await workshop(browser, baseURL!, locale);
  });
}

/**
 * One whole workshop with the room in `locale`: English at every size with the motion and 200 %
 * text checks; another language at one size per screen, with its language checks.
 */
async function workshop(browser: Browser, baseURL: string, locale: Locale) {
  const english = locale === 'en';
  const w = english ? ENGLISH : wordsIn(locale);
  const dir = locale === 'ar' ? 'rtl' : 'ltr';
  // each step's texts in the room's language (English: the activities' own defaults)
  const inRoomLanguage = (type: ActivityType, config: Record<string, unknown>) => (english ? config : { ...activityTexts(type, locale), ...config });
  const devices = new Devices(browser);
  const conns: RoomConnection[] = [];
  const problems: string[] = [];
  const errors: string[] = [];
  try {
    const api = createApi(baseURL);
    const step = (id: string, type: ActivityType, durationSec: number, config: Record<string, unknown>) => ({
      id,
      type,
      title: w.titles[id]!,
      durationSec,
      config: inRoomLanguage(type, config),
    });
    const plan: NewRoom = {
      title: w.room,
      language: locale,
      join: { askDepartment: true, askLevel: false, departments: [], levels: [], maxParticipants: 100 },
      agenda: [
        step('welcome', 'slide', 300, { body: w.welcome }),
        step('self', 'self-assessment', 420, { minGroupSize: 1 }),
        step('map', 'mental-map', 660, { minGroupSize: 1, target: 2 }),
        step('meet', 'partnership', 1920, { groupSize: 4, rounds: 1 }),
        step('adv', 'adversaries', 1140, {
          minGroupSize: 1,
          statements: [
            { id: 'credit', text: w.credit },
            { id: 'speak', text: w.speak },
          ],
        }),
        step('ideas', 'open-prompt', 600, w.question ? { question: w.question } : {}),
        step('commit', 'commitments', 360, {}),
        step('bye', 'slide', 300, { body: w.bye }),
      ],
    };
    const room = await api.rooms.create.mutate(plan);
    const facilitator = connectRoom({ url: baseURL, roomId: room.roomId, token: room.facilitatorToken });
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
        ['console', console_, english ? CONSOLE : CONSOLE.slice(0, 1), false],
        ['display', display, english ? DISPLAY : DISPLAY.slice(0, 1), true],
        ['phone', phone, english ? PHONES : PHONES.slice(0, 1), false],
      ];
      // the three screens are separate browsers: they are checked side by side (each in its own order)
      const found = await Promise.all(
        screens.map(async ([who, page, sizes, fitHeight]) => {
          const out: string[] = [];
          if (!english) out.push(...(await speaksRoomLanguage(page, `${label} · ${who}`)));
          for (const [width, height] of sizes) {
            await page.setViewportSize({ width, height });
            await frames(page);
            for (const p of await layoutProblems(page, { fitHeight })) out.push(`${label} · ${who} ${width}×${height}: ${p}`);
            // LAYOUT_SHOTS=<folder>: a picture of every screen checked, to look at by eye
            if (process.env.LAYOUT_SHOTS)
              await page.screenshot({ path: `${process.env.LAYOUT_SHOTS}/${label.replace(/\W+/g, '-')}-${who}-${width}x${height}.png`, fullPage: true });
          }
          // accessibility at the last size: axe, and nothing moving (motion is the same in every language)
          out.push(...(await axeProblems(page, `${label} · ${who}`)));
          if (english) out.push(...(await motionProblems(page, `${label} · ${who}`)));
          return out;
        }),
      );
      problems.push(...found.flat());
      // the phone with its text at 200 %
      if (english) await phoneZoomed(label);
    }
    /** In another language: the screen's `lang` and `dir`, a message of its own, and no English left. */
    async function speaksRoomLanguage(page: Page, label: string): Promise<string[]> {
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      await expect(page.locator('html')).toHaveAttribute('dir', dir);
      return [...(await speaks(page, locale, `${label} (${locale})`)), ...(await englishLeft(page, locale, `${label} (${locale})`, { typed: TYPED }))];
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
      if (!english) break;
    }
    problems.push(...(await axeProblems(phone, 'join form · phone')));
    if (english) await phoneZoomed('join form');
    else problems.push(...(await speaksRoomLanguage(phone, 'join form · phone')));
    // joins by the form's ids, in whichever language it speaks
    await phone.locator('#nickname').fill('Anastasia Konstantinidou');
    await phone.locator('#department').fill('Sales');
    await phone.locator('form button[type=submit]').click();
    await expect(phone.getByTestId('lobby-nickname')).toHaveText('Anastasia Konstantinidou');
    await still(phone);
    const params = new URLSearchParams(new URL(phone.url()).hash.slice(1));
    const ana = { conn: connectRoom({ url: baseURL, roomId: room.roomId, token: params.get('t')! }), key: await importSealKey(params.get('k')!) };
    conns.push(ana.conn);
    const others: Array<{ conn: RoomConnection; key: Awaited<ReturnType<typeof importSealKey>> }> = [];
    for (const [nickname, department] of [
      ['Maximilian Alexander Hohenberg', 'Engineering'],
      ['Benedikt', 'Finance'],
      ['Chloé', 'Customer Success'],
    ] as const) {
      const token = newParticipantToken();
      await api.rooms.join.mutate({ code: room.code, nickname, department, token, deviceId: randomId() });
      const conn = connectRoom({ url: baseURL, roomId: room.roomId, token });
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
      await settle(w.titles.welcome!);
      await check('slide');
    });

    await test.step('self-assessment: answering, then the results', async () => {
      await command({ type: 'next' });
      await settle(w.titles.self!);
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
      await settle(w.titles.map!);
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
      await settle(w.titles.meet!);
      await act('meet', { type: 'start-round' });
      await expect(phone.getByTestId('pm-prompt-title')).toBeVisible({ timeout: WAIT });
      // Shift+Enter starts a new line in a group note; Enter posts it
      const note = phone.locator('#note-input-meet');
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
      await settle(w.titles.adv!);
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
      await settle(w.titles.ideas!);
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
      await settle(w.titles.commit!);
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
      await settle(w.titles.bye!);
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
}
