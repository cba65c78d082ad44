/**
 * Matrix rows 9 and 6, in a real browser (the system's Chromium through playwright-core) against
 * the production web build served by a real server process:
 *  - hostile nicknames and notes are normalized, capped, and shown as text — never as markup;
 *  - a phone closed while an answer is not saved yet sends it again when it comes back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApi, newParticipantToken, randomId } from '@canopy/client';
import type { RoomStore } from '@canopy/store';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CanopyNode,
  disposeAll,
  openStore,
  play,
  redisWithAof,
  ROOMY,
  ROOT,
  startPlay,
  until,
  WAIT_MS,
  Workshop,
  type Person,
  type RedisServer,
} from './support.js';

const WEB_BUILD = process.env.WEB_BUILD_DIR ?? join(ROOT, 'apps/web/build');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };

let redis: RedisServer;
let node: CanopyNode;
let store: RoomStore;
let browser: Browser;
const contexts: BrowserContext[] = [];
const workshops: Workshop[] = [];

beforeAll(async () => {
  if (!existsSync(join(WEB_BUILD, 'handler.js')))
    throw new Error(`No web build in ${WEB_BUILD}: run \`npx --yes pnpm@10 --filter @canopy/web build\` (npm test does it).`);
  redis = await redisWithAof({ maxmemory: '256mb' });
  node = await CanopyNode.start('web', { REDIS_URL: redis.url, WEB_BUILD_DIR: WEB_BUILD, ...ROOMY });
  store = await openStore(redis.url);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  for (const w of workshops) w.closeAll();
  await store?.close();
  await disposeAll();
  await redis?.stop();
});

/** A device of its own (own storage), watched for script that should never run. */
async function device(kind: typeof PHONE | typeof LAPTOP = PHONE): Promise<{ context: BrowserContext; open(path: string): Promise<Page>; alerts: string[] }> {
  const context = await browser.newContext(kind);
  contexts.push(context);
  const alerts: string[] = [];
  return {
    context,
    alerts,
    async open(path: string) {
      const page = await context.newPage();
      page.on('dialog', (d) => {
        alerts.push(d.message());
        void d.dismiss();
      });
      await page.goto(`${node.url}${path}`);
      return page;
    },
  };
}

/** What a page shows of itself: its text, and any trace of markup or script from people's input. */
const inspect = (page: Page) =>
  page.evaluate(() => ({
    text: document.body.innerText,
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    injected: document.querySelectorAll('img[src="x"], [onerror], [onmouseover], marquee, iframe').length,
  }));

const HOSTILE = {
  markup: '<img src=x onerror="window.__pwned=1">Ana',
  script: '<script>window.__pwned=1</script>Bo',
  bidi: '\u202Enimda\u202C Cy',
  zalgo: `Z${'\u0336\u0301\u0327\u0489'.repeat(200)}oe`,
  huge: 'x'.repeat(10 * 1024),
};
const NOTE = `<b onmouseover="window.__pwned=1">bold?</b> <script>alert('hi')</script> \u202Egnikcah\u202C ${'e\u0301\u0302\u0303\u0304\u0305'.repeat(40)}`;

