/**
 * A workshop on a local network, over plain HTTP: the facilitator opens the console at the
 * laptop's address, phones join with the link it shows. Browsers treat such a page as an insecure
 * context — no `crypto.subtle`, no `crypto.randomUUID` — and everything must still work: joining,
 * the ally map with its sealed names, commitments and their calendar file.
 *
 * The laptop's address is played by `canopy.test`, a name Chromium maps to 127.0.0.1: the browser
 * treats it as any other host (insecure), and every byte stays on loopback. A second story starts
 * a server on every interface and reads the join link the console offers (the laptop's LAN
 * address) without ever opening it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { connectRoom, createApi, type RoomConnection } from '@canopy/client';
import { lanAddresses } from '@canopy/server';
import { freePort } from '@canopy/store/testing';
import { Devices, INSECURE_HOST, LAPTOP, PHONE, insecureOrigin, mapPerson, tabTo } from './support';
import { ensureServerBuild, SERVER_ENTRY } from '../../apps/server/build.mjs';

const person = mapPerson;

test('phones on plain HTTP join, map their allies and write commitments: nothing needs a secure context', async ({ browser, baseURL }) => {
  const devices = new Devices(browser);
  const api = createApi(baseURL!);
  const errors: string[] = [];
  const conns: RoomConnection[] = [];
  try {
    const room = await api.rooms.create.mutate({
      title: 'Allies on the office Wi-Fi',
      join: { askDepartment: true, askLevel: false, departments: [], levels: [], maxParticipants: 100 },
      agenda: [
        { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 0, config: { minGroupSize: 1, target: 2 } },
        { id: 'commit', type: 'commitments', title: 'Your commitments', durationSec: 0, config: {} },
        { id: 'bye', type: 'slide', title: 'Wrap-up', durationSec: 0, config: { body: 'Thank you.' } },
      ],
    });
    const origin = insecureOrigin(baseURL!);
    const facilitator = connectRoom({ url: baseURL!, roomId: room.roomId, token: room.facilitatorToken });
    conns.push(facilitator);
    await facilitator.until((s) => s.status === 'connected' && s.room !== null, 15_000);

    let joinLink = '';
    await test.step(`the facilitator opens the console at http://${INSECURE_HOST}: its join link carries that address`, async () => {
      const console_ = await devices.open(LAPTOP);
      console_.on('pageerror', (e) => errors.push(`console: ${e.message}`));
      await console_.goto(`${origin}/c/${room.roomId}#t=${room.facilitatorToken}&d=${room.displayToken}`);
      joinLink = await console_.getByTestId('join-link').inputValue();
      expect(joinLink).toBe(`${origin}/j/${room.code.replace('-', '')}`);
      await expect(console_.getByTestId('join-at')).toHaveText(`Join at ${new URL(origin).host}`);
      // the socket's Origin is the server's own host under that name: accepted
      await expect(console_.getByTestId('people-count')).toHaveText('0');
    });

    const phone = await devices.open(PHONE);
    phone.on('pageerror', (e) => errors.push(`phone: ${e.message}`));
    await test.step('Ana opens the join link on her phone: an insecure page, without WebCrypto', async () => {
      await phone.goto(joinLink);
      expect(await phone.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle, uuid: typeof crypto.randomUUID }))).toEqual({
        secure: false,
        subtle: 'undefined',
        uuid: 'undefined',
      });
    });

    await test.step('before pressing Join she reads that the department is required and that her long nickname will be cut', async () => {
      await expect(phone.getByTestId('department-hint')).toHaveText('Required: the group exercises mix people from different teams.');
      await expect(phone.locator('label[for="department"]')).toContainText('required');
      await phone.getByLabel('Your nickname').fill('Anastasia Konstantinopoulou-Smythe');
      await expect(phone.getByTestId('nick-cut')).toHaveText('That is more than 32 characters: you will appear as “Anastasia Konstantinopoulou-Smyt”.');
      await phone.getByLabel('Your nickname').fill('Ana');
      await expect(phone.getByTestId('nick-cut')).toHaveCount(0);
    });

    await test.step('she joins once: the phone shows the lobby, the console lists her once', async () => {
      await phone.getByLabel('Department or team').fill('Sales');
      await phone.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(phone.getByTestId('lobby')).toContainText('You’re in, Ana!');
      await expect(phone).toHaveURL(/\/p\/[A-Za-z0-9_-]+#t=[A-Za-z0-9_-]+&k=[A-Za-z0-9_-]{43}$/);
      await expect(phone.getByTestId('join-error')).toHaveCount(0);
      const people = await facilitator.until((s) => s.roster.some((p) => p.online), 15_000);
      expect(people.roster.map((p) => p.nickname)).toEqual(['Ana']);
    });

    await test.step('she maps two people, moves one closer; after a reload the names open again', async () => {
      expect((await facilitator.command({ type: 'next' })).ok).toBe(true);
      const form = phone.getByTestId('add-form');
      const add = form.getByRole('button', { name: 'Add to map' });
      await expect(add).toBeEnabled();
      for (const [name, sector, ring] of [
        ['Maria Lopez', 'Across', 'Colleague'],
        ['Kwame (Legal)', 'Above', 'Contact'],
      ] as const) {
        await phone.getByLabel('Name, initials or role').fill(name);
        await form.getByText(sector, { exact: true }).tap();
        await form.getByText(ring, { exact: true }).tap();
        await add.tap();
        await expect(person(phone, `${name} — ${sector}, ${ring}`)).toBeVisible();
      }
      await person(phone, 'Maria Lopez — Across, Colleague').focus();
      await phone.keyboard.press('ArrowUp');
      await expect(person(phone, 'Maria Lopez — Across, Ally')).toBeFocused();
      await phone.keyboard.press('Escape');
      await expect(phone.getByTestId('save-status')).toHaveText('Saved');
      await phone.reload();
      await expect(phone.getByTestId('person-label')).toHaveCount(2);
      await expect(person(phone, 'Maria Lopez — Across, Ally')).toBeVisible();
      await expect(person(phone, 'Kwame (Legal) — Above, Contact')).toBeVisible();
    });

    await test.step('commitments: whom and what sealed on the phone; Enter in “What you will do” adds it; the calendar file downloads', async () => {
      expect((await facilitator.command({ type: 'next' })).ok).toBe(true);
      await phone.getByLabel('Whom').fill('Maria');
      await phone.getByLabel('What you will do').fill('Ask how the budget review went');
      await phone.getByLabel('What you will do').press('Enter');
      await expect(phone.getByTestId('commitment')).toHaveCount(1);
      await expect(phone.getByTestId('commitment-whom')).toHaveText('Maria');
      await expect(phone.getByTestId('commitment-what')).toHaveText('Ask how the budget review went');
      await expect(phone.getByTestId('save-status')).toHaveText('Saved');
      await phone.reload();
      await expect(phone.getByTestId('commitment-what')).toHaveText('Ask how the budget review went');
      const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('button', { name: 'Download to my calendar (.ics)' }).click()]);
      const ics = readFileSync((await download.path())!, 'utf8');
      expect(ics).toContain('SUMMARY:Reach out to Maria: Ask how the budget review went');
    });

    await test.step('she picks whom from her own map by keyboard: the names open on her phone, the choice fills “Whom”', async () => {
      const fromMap = phone.getByRole('radiogroup', { name: 'From your map' });
      // "Maria", typed for the first commitment, was not on her map: she joined it
      await expect(fromMap.getByRole('radio')).toHaveCount(3);
      await expect(fromMap.getByRole('radio', { name: 'Maria', exact: true })).toBeAttached();
      await tabTo(phone, fromMap.getByRole('radio', { name: 'Maria Lopez' }));
      await phone.keyboard.press('ArrowRight');
      await expect(fromMap.getByRole('radio', { name: 'Kwame (Legal)' })).toBeChecked();
      await expect(phone.getByLabel('Whom')).toHaveValue('Kwame (Legal)');
      await phone.keyboard.press('Tab');
      await expect(phone.getByLabel('Whom')).toBeFocused();
      await phone.keyboard.press('Tab');
      await phone.keyboard.type('Share the contract checklist');
      await phone.keyboard.press('Enter');
      await expect(phone.getByTestId('commitment')).toHaveCount(2);
      await expect(phone.getByTestId('commitment-whom').nth(1)).toHaveText('Kwame (Legal)');
      await expect(fromMap.getByRole('radio', { name: 'Kwame (Legal)' })).not.toBeChecked();
      await expect(phone.getByTestId('save-status')).toHaveText('Saved');
    });

    await test.step('the last step points her to “My outcomes”', async () => {
      expect((await facilitator.command({ type: 'next' })).ok).toBe(true);
      await expect(phone.getByTestId('take-home')).toBeVisible();
      await phone.getByTestId('take-home-outcomes').click();
      await expect(phone.getByTestId('my-outcomes').getByTestId('pack-downloads')).toBeVisible({ timeout: 30_000 });
    });
    expect(errors).toEqual([]);
  } finally {
    for (const c of conns) c.close();
    await devices.closeAll();
  }
});

test('a console opened on localhost hands out the laptop’s local-network address (read, never opened)', async ({ browser }) => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // a port free a moment ago (a random one can be a browser connection's own port)
  const port = await freePort();
  // a server listening on every interface, as `npm start` does; the test talks to it on loopback only
  await ensureServerBuild();
  const server = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '0.0.0.0', LOG_LEVEL: 'warn', WEB_BUILD_DIR: `apps/web/${process.env.CANOPY_WEB_OUT ?? 'build'}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  for (const out of [server.stdout, server.stderr]) out.on('data', (d: Buffer) => (said = (said + d.toString()).slice(-4000)));
  const devices = new Devices(browser);
  try {
    const local = `http://127.0.0.1:${port}`;
    await expect(async () => {
      // a server that stopped says why
      expect({ exitCode: server.exitCode, said }).toMatchObject({ exitCode: null });
      expect((await fetch(`${local}/healthz`)).ok).toBe(true);
    }).toPass({ timeout: 30_000 });
    const room = await createApi(local).rooms.create.mutate({
      title: 'On the Wi-Fi',
      agenda: [{ id: 's', type: 'slide', title: 'Hello', durationSec: 0, config: {} }],
    });
    const console_ = await devices.open(LAPTOP);
    // nothing on this page may leave loopback: any request elsewhere fails the test
    const elsewhere: string[] = [];
    console_.on('request', (r) => {
      const host = new URL(r.url()).hostname;
      if (host !== '127.0.0.1' && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url());
    });
    await console_.goto(`${local}/c/${room.roomId}#t=${room.facilitatorToken}&d=${room.displayToken}`);
    const lan = lanAddresses('0.0.0.0', networkInterfaces())[0];
    const expected = lan ? `http://${lan}:${port}` : local;
    await expect(console_.getByTestId('join-link')).toHaveValue(`${expected}/j/${room.code.replace('-', '')}`);
    await expect(console_.getByTestId('join-at')).toHaveText(`Join at ${expected.replace('http://', '')}`);
    await expect(console_.getByTestId('display-link')).toHaveValue(new RegExp(`^${expected.replace(/\./g, '\\.')}/d/`));
    expect(elsewhere).toEqual([]);
  } finally {
    await devices.closeAll();
    server.kill('SIGTERM');
  }
});
