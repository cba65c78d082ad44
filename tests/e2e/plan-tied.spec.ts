/**
 * The plan, tied together (issue #16). Ana maps two people and notes one's goals on the map's
 * phone screen; in the commitments step her phone
 * offers an idea from her map in one tap, and a commitment about someone new puts that person on
 * her map. After the session her personal link opens her plan: a person of her map opens to the
 * commitments about them and takes sealed notes (their goals, how she can help, what was given
 * and received); an idea from the map and the same whom picker add commitments — one about someone
 * new, who joins her map — and the check-in asks about them. By keyboard on a laptop, by touch on
 * a phone; axe finds nothing serious; the store never holds a name or a note in clear.
 */
import { expect, test, type Page } from '@playwright/test';
import { connectRoom, createApi, importSealKey, newParticipantToken, newSealKey, randomId, seal } from '@canopy/client';
import type { CanopyServer } from '../../apps/server/src/index';
import { startClockedServer } from './clocked-server';
import { axeProblems } from './a11y';
import { Devices, LAPTOP, mapPerson, ok, PHONE, tabTo } from './support';

const WEEK = 7 * 86_400_000;
/** What Ana types: none of it may reach the server in clear. */
const MAPPED = ['Hélène Marchetti', 'Kwame Asante'];
const NEW_IN_ROOM = 'Sigrún Þórsdóttir';
const NEW_AFTER = 'Bartholomew Ng';
const NOTES = {
  goals: 'Wants to run the Lisbon launch',
  help: 'Introduce her to our data team',
  given: 'Reviewed her budget deck',
  received: 'Shared the hiring plan early',
};
const WHAT = ['Ask Sigrún about the audit timeline', 'Lunch to hear about his new team'];