describe('hostile nicknames and texts', () => {
  it('are normalized and capped on the way in, and every screen shows them as text', async () => {
    const p = play('partnership');
    const w = await Workshop.open(node.url, { agenda: [p.step] });
    workshops.push(w);
    const console_ = await w.console(node.url);
    const api = createApi(node.url);
    const join = (nickname: string) =>
      api.rooms.join.mutate({ code: w.code, nickname, token: newParticipantToken(), deviceId: randomId() }).then(
        (r) => r.participant,
        (e: Error) => e,
      );
    // 10 KB nickname: refused, nobody joins
    expect(await join(HOSTILE.huge)).toBeInstanceOf(Error);
    const people: Person[] = [];
    for (const nickname of [HOSTILE.markup, HOSTILE.script, HOSTILE.bidi, HOSTILE.zalgo]) {
      const token = newParticipantToken();
      const res = await api.rooms.join.mutate({ code: w.code, nickname, token, deviceId: randomId() });
      // their phones connect while the facilitator is already forming the groups
      people.push({ id: res.participant.id, nickname: res.participant.nickname, token, conn: w.screen(node.url, token) });
    }
    const stored = (await store.listParticipants(w.roomId)).map((x) => x.nickname);
    expect(stored).toHaveLength(4);
    for (const n of stored) {
      expect(n).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/); // no bidi overrides
      expect(n).not.toMatch(/\p{M}{3,}/u); // no combining floods
      expect(n.length).toBeLessThanOrEqual(40);
    }
    expect(stored[0]).toContain('<img'); // markup is kept as the text someone typed…
    await startPlay(p, console_, people);
    // notes: 10 KB refused; hostile markup, bidi and zalgo normalized
    expect(await people[1]!.conn.submit(p.step.id, { op: 'add-note', promptId: 'purpose', id: 'huge-note-1', text: HOSTILE.huge })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    for (const x of people)
      expect(await x.conn.submit(p.step.id, { op: 'add-note', promptId: 'purpose', id: `note-${x.id.slice(0, 8)}`, text: NOTE })).toMatchObject({ ok: true });

    // …and shown as text: on the console, on the projector, on each participant's phone.
    const laptop = await device(LAPTOP);
    const consolePage = await laptop.open(`/c/${w.roomId}#t=${w.tokens.facilitator}`);
    const projector = await device(LAPTOP);
    const displayPage = await projector.open(`/d/${w.roomId}#t=${w.tokens.display}`);
    const phones = await Promise.all(people.map(async (x) => (await device()).open(`/p/${w.roomId}#t=${x.token}`)));

    await until('the console to list everyone', async () => {
      const t = (await inspect(consolePage)).text;
      return t.includes('<img src=x onerror') && t.includes('<script>window.__pwned=1') && t.includes('nimda Cy');
    });
    await until('each phone to show the notes of its group as text', async () => {
      const all = await Promise.all(phones.map((ph) => inspect(ph)));
      return all.every((x) => x.text.includes('<b onmouseover') && x.text.includes('<script>alert'));
    });
    for (const page of [consolePage, displayPage, ...phones]) {
      const seen = await inspect(page);
      expect(seen.pwned).toBeNull();
      expect(seen.injected).toBe(0);
      expect(seen.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      expect(seen.text.normalize('NFD')).not.toMatch(/\p{M}{3,}/u);
    }
    expect([laptop, projector].flatMap((d) => d.alerts)).toEqual([]);
  });
});

describe('a phone closed with an answer not saved yet', () => {
  it('says it is not saved, keeps it, and sends it again when the page comes back', async () => {
    const p = play('partnership');
    const w = await Workshop.open(node.url, { agenda: [p.step] });
    workshops.push(w);
    const console_ = await w.console(node.url);
    const people = await w.join(node.url, 1, { prefix: 'Partner' });
    const ana = { token: newParticipantToken() };
    const joined = await createApi(node.url).rooms.join.mutate({ code: w.code, nickname: 'Ana', token: ana.token, deviceId: randomId() });
    const phone = await device();
    let page = await phone.open(`/p/${w.roomId}#t=${ana.token}`);
    await page.getByTestId('lobby').or(page.getByTestId('step-title')).first().waitFor({ timeout: WAIT_MS });
    await startPlay(p, console_, people);
    await page.getByPlaceholder('Write a note for your group…').waitFor({ timeout: WAIT_MS });

    // Redis fills up: writes fail, reads still work.
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await admin.configSet('maxmemory', '1mb');
      await page.getByPlaceholder('Write a note for your group…').fill('Meet every other Tuesday');
      await page.getByRole('button', { name: 'Add note' }).click();
      await until('the phone to say the note is not saved yet', async () => /not saved yet/i.test((await page.getByTestId('save-status').textContent()) ?? ''));
      // Ana closes the tab before it is saved.
      await page.close();
      await admin.configSet('maxmemory', '256mb');
      const hers = async () => (await store.listRecords(w.roomId, p.step.id)).some((r) => r.value.includes('Meet every other Tuesday'));
      expect(await hers()).toBe(false);

      // She opens it again: the note is sent again from her phone's outbox and stored, once.
      page = await phone.open(`/p/${w.roomId}#t=${ana.token}`);
      await until('the note to be stored', hers);
      await until(
        'the phone to say it is saved',
        async () =>
          /saved/i.test((await page.getByTestId('save-status').textContent()) ?? '') &&
          !/not saved/i.test((await page.getByTestId('save-status').textContent()) ?? ''),
      );
      const records = await store.listRecords(w.roomId, p.step.id);
      expect(records.map((r) => r.value.split('Meet every other Tuesday').length - 1).reduce((a, b) => a + b, 0)).toBe(1);
      expect(joined.participant.nickname).toBe('Ana');
    } finally {
      await admin.configSet('maxmemory', '256mb').catch(() => {});
      await admin.quit().catch(() => {});
    }
  });
});
