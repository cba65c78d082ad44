/**
 * The ally map story: a facilitator runs the "Map your allies" step; three participants map the
 * people around them — Kim with the keyboard only, Priya on her phone with taps, Diego on a laptop
 * by drag and drop. Names are sealed in their browsers: the console and the projector see only
 * counts, cells under the minimum group size show no number, and a reload or another device with
 * the resume link opens every name again.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, joinRoom, tabTo, mapPerson } from './support';

/** names distinctive enough to search the traffic for (two letters could occur in any ciphertext) */
const NAMES = ['Maria Lopez', 'Ops director', 'Former boss', 'Mentor', 'Chen Wei', 'Client CTO'];

/** Everything a page sends to the server: websocket frames and HTTP bodies (long-polling, tRPC). */
function recordTraffic(page: Page): string[] {
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  page.on('request', (r) => {
    const body = r.postData();
    if (body) sent.push(body);
  });
  return sent;
}

/** Fail the story on any uncaught error in a page. */
function watchErrors(page: Page, who: string, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
}

/** Press and hold on `from`, move to `to` in small steps, release: a mouse drag and drop. */
async function drag(page: Page, from: Locator, to: Locator) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('nothing to drag, or nowhere to drop');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const person = mapPerson;

test('an ally map: everyone maps privately, the room sees where its allies are', async ({ browser }) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open(LAPTOP);
    let displayLink = '';
    let joinLink = '';

    await test.step('the facilitator plans the workshop with its ally-map step (target 3 people, minimum group size 3) and opens it', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Allies at Northwind');
      await expect(console_.getByRole('combobox', { name: 'Type of step 3' })).toHaveValue('mental-map');
      await expect(console_.getByLabel('Step 3 title')).toHaveValue('Map your allies');
      await console_.getByRole('spinbutton', { name: 'Target: people each for step 3' }).fill('3');
      await console_.getByRole('spinbutton', { name: 'Minimum group size for step 3' }).fill('3');
      await console_.getByLabel('Ask for department or team').uncheck();
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby');
      displayLink = await console_.getByTestId('display-link').inputValue();
      joinLink = await console_.getByTestId('join-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    await display.goto(displayLink);
    await expect(display.getByTestId('display-lobby')).toBeVisible();

    const kim = await devices.open(LAPTOP);
    const priya = await devices.open(PHONE);
    const diego = await devices.open(LAPTOP);
    const traffic = [kim, priya, diego].map(recordTraffic);
    const errors: string[] = [];
    for (const [who, page] of Object.entries({ console: console_, display, kim, priya, diego })) watchErrors(page, who, errors);

    await test.step('three participants join: Kim with the keyboard, Priya on her phone, Diego on his laptop', async () => {
      await kim.goto(joinLink);
      await expect(kim.getByLabel('Your nickname')).toBeFocused();
      await kim.keyboard.type('Kim');
      await kim.keyboard.press('Enter');
      await expect(kim.getByTestId('lobby')).toContainText('You’re in, Kim!');
      // The address bar is Kim's resume link: her token and the key that seals her map's names.
      await expect(kim).toHaveURL(/\/p\/[A-Za-z0-9_-]+#t=[A-Za-z0-9_-]{22,}&k=[A-Za-z0-9_-]{43}$/);
      await joinRoom(priya, joinLink, 'Priya');
      await joinRoom(diego, joinLink, 'Diego');
      await expect(console_.getByTestId('joined-count')).toHaveText('3');
    });

    const progress = console_.getByTestId('map-progress-text');
    await test.step('the facilitator starts "Map your allies": phones show the map, the display the prompt and progress', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Map your allies' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Map your allies');
      await expect(console_.getByRole('button', { name: 'Collect' })).toHaveAttribute('aria-pressed', 'true');
      await expect(progress).toHaveText('0 of 3 have placed at least 3 people');
      for (const p of [kim, priya, diego]) await expect(p.getByTestId('ally-map')).toBeVisible();
      await expect(display.getByTestId('map-display-collect')).toBeVisible();
      await expect(display.getByTestId('map-progress-text')).toHaveText('0 of 3 have placed at least 3 people');
    });

    await test.step('Kim maps three people with Tab, arrow keys, space and Enter only', async () => {
      const name = kim.getByLabel('Name, initials or role');
      await tabTo(kim, name);
      await kim.keyboard.type('Maria Lopez');
      await kim.keyboard.press('Tab');
      await expect(kim.getByRole('radio', { name: 'Above' })).toBeFocused();
      await kim.keyboard.press('ArrowRight'); // Across
      await kim.keyboard.press('Tab');
      await expect(kim.getByRole('radio', { name: 'Contact' })).toBeFocused();
      await kim.keyboard.press('ArrowRight'); // Colleague
      await kim.keyboard.press('ArrowRight'); // Ally
      await kim.keyboard.press('Tab');
      await expect(kim.getByRole('checkbox', { name: 'Trusted' })).toBeFocused();
      await kim.keyboard.press('Space');
      await tabTo(kim, kim.getByRole('button', { name: 'Add to map' }));
      await kim.keyboard.press('Enter');
      await expect(person(kim, 'Maria Lopez — Across, Ally, trusted')).toBeVisible();
      await expect(name).toBeFocused();

      // The pickers keep the last choice: the next person starts from Across, Ally.
      await kim.keyboard.type('Ops director');
      await kim.keyboard.press('Tab');
      await expect(kim.getByRole('radio', { name: 'Across' })).toBeFocused();
      await kim.keyboard.press('ArrowLeft'); // Above
      await kim.keyboard.press('Tab');
      await expect(kim.getByRole('radio', { name: 'Ally' })).toBeFocused();
      await kim.keyboard.press('ArrowLeft'); // Colleague
      await tabTo(kim, kim.getByRole('button', { name: 'Add to map' }));
      await kim.keyboard.press('Enter');
      await expect(person(kim, 'Ops director — Above, Colleague')).toBeVisible();
      await expect(name).toBeFocused();

      await kim.keyboard.type('Jo');
      await kim.keyboard.press('Tab');
      await kim.keyboard.press('ArrowRight'); // Across
      await kim.keyboard.press('Tab');
      await kim.keyboard.press('ArrowRight'); // Ally
      await kim.keyboard.press('ArrowRight'); // Core circle
      await tabTo(kim, kim.getByRole('button', { name: 'Add to map' }));
      await kim.keyboard.press('Enter');
      await expect(person(kim, 'Jo — Across, Core circle')).toBeVisible();

      // On the map: select the ops director and move them one ring closer with ↑.
      await tabTo(kim, person(kim, 'Ops director — Above, Colleague'));
      await kim.keyboard.press('ArrowUp');
      await expect(person(kim, 'Ops director — Above, Ally')).toBeFocused();
      await kim.keyboard.press('Escape');
      await expect(kim.getByTestId('save-status')).toHaveText('Saved');
      await expect(kim.getByTestId('map-count')).toHaveText('3');
      await expect(progress).toHaveText('1 of 3 have placed at least 3 people');
    });

    await test.step('Priya maps four people with taps on her phone, tags one, and removes a typo', async () => {
      const form = priya.getByTestId('add-form');
      const add = async (name: string, sector: string, ring: string, tags: string[] = []) => {
        await priya.getByLabel('Name, initials or role').fill(name);
        await form.getByText(sector, { exact: true }).tap();
        await form.getByText(ring, { exact: true }).tap();
        for (const t of tags) await form.getByText(t, { exact: true }).tap();
        await form.getByRole('button', { name: 'Add to map' }).tap();
      };
      await add('Sam', 'Across', 'Ally');
      await expect(person(priya, 'Sam — Across, Ally')).toBeVisible();
      await add('Former boss', 'Outside', 'Contact', ['Not yet contacted']);
      await expect(person(priya, 'Former boss — Outside, Contact, not yet contacted')).toBeVisible();
      await add('Lee', 'Below', 'Colleague', ['Potential ally']);
      await add('Mentor', 'Above', 'Ally');
      await add('Typo', 'Below', 'Contact');
      await expect(priya.getByTestId('map-count')).toHaveText('5');

      // Tap Lee on the map and tag them influential too.
      await person(priya, 'Lee — Below, Colleague, potential ally').tap();
      const edit = priya.getByTestId('edit-panel');
      await expect(edit.getByRole('heading', { name: 'Edit Lee' })).toBeVisible();
      await edit.getByText('Influential', { exact: true }).tap();
      await expect(person(priya, 'Lee — Below, Colleague, influential, potential ally')).toBeVisible();
      await edit.getByRole('button', { name: 'Done' }).tap();

      // Tap the typo in the list of people and remove it.
      await priya.getByTestId('person-row').filter({ hasText: 'Typo' }).tap();
      await priya.getByTestId('edit-panel').getByRole('button', { name: 'Remove Typo' }).tap();
      await expect(person(priya, 'Typo — Below, Contact')).toHaveCount(0);
      await expect(priya.getByTestId('map-count')).toHaveText('4');
      await expect(priya.getByTestId('save-status')).toHaveText('Saved');
      await expect(priya.getByTestId('insights')).toContainText('No ally among the people you lead');
      await expect(progress).toHaveText('2 of 3 have placed at least 3 people');
    });

    await test.step('Diego drags three people onto his map, then drags one closer', async () => {
      const name = diego.getByLabel('Name, initials or role');
      const chip = diego.getByTestId('draft-chip');
      await name.fill('Chen Wei');
      await drag(diego, chip, diego.getByTestId('spot-across-ally'));
      await expect(person(diego, 'Chen Wei — Across, Ally')).toBeVisible();
      await name.fill('Client CTO');
      await drag(diego, chip, diego.getByTestId('spot-outside-contact'));
      await expect(person(diego, 'Client CTO — Outside, Contact')).toBeVisible();
      await name.fill('Ana');
      await drag(diego, chip, diego.getByTestId('spot-above-core'));
      await expect(person(diego, 'Ana — Above, Core circle')).toBeVisible();
      await drag(diego, person(diego, 'Ana — Above, Core circle'), diego.getByTestId('spot-above-ally'));
      await expect(person(diego, 'Ana — Above, Ally')).toBeVisible();
      await expect(diego.getByTestId('save-status')).toHaveText('Saved');
      await expect(progress).toHaveText('3 of 3 have placed at least 3 people');
      await expect(console_.getByTestId('map-mapping')).toHaveText('3');
    });

    await test.step('while the room collects, the display shows progress and no cell of the heatmap', async () => {
      await expect(display.getByTestId('map-progress-text')).toHaveText('3 of 3 have placed at least 3 people');
      await expect(display.getByTestId('heat-across-ally')).toHaveAttribute('data-count', '');
      // The console sees the picture live, before it is revealed.
      await expect(console_.getByTestId('heat-across-ally')).toHaveAttribute('data-count', '3');
    });

    await test.step('Priya reloads her phone: all her names are still there', async () => {
      await priya.reload();
      const labels = priya.getByTestId('person-label');
      await expect(labels).toHaveText(['Mentor', 'Sam', 'Lee', 'Former boss']);
      const insights = priya.getByTestId('insights');
      await expect(insights.getByRole('listitem').first()).toHaveText(/No ally among the people you lead/);
      await priya.evaluate(() => document.querySelector('[data-testid="ally-map"]')?.closest('section')?.scrollIntoView());
      await priya.screenshot({ path: `${SCREENSHOTS}map-participant.png` });
      await insights.getByRole('button', { name: 'Show all 5' }).tap();
      await expect(insights.getByText(/1 person is not yet contacted/)).toBeVisible();
    });

    await test.step('Kim opens her resume link on another device: her names open there too', async () => {
      await kim.getByText('Continue on another device').click();
      const resume = await kim.getByTestId('resume-link').inputValue();
      expect(resume).toMatch(/#t=[A-Za-z0-9_-]{22,}&k=[A-Za-z0-9_-]{43}$/);
      const kimLaptop = await devices.open(LAPTOP);
      await kimLaptop.goto(resume);
      await expect(kimLaptop.getByTestId('person-label')).toHaveText(['Ops director', 'Maria Lopez', 'Jo']);
      await expect(person(kimLaptop, 'Maria Lopez — Across, Ally, trusted')).toBeVisible();

      // The same link without its key: the map is there, the names stay locked.
      const withoutKey = await devices.open(LAPTOP);
      await withoutKey.goto(resume.replace(/&k=.*$/, ''));
      await expect(withoutKey.getByTestId('person-label')).toHaveText(Array(3).fill('🔒 locked — open your resume link'));
    });

    await test.step('the facilitator reveals: the display shows the heatmap, numbers only from 3 people, and the blind spot', async () => {
      await console_.getByRole('button', { name: 'Reveal' }).click();
      await expect(console_.getByRole('button', { name: 'Reveal' })).toHaveAttribute('aria-pressed', 'true');
      await expect(display.getByTestId('map-display-revealed')).toBeVisible();
      for (const cell of ['across-ally', 'above-ally']) {
        await expect(display.getByTestId(`heat-${cell}`)).toHaveText('3');
        await expect(display.getByTestId(`heat-${cell}`)).toHaveAttribute('data-hidden', 'false');
      }
      // 2 people outside/contact, 1 across/core, 1 below/colleague: below the minimum, no number.
      for (const cell of ['outside-contact', 'across-core', 'below-colleague', 'below-ally']) {
        await expect(display.getByTestId(`heat-${cell}`)).toHaveAttribute('data-hidden', 'true');
        await expect(display.getByTestId(`heat-${cell}`)).toHaveText('');
      }
      await expect(display.getByTestId('blind-spot')).toContainText('100% of you have no ally among the people you lead.');
      await expect(display.getByTestId('ally-share-across')).toHaveText('100%');
      await expect(display.getByTestId('ally-share-below')).toHaveText('0%');
      await expect(priya.getByTestId('phase-note')).toContainText('on the big screen');
      await display.screenshot({ path: `${SCREENSHOTS}map-display.png` });
      await console_.screenshot({ path: `${SCREENSHOTS}map-console.png`, fullPage: true });
    });

    await test.step('the facilitator moves on to discuss; the picture stays up', async () => {
      await console_.getByRole('button', { name: 'Discuss' }).click();
      await expect(console_.getByRole('button', { name: 'Discuss' })).toHaveAttribute('aria-pressed', 'true');
      await expect(display.getByTestId('map-display-revealed')).toContainText('Discuss');
      await expect(display.getByTestId('heat-across-ally')).toHaveText('3');
      await expect(kim.getByTestId('phase-note')).toContainText('talk it through');
    });

    await test.step('no name ever left a participant’s browser in clear', async () => {
      const everything = traffic.flat().join('\n');
      expect(everything).toContain('"sector"'); // the traffic was recorded
      for (const n of NAMES) expect(everything).not.toContain(n);
      expect(errors).toEqual([]);
    });
  } finally {
    await devices.closeAll();
  }
});
