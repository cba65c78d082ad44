/**
 * The participant's pack story: Ana takes part in a whole workshop — she maps her allies (names in
 * three scripts, sealed in her browser), rates herself, talks with a worthy adversary, meets a
 * partner and notes what they agreed, and writes commitments. During the session she can already
 * open "My outcomes"; when the session ends, the ended screen offers it first. She downloads her
 * pack in her browser, and the files are opened with tools that owe nothing to Canopy: the PDF
 * through poppler-utils (its text with `pdftotext`: the names she typed in eight scripts, Arabic and
 * Hebrew in reading order; its fonts; each name really drawn), the SVG as text, the PNG by its
 * header, the calendar file with ical.js, the zip with fflate's unzip. Her browser fetched only
 * the fonts her names need: a slice of each Chinese, Japanese and Korean font, not the whole font.
 *
 * Ana's map and partnership notes go through her browser's screens. Her self-assessment, her
 * adversaries conversation, her open-prompt answer and her commitments are sent with the real SDK
 * (`@canopy/client`) over her own token and sealing key, read from her resume link — exactly what
 * her phone would send; those screens have their own stories. The other participants and the
 * facilitator are SDK clients too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import ICAL from 'ical.js';
import { connectRoom, createApi, importSealKey, newParticipantToken, randomId, seal, type RoomConnection } from '@canopy/client';
import type { RoomSnapshot } from '@canopy/client';
import { PDF_MARK, RLE, readPdf } from '../../apps/server/test/pdf-read';
import { Devices, PHONE, SCREENSHOTS, joinRoom, unzip } from './support';

/** Names in eight scripts, and an emoji (printed in one colour). */
const MAP = [
  { name: 'Zoë Łukasiewicz', sector: 'Above', ring: 'Ally', trusted: true },
  { name: 'Ярослава Петренко', sector: 'Across', ring: 'Core circle', trusted: false },
  { name: 'Αλέξης Παπαδόπουλος', sector: 'Above', ring: 'Contact', trusted: false },
  { name: 'Chen Wei 🌳', sector: 'Outside', ring: 'Contact', trusted: false },
  { name: '王芳', sector: 'Below', ring: 'Colleague', trusted: false },
  { name: '山田はなこ', sector: 'Across', ring: 'Ally', trusted: false },
  { name: '김민수', sector: 'Outside', ring: 'Colleague', trusted: false },
  { name: 'أحمد يوسف', sector: 'Below', ring: 'Ally', trusted: true },
  { name: 'דנה כהן', sector: 'Above', ring: 'Colleague', trusted: false },
];
const RTL = /[\u0590-\u06ff]/;
const WAIT = 15_000;
const until = (c: RoomConnection, pred: (s: RoomSnapshot) => boolean) => c.until(pred, WAIT);
const ok = async <T extends { ok: boolean }>(p: Promise<T>) => {
  const r = await p;
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return r;
};

/** What a page fetches: address and bytes received (as sent, compressed or not). */
type Fetched = Array<{ url: string; bytes: number; script?: string }>;
function track(page: Page): Fetched {
  const out: Fetched = [];
  page.on('requestfinished', async (r) => {
    const sizes = await r.sizes().catch(() => null);
    const script = r.url().endsWith('.js')
      ? await r
          .response()
          .then((res) => res?.text())
          .catch(() => undefined)
      : undefined;
    out.push({ url: r.url(), bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0, script });
  });
  return out;
}
/** the sliced fonts whose tables (scripts of their own, loaded on demand) the page fetched */
const sliceTables = (f: Fetched) =>
  ['sc', 'jp', 'kr', 'emoji'].filter((family) => f.some((r) => r.script?.includes(`/noto-${family === 'emoji' ? '' : 'sans-'}${family}/files/`)));
/** the font files among them, by file name without the build's hash */
const fontFiles = (f: Fetched) =>
  f
    .filter((r) => /\.(woff2?|ttf)$/.test(new URL(r.url).pathname))
    .map((r) =>
      new URL(r.url).pathname
        .split('/')
        .pop()!
        .replace(/\.[\w-]{8}(\.\w+)$/, '$1'),
    );