test('a new whom joins the map, ideas from the map become commitments, a person holds sealed notes', async ({ browser }) => {
  let now = Date.now();
  const server: CanopyServer = await startClockedServer(() => now);
  const devices = new Devices(browser);
  const url = server.url;
  const api = createApi(url);
  const created = await api.rooms.create.mutate({
    title: 'Allies in practice',
    agenda: [
      { id: 'map', type: 'mental-map', title: 'Your ally map', durationSec: 0, config: {} },
      { id: 'commit', type: 'commitments', title: 'Follow-ups', durationSec: 0, config: {} },
    ],
    followUp: { weeks: [2] },
  });
  const facilitator = connectRoom({ url, roomId: created.roomId, token: created.facilitatorToken });
  const token = newParticipantToken();
  await api.rooms.join.mutate({ code: created.code, nickname: 'Ana', token, deviceId: randomId() });
  const ana = connectRoom({ url, roomId: created.roomId, token });
  const sealKey = await newSealKey();
  const key = await importSealKey(sealKey);
  const link = `${url}/p/${created.roomId}#t=${token}&k=${sealKey}`;
  const store = async () => JSON.stringify(await Promise.all(['map', 'commit', '~follow-up'].map((step) => server.store.listRecords(created.roomId, step))));
  const typed = [...MAPPED, NEW_IN_ROOM, NEW_AFTER, ...Object.values(NOTES), ...WHAT];
  const problems: string[] = [];
  try {
    await facilitator.until((s) => s.status === 'connected' && s.stage !== null);
    await ana.until((s) => s.status === 'connected' && s.stage !== null);
    await ok(facilitator.command({ type: 'next' }));
    // Hélène: a colleague among her peers, not yet contacted; Kwame: an ally above
    await ok(
      ana.submit('map', {
        op: 'put',
        entry: { id: 'helene-aa', label: await seal(key, MAPPED[0]!), sector: 'across', ring: 'colleague', tags: ['uncontacted'] },
      }),
    );
    await ok(ana.submit('map', { op: 'put', entry: { id: 'kwame-aaa', label: await seal(key, MAPPED[1]!), sector: 'above', ring: 'ally', tags: [] } }));
    ana.close();

    let phone!: Page;
    await test.step('while the map step runs, a person opened on her phone takes a sealed note', async () => {
      phone = await devices.open(PHONE);
      await phone.goto(link);
      await mapPerson(phone, `${MAPPED[0]} — Across, Colleague, not yet contacted`).tap();
      const notes = phone.getByTestId('person-notes');
      await expect(notes).toContainText('None yet.');
      await notes.getByTestId('person-note-goals').fill(NOTES.goals);
      await notes.getByTestId('person-notes-save').tap();
      await expect(phone.getByTestId('map-announcer')).toHaveText(`Saved your notes on ${MAPPED[0]}`);
      problems.push(...(await axeProblems(phone, 'map step, a person opened with notes')));
    });

    await ok(facilitator.command({ type: 'next' }));
    await test.step('in the commitments step, an idea from her map becomes a commitment in one tap', async () => {
      const ideas = phone.getByTestId('suggested-commitments');
      const peers = ideas.getByTestId('suggestion').filter({ hasText: 'No ally among your peers' });
      await peers.getByTestId('suggestion-use').tap();
      await expect(phone.getByLabel('Whom')).toHaveValue(MAPPED[0]!);
      await expect(phone.getByLabel('What you will do')).toHaveValue(/coffee/);
      await phone.getByRole('button', { name: 'Add commitment' }).tap();
      await expect(phone.getByTestId('commitment-whom')).toHaveText([MAPPED[0]!]);
    });

    await test.step('a commitment about someone new puts them on her map, sealed', async () => {
      await phone.getByLabel('Whom').fill(NEW_IN_ROOM);
      await expect(phone.getByTestId('whom-new')).toBeVisible();
      await phone.getByLabel('What you will do').fill(WHAT[0]!);
      await phone.getByRole('button', { name: 'Add commitment' }).tap();
      const fromMap = phone.getByRole('radiogroup', { name: 'From your map' });
      await expect(fromMap.getByRole('radio', { name: NEW_IN_ROOM })).toBeAttached();
      await expect(phone.getByTestId('commitment')).toHaveCount(2);
      const mapRecord = (await server.store.listRecords(created.roomId, 'map'))[0]!;
      expect((JSON.parse(mapRecord.value) as { entries: unknown[] }).entries).toHaveLength(3);
      problems.push(...(await axeProblems(phone, 'commitments step with ideas from the map')));
      await phone.context().close();
    });

    await ok(facilitator.command({ type: 'close' }));
    now += 2 * WEEK + 3_600_000;

    let plan!: Page;
    await test.step('after the session, a person of her map opens to the commitments about them and takes sealed notes — by keyboard', async () => {
      plan = await devices.open(LAPTOP);
      await plan.goto(link);
      await expect(plan.getByTestId('check-in')).toBeVisible();
      const helene = plan.getByTestId('plan-person').filter({ hasText: MAPPED[0]! });
      await tabTo(plan, helene.locator('summary'), 80);
      await plan.keyboard.press('Enter');
      await expect(helene.getByTestId('person-commitments')).toContainText('coffee');
      // the note written on the map's phone screen is there, opened here
      await expect(helene.getByTestId('person-note-goals')).toHaveValue(NOTES.goals);
      for (const [field, text] of Object.entries(NOTES)) {
        await tabTo(plan, helene.getByTestId(`person-note-${field}`));
        await plan.keyboard.press('ControlOrMeta+A'); // the goals are there already: written anew
        await plan.keyboard.type(text);
      }
      await tabTo(plan, helene.getByTestId('person-notes-save'));
      await plan.keyboard.press('Enter');
      await expect(plan.getByText(`Saved your notes on ${MAPPED[0]}`)).toBeAttached();
      problems.push(...(await axeProblems(plan, 'plan page, a person opened')));
      await plan.reload();
      const again = plan.getByTestId('plan-person').filter({ hasText: MAPPED[0]! });
      await again.locator('summary').click();
      await expect(again.getByTestId('person-note-received')).toHaveValue(NOTES.received);
    });

    await test.step('an idea from the map and the same picker add commitments after the session; someone new joins her map', async () => {
      const kwame = plan.getByTestId('plan-person').filter({ hasText: MAPPED[1]! });
      await kwame.locator('summary').click();
      await expect(kwame).toContainText('None yet.');
      const idea = plan.getByTestId('suggested-commitments').getByTestId('suggestion').filter({ hasText: 'not yet contacted' });
      await idea.getByTestId('suggestion-use').click();
      const form = plan.getByTestId('plan-commitment-form');
      await expect(form.getByLabel('Whom')).toHaveValue(/.+/);
      await expect(form.getByLabel('What you will do')).toHaveValue(/Reach out/);
      await form.getByTestId('plan-commitment-save').click();
      await expect(plan.getByTestId('plan-commitment')).toHaveCount(3);

      await form.getByRole('radiogroup', { name: 'From your map' }).getByRole('radio', { name: MAPPED[1]! }).check();
      await form.getByLabel('Whom').fill(NEW_AFTER);
      await expect(form.getByTestId('whom-new')).toBeVisible();
      await form.getByLabel('What you will do').fill(WHAT[1]!);
      await form.getByTestId('plan-commitment-save').click();
      await expect(plan.getByTestId('plan-commitment')).toHaveCount(4);
      await expect(plan.getByTestId('plan-person').filter({ hasText: NEW_AFTER })).toBeVisible();
      await expect(plan.getByTestId('plan-person').filter({ hasText: NEW_AFTER }).locator('summary')).toContainText('1 commitment');
      // the open check-in asks about every commitment, the new ones too
      await expect(plan.getByTestId('check-in').getByTestId('ci-commitment')).toHaveCount(4);
      await expect(plan.getByTestId('check-in').getByTestId('ci-person').filter({ hasText: NEW_AFTER })).toBeVisible();
      problems.push(...(await axeProblems(plan, 'plan page with commitments added')));
    });

    const held = await store();
    expect(held).toContain('\\"people\\"');
    expect(held).toContain('\\"notes\\"');
    for (const t of typed) expect(held).not.toContain(t);
    expect(problems).toEqual([]);
  } finally {
    facilitator.close();
    ana.close();
    await devices.closeAll();
    await server.close();
  }
});