/** font and script bytes fetched, for the story's annotations (docs/downloads.md quotes them) */
function packBytes(f: Fetched): string {
  const sum = (re: RegExp) => f.filter((r) => re.test(new URL(r.url).pathname)).reduce((n, r) => n + r.bytes, 0);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  return `fonts ${kb(sum(/\.(woff2?|ttf)$/))} in ${fontFiles(f).length} files; scripts ${kb(sum(/\.js$/))}`;
}

/** Place people on the map through the phone's form. */
async function mapPeople(page: Page, people: typeof MAP) {
  const form = page.getByTestId('add-form');
  for (const p of people) {
    await form.getByLabel('Name, initials or role').fill(p.name);
    await form.getByText(p.sector, { exact: true }).tap();
    await form.getByText(p.ring, { exact: true }).tap();
    if (p.trusted !== (await form.getByRole('checkbox', { name: 'Trusted' }).isChecked())) await form.getByText('Trusted', { exact: true }).tap();
    await form.getByRole('button', { name: 'Add to map' }).tap();
    await expect(page.getByTestId('person-label').filter({ hasText: p.name })).toBeVisible();
  }
}

/** Save a download to the story's folder and return its path. */
async function saved(download: Download, dir: string): Promise<string> {
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

async function downloadFrom(page: Page, testid: string, dir: string, filter?: string): Promise<string> {
  const link = filter ? page.getByTestId(testid).filter({ hasText: filter }) : page.getByTestId(testid);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return saved(download, dir);
}

test('a participant downloads their own pack in their browser: one PDF plus their map, calendar and a zip', async ({ browser, baseURL }) => {
  const url = baseURL!;
  const dir = mkdtempSync(join(tmpdir(), 'canopy-pack-'));
  const devices = new Devices(browser);
  const conns: RoomConnection[] = [];
  const connect = (roomId: string, token: string) => {
    const c = connectRoom({ url, roomId, token });
    conns.push(c);
    return c;
  };
  const errors: string[] = [];
  try {
    const api = createApi(url);
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const room = await api.rooms.create.mutate({
      title: 'Allies at Würzburg',
      agenda: [
        { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 0, config: { target: 3, minGroupSize: 2 } },
        {
          id: 'self',
          type: 'self-assessment',
          title: 'How you build allies',
          durationSec: 0,
          config: {
            statements: [
              { id: 'thanks', text: 'I thank people for their support.' },
              { id: 'offer', text: 'I offer help before anyone asks.' },
            ],
            minGroupSize: 3,
          },
        },
        {
          id: 'adv',
          type: 'adversaries',
          title: 'Worthy adversaries',
          durationSec: 0,
          config: { statements: [{ id: 'credit', text: 'Credit should go to whoever had the idea.' }], minGroupSize: 2 },
        },
        { id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 1 } },
        { id: 'ideas', type: 'open-prompt', title: 'What makes an ally', durationSec: 0, config: { question: 'What makes someone a real ally at work?' } },
        { id: 'commit', type: 'commitments', title: 'Your next steps', durationSec: 0, config: {} },
      ],
    });
    const facilitator = connect(room.roomId, room.facilitatorToken);
    await until(facilitator, (s) => s.status === 'connected' && s.stage !== null);

    const ana = await devices.open({ ...PHONE, timezoneId: 'Europe/Berlin' });
    ana.on('pageerror', (e) => errors.push(e.message));
    const requests = track(ana);
    let anaId = '';
    let anaSdk: RoomConnection;
    let anaKey: Awaited<ReturnType<typeof importSealKey>>;
    const others: Array<{ id: string; conn: RoomConnection }> = [];

    await test.step('Ana joins on her phone; three colleagues join too', async () => {
      await joinRoom(ana, `${url}/j/${room.code}`, 'Ana');
      await expect(ana).toHaveURL(/#t=[A-Za-z0-9_-]+&k=[A-Za-z0-9_-]{43}$/);
      const hash = new URL(ana.url()).hash.slice(1);
      const params = new URLSearchParams(hash);
      anaSdk = connect(room.roomId, params.get('t')!);
      anaKey = await importSealKey(params.get('k')!);
      anaId = (await until(anaSdk, (s) => s.you !== null)).you!.id;
      for (const nickname of ['Ben', 'Chloé', 'Dev']) {
        const token = newParticipantToken();
        const res = await api.rooms.join.mutate({ code: room.code, nickname, token, deviceId: randomId() });
        const conn = connect(room.roomId, token);
        await until(conn, (s) => s.you !== null);
        others.push({ id: res.participant.id, conn });
      }
    });

    await test.step('Ana maps nine people on her phone, names in eight scripts', async () => {
      await ok(facilitator.command({ type: 'next' }));
      await expect(ana.getByTestId('ally-map')).toBeVisible();
      await mapPeople(ana, MAP);
      await expect(ana.getByTestId('save-status')).toContainText(/saved/i);
    });

    await test.step('during the session, "My outcomes" is one tap away and already holds her map', async () => {
      await ana.getByTestId('open-outcomes').click();
      const dialog = ana.getByTestId('my-outcomes');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByTestId('pack-sections')).toContainText('Map your allies', { timeout: 30_000 });
      await expect(dialog.getByRole('img', { name: 'Your ally map with the names you placed' })).toBeVisible();
      await ana.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    });

    await test.step('the self-assessment: Ana and the room answer (sent with the SDK), then the results', async () => {
      await ok(facilitator.command({ type: 'next' }));
      await until(anaSdk, (s) => s.activity?.stepId === 'self');
      await ok(anaSdk.submit('self', { op: 'rate', statementId: 'thanks', value: 5 }));
      await ok(anaSdk.submit('self', { op: 'rate', statementId: 'offer', value: 2 }));
      for (const [i, o] of others.entries()) {
        await until(o.conn, (s) => s.activity?.stepId === 'self');
        await ok(o.conn.submit('self', { op: 'rate', statementId: 'thanks', value: 3 + (i % 2) }));
        await ok(o.conn.submit('self', { op: 'rate', statementId: 'offer', value: 4 }));
      }
      await ok(facilitator.command({ type: 'phase', phase: 'results' }));
    });

    const learned = 'Ben showed me that sharing credit early builds trust faster.';
    await test.step('worthy adversaries: stances, pairs, and what Ana learned from her partner', async () => {
      await ok(facilitator.command({ type: 'next' }));
      const everyone = [{ id: anaId, conn: anaSdk }, ...others];
      for (const [i, p] of everyone.entries()) {
        await until(p.conn, (s) => s.activity?.stepId === 'adv');
        await ok(p.conn.submit('adv', { op: 'stance', statementId: 'credit', value: [1, 7, 2, 6][i]! }));
      }
      await ok(facilitator.command({ type: 'phase', phase: 'pairing' }));
      await ok(facilitator.act('adv', { type: 'pair', statementId: 'credit' }));
      await ok(facilitator.command({ type: 'phase', phase: 'steelman' }));
      await until(anaSdk, (s) => (s.activity?.data as { pair?: unknown } | undefined)?.pair != null);
      await ok(anaSdk.submit('adv', { op: 'learned', text: learned }));
      await ok(anaSdk.submit('adv', { op: 'rerate', statementId: 'credit', value: 3 }));
      await ok(others[0]!.conn.submit('adv', { op: 'rerate', statementId: 'credit', value: 6 }));
      await ok(facilitator.command({ type: 'phase', phase: 'results' }));
    });

    const note = 'We both want fewer surprises at quarter end';
    const action = 'Invite Finance to our sprint review';
    const otherPairsNote = 'Notes only the other pair may read';
    await test.step('partnership meetings: Ana writes a note on her phone; the pair agrees an action', async () => {
      await ok(facilitator.command({ type: 'next' }));
      await until(anaSdk, (s) => s.activity?.stepId === 'meet');
      await ok(facilitator.act('meet', { type: 'start-round' }));
      await ana.getByRole('textbox', { name: 'A note on Why we are talking' }).fill(note);
      await ana.getByRole('button', { name: 'Add note' }).click();
      await expect(ana.getByTestId('pm-note-text')).toHaveText([note]);
      await ok(anaSdk.submit('meet', { op: 'put-action', id: 'action-ana-1', text: action, owner: anaId, due: nextWeek }));
      // The other pair writes a note of their own: it is theirs, not Ana's.
      type Group = { group: { members: Array<{ id: string }> } | null };
      const mine = await until(anaSdk, (s) => (s.activity?.data as Group | undefined)?.group != null);
      const inMine = new Set((mine.activity!.data as Group).group!.members.map((m) => m.id));
      const outsider = others.find((o) => !inMine.has(o.id))!;
      await until(outsider.conn, (s) => (s.activity?.data as Group | undefined)?.group != null);
      await ok(outsider.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-other-1', text: otherPairsNote }));
    });

    const idea = 'Say thank you in public';
    const othersIdea = 'Share credit generously';
    await test.step('the open prompt: Ana answers and votes for a colleague’s answer (sent with the SDK)', async () => {
      await ok(facilitator.command({ type: 'next' }));
      await until(anaSdk, (s) => s.activity?.stepId === 'ideas');
      await until(others[0]!.conn, (s) => s.activity?.stepId === 'ideas');
      await ok(anaSdk.submit('ideas', { op: 'answer', id: 'ana-1', text: idea }));
      await ok(others[0]!.conn.submit('ideas', { op: 'answer', id: 'ben-1', text: othersIdea }));
      await ok(facilitator.command({ type: 'phase', phase: 'vote' }));
      await ok(facilitator.act('ideas', { type: 'open-vote' }));
      type Ballot = { ballot: Array<{ id: string; text: string; mine: boolean }> };
      const view = await until(anaSdk, (s) => ((s.activity?.data as Ballot | undefined)?.ballot.length ?? 0) === 2);
      const theirs = (view.activity!.data as Ballot).ballot.find((b) => !b.mine)!;
      expect(theirs.text).toBe(othersIdea);
      await ok(anaSdk.submit('ideas', { op: 'vote', entry: theirs.id, count: 1 }));
      await ok(facilitator.command({ type: 'phase', phase: 'results' }));
    });

    await test.step('commitments: Ana writes one, whom and what sealed with her key (sent with the SDK)', async () => {
      await ok(facilitator.command({ type: 'next' }));
      await until(anaSdk, (s) => s.activity?.stepId === 'commit');
      const whom = await seal(anaKey, MAP[0]!.name);
      const what = await seal(anaKey, 'Ask how the launch went');
      await ok(
        anaSdk.submit('commit', {
          op: 'put',
          item: { id: 'commit-ana-1', whom, what, start: nextWeek, cadence: 'biweekly', time: '09:30' },
        }),
      );
    });

    await test.step('the facilitator ends the session; Ana’s ended screen offers her outcomes first', async () => {
      await ok(facilitator.command({ type: 'close' }));
      await expect(ana.getByTestId('ended-screen')).toBeVisible();
      await ana.getByTestId('ended-outcomes').click();
      const dialog = ana.getByTestId('my-outcomes');
      await expect(dialog.getByTestId('pack-downloads')).toBeVisible({ timeout: 30_000 });
      await expect(dialog.getByTestId('pack-sections')).toContainText('Map your allies');
      await expect(dialog.getByTestId('pack-sections')).toContainText('Your next steps');
      await ana.screenshot({ path: `${SCREENSHOTS}pack-participant.png` });
    });

    await test.step('the PDF holds her names (in every script), and every activity’s section', async () => {
      const pdf = await downloadFrom(ana, 'download-pdf', dir);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const heading of [
        'My outcomes',
        'Allies at Würzburg',
        'Map your allies',
        'How you build allies',
        'Worthy adversaries',
        'Partnership meetings',
        'What makes an ally',
        'Your next steps',
      ])
        expect(text).toContain(heading);
      // every name as she typed it: right-to-left ones in reading order, each on the line that
      // describes it (pdftotext marks a right-to-left stretch with RLE … PDF and keeps the dash with it)
      const read = await readPdf(readFileSync(pdf));
      try {
        for (const p of MAP) {
          const rest = `${p.sector}, ${p.ring}${p.trusted ? ', trusted' : ''}`;
          expect(read.lines).toContain(RTL.test(p.name) ? `• ${RLE} — ${p.name}${PDF_MARK}${rest}` : `• ${p.name} — ${rest}`);
        }
        // really drawn, in the map too (pdftotext -bbox gives a right-to-left word in the order of its letters on the page)
        const reversed = (w: string) => Array.from(w).reverse().join('');
        for (const word of ['Łukasiewicz', 'Петренко', 'Παπαδόπουλος', '🌳', '王芳', '山田はなこ', '김민수', reversed('يوسف'), reversed('כהן')])
          expect(await read.ink(word), word).toBeGreaterThan(20);
        const families = new Set(read.fonts.map((f) => f.name.replace(/Thin-/, '-').replace(/-(Regular|Bold)$/, '')));
        expect(families).toEqual(new Set(['DejaVuSans', 'NotoEmoji', 'NotoSansSC', 'NotoSansJP', 'NotoSansKR']));
        expect(read.fonts.every((f) => f.embedded)).toBe(true);
        // embedded as subsets (pdf-lib does not tag them): the whole PDF is smaller than DejaVu Sans alone (740 KB)
        expect(readFileSync(pdf).length).toBeLessThan(400_000);
      } finally {
        await read.close();
      }
      // her browser fetched a few slices of the big fonts, those with the characters of her names
      // (and of their initials on the map: 山田 alone reads as Chinese), each once, of the ~700 in the build
      const fetched = fontFiles(requests);
      expect(new Set(fetched).size).toBe(fetched.length);
      for (const family of ['sc', 'jp', 'kr']) expect(fetched.filter((f) => f.startsWith(`noto-sans-${family}-`)).length, family).toBeGreaterThan(0);
      expect(fetched.filter((f) => f.startsWith('noto-')).length).toBeLessThanOrEqual(16);
      expect(sliceTables(requests)).toEqual(['sc', 'jp', 'kr', 'emoji']);
      test.info().annotations.push({
        type: 'pack download, eight scripts',
        description: `${packBytes(requests)}; PDF ${Math.round(readFileSync(pdf).length / 1024)} KB`,
      });
      expect(text).not.toContain('outside this PDF’s fonts');
      expect(text).toContain('Zoë Łukasiewicz — Above, Ally, trusted');
      expect(text).toContain('I thank people for their support.');
      expect(text).toContain('You: Almost always');
      expect(text).toContain(learned);
      expect(text).toContain('Where the room stood afterwards (2 people); you in amber.');
      expect(text).toContain(note);
      expect(text).toContain(action);
      expect(text).toContain('Reach out to Zoë Łukasiewicz: Ask how the launch went');
      expect(text).toContain(`Your answers • ${idea}`);
      expect(text).toContain(`You voted for • ${othersIdea}`);
      // Only hers: another pair's notes are not in it.
      expect(text).not.toContain(otherPairsNote);
    });

    await test.step('the map as SVG carries the names; as PNG it is a real picture of a useful size', async () => {
      const svg = readFileSync(await downloadFrom(ana, 'download-file', dir, 'Ally map (SVG)'), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      for (const p of MAP) expect(svg).toContain(`>${p.name}</text>`);
      const png = readFileSync(await downloadFrom(ana, 'download-file', dir, 'Ally map (PNG)'));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.subarray(12, 16).toString()).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1400, 1400]);
      expect(png.length).toBeGreaterThan(20_000); // drawn, not blank
    });

    await test.step('the calendar file opens in ical.js with her commitment, name and rhythm', async () => {
      const ics = readFileSync(await downloadFrom(ana, 'download-file', dir, 'Commitments'), 'utf8');
      const cal = new ICAL.Component(ICAL.parse(ics));
      const events = cal.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
      expect(events.map((e) => e.summary)).toEqual(['Reach out to Zoë Łukasiewicz: Ask how the launch went']);
      // 09:30 on her phone's clock: the reminder keeps to her time zone.
      expect(events[0]!.startDate.toString()).toBe(`${nextWeek}T09:30:00`);
      expect(events[0]!.component.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Berlin');
      expect(String(events[0]!.component.getFirstPropertyValue('rrule'))).toContain('INTERVAL=2');
    });

    await test.step('everything also comes as one zip', async () => {
      const files = unzip(readFileSync(await downloadFrom(ana, 'download-zip', dir)));
      expect([...files.keys()].sort()).toEqual([
        'allies-at-wurzburg-1-map-your-allies.png',
        'allies-at-wurzburg-1-map-your-allies.svg',
        'allies-at-wurzburg-6-your-next-steps.ics',
        'allies-at-wurzburg-my-outcomes.pdf',
      ]);
      expect(files.get('allies-at-wurzburg-my-outcomes.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
      expect(files.get('allies-at-wurzburg-1-map-your-allies.svg')!.toString('utf8')).toContain('>Zoë Łukasiewicz</text>');
    });

    expect(errors).toEqual([]);
  } finally {
    for (const c of conns) c.close();
    await devices.closeAll();
  }
});

test('a pack whose names are all in Latin, Greek or Cyrillic letters fetches DejaVu Sans and no other font', async ({ browser, baseURL }) => {
  const url = baseURL!;
  const devices = new Devices(browser);
  const room = await createApi(url).rooms.create.mutate({
    title: 'Allies at Würzburg',
    agenda: [{ id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 0, config: { target: 2, minGroupSize: 2 } }],
  });
  const facilitator = connectRoom({ url, roomId: room.roomId, token: room.facilitatorToken });
  try {
    await until(facilitator, (s) => s.status === 'connected' && s.stage !== null);
    const ana = await devices.open(PHONE);
    const requests = track(ana);
    await joinRoom(ana, `${url}/j/${room.code}`, 'Ana');
    await ok(facilitator.command({ type: 'next' }));
    await expect(ana.getByTestId('ally-map')).toBeVisible();
    const people = MAP.slice(0, 3);
    await mapPeople(ana, people);
    await expect(ana.getByTestId('save-status')).toContainText(/saved/i);
    await ok(facilitator.command({ type: 'close' }));
    await ana.getByTestId('ended-outcomes').click();
    await expect(ana.getByTestId('my-outcomes').getByTestId('pack-downloads')).toBeVisible({ timeout: 30_000 });
    const pdf = readFileSync(await downloadFrom(ana, 'download-pdf', mkdtempSync(join(tmpdir(), 'canopy-pack-latin-'))));
    const read = await readPdf(pdf);
    try {
      for (const p of people) expect(read.lines).toContain(`• ${p.name} — ${p.sector}, ${p.ring}${p.trusted ? ', trusted' : ''}`);
      expect(new Set(read.fonts.map((f) => f.name))).toEqual(new Set(['DejaVuSans', 'DejaVuSans-Bold']));
    } finally {
      await read.close();
    }
    expect(fontFiles(requests).sort()).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf']);
    // nor the tables of the sliced fonts (scripts of their own)
    expect(sliceTables(requests)).toEqual([]);
    test.info().annotations.push({ type: 'pack download, Latin only', description: `${packBytes(requests)}; PDF ${Math.round(pdf.length / 1024)} KB` });
  } finally {
    facilitator.close();
    await devices.closeAll();
  }
});
