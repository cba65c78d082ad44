/**
 * The agenda story: a facilitator plans from the "Building allies" template, reorders steps with
 * the keyboard and by drag and drop, saves the plan as a template file, loads it again in another
 * browser (a broken file is refused whole and changes nothing), opens the room with it, and edits a
 * step that has not run yet from the console; a participant who reaches it sees the new title.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Devices, LAPTOP, PHONE, SCREENSHOTS, joinRoom } from './support';

const ORDER = [
  'Welcome',
  'Map your allies',
  'Where you stand today',
  'What the room’s map tells us',
  'Worthy adversaries',
  'Partnership meetings',
  'Your commitments',
  'Wrap-up',
];

/** The titles in the agenda editor, in order. */
async function expectOrder(page: Page, titles: string[]) {
  await expect(page.getByTestId('agenda-step')).toHaveCount(titles.length);
  for (const [i, t] of titles.entries()) await expect(page.getByLabel(`Step ${i + 1} title`)).toHaveValue(t);
}

/** Press and hold on `from`, move to `to` in small steps, release: a mouse drag and drop (both in view). */
async function dragAndDrop(page: Page, from: Locator, to: Locator) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('nothing to drag, or nowhere to drop');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const file = (name: string, content: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(content)) });

test('a facilitator builds, saves, reloads and live-edits an agenda', async ({ browser }) => {
  const devices = new Devices(browser);
  const errors: string[] = [];
  try {
    const planner = await devices.open({ ...LAPTOP, acceptDownloads: true });
    planner.on('pageerror', (e) => errors.push(`planner: ${e.message}`));
    let saved: { agenda: { id: string; title: string; notes?: string }[]; title: string; kind: string; schemaVersion: number } | null = null;
    let savedText = '';

    await test.step('the facilitator starts from "Building allies" and renames the workshop', async () => {
      await planner.goto('/new');
      await planner.getByRole('button', { name: 'Building allies (about 90 minutes)' }).click();
      await expect(planner.getByRole('button', { name: 'Building allies (about 90 minutes)' })).toHaveAttribute('aria-pressed', 'true');
      await expectOrder(planner, [
        'Welcome',
        'An ally you would call at 3 a.m.',
        'Where you stand today',
        'Map your allies',
        'What the room’s map tells us',
        'Partnership meetings',
        'Worthy adversaries',
        'Your commitments',
        'Wrap-up',
      ]);
      await planner.getByLabel('Workshop title').fill('Allies at Northwind');
    });

    await test.step('every step comes with her script; she keeps a shorter plan without the 3 a.m. question', async () => {
      const notes = planner.getByLabel('Facilitator notes for step 4');
      await expect(notes).toBeHidden();
      await planner.getByTestId('agenda-step').nth(3).locator('summary', { hasText: 'Facilitator notes' }).click();
      await expect(notes).toHaveValue(/new here or a seasoned leader/);
      await notes.fill('Read the blind spot aloud, then ask who surprised them.');
      await planner.getByRole('button', { name: 'Remove step 2' }).click();
      await expect(planner.getByTestId('agenda-step')).toHaveCount(8);
    });

    await test.step('she moves "Map your allies" up with the keyboard: Space, ↑, Space', async () => {
      const handle = planner.getByRole('button', { name: 'Reorder step 3: Map your allies' });
      await handle.focus();
      await planner.keyboard.press('Space');
      await expect(planner.getByTestId('agenda-status')).toContainText('Picked up Map your allies, position 3 of 8');
      await planner.keyboard.press('ArrowUp');
      await expect(planner.getByRole('button', { name: 'Reorder step 2: Map your allies' })).toBeFocused();
      await planner.keyboard.press('Space');
      await expect(planner.getByTestId('agenda-status')).toHaveText('Moved Map your allies to position 2 of 8');

      // Escape puts a picked-up step back where it was.
      await planner.getByRole('button', { name: 'Reorder step 8: Wrap-up' }).focus();
      await planner.keyboard.press('Enter');
      await planner.keyboard.press('ArrowUp');
      await expect(planner.getByLabel('Step 7 title')).toHaveValue('Wrap-up');
      await planner.keyboard.press('Escape');
      await expect(planner.getByLabel('Step 8 title')).toHaveValue('Wrap-up');
      await expect(planner.getByTestId('agenda-status')).toContainText('Cancelled. Wrap-up is back at position 8 of 8');
    });

    await test.step('she drags "Worthy adversaries" above "Partnership meetings"', async () => {
      const handle = planner.getByRole('button', { name: 'Reorder step 6: Worthy adversaries' });
      await handle.evaluate((el) => el.scrollIntoView({ block: 'center' })); // clear of the sticky "Open the room" bar
      await dragAndDrop(planner, handle, planner.getByTestId('agenda-step').nth(4));
      await expect(planner.getByTestId('agenda-status')).toHaveText('Moved Worthy adversaries to position 5 of 8');
      await expectOrder(planner, ORDER);
      // the buttons still work too: down and back up
      await planner.getByRole('button', { name: 'Move step 7 down' }).click();
      await expect(planner.getByLabel('Step 8 title')).toHaveValue('Your commitments');
      await planner.getByRole('button', { name: 'Move step 8 up' }).click();
      await expectOrder(planner, ORDER);
    });

    await test.step('removing a step can be undone', async () => {
      await planner.getByRole('button', { name: 'Remove step 4' }).click();
      await expect(planner.getByTestId('agenda-step')).toHaveCount(7);
      await planner.getByTestId('undo-remove').getByRole('button', { name: 'Undo' }).click();
      await expectOrder(planner, ORDER);
    });

    await test.step('the editor with several steps (screenshot)', async () => {
      await planner.getByRole('button', { name: 'Reorder step 2: Map your allies' }).focus();
      await planner.evaluate(() => document.getElementById('agenda-title')?.scrollIntoView({ block: 'start' }));
      await planner.screenshot({ path: `${SCREENSHOTS}agenda-editor.png` });
      // an activity's own settings open and close
      await planner.getByRole('button', { name: 'Slide settings for step 1' }).click();
      await expect(planner.getByLabel('What everyone sees')).toHaveValue(/Nobody succeeds alone/);
      await planner.getByRole('button', { name: 'Slide settings for step 1' }).click();
      await expect(planner.getByLabel('What everyone sees')).toBeHidden();
    });

    await test.step('she saves it as a template: a file to download, kept under "My templates"', async () => {
      const downloading = planner.waitForEvent('download');
      await planner.getByRole('button', { name: 'Save as template' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('Allies at Northwind.canopy-agenda.json');
      savedText = await readFile((await download.path())!, 'utf8');
      saved = JSON.parse(savedText);
      expect(saved?.kind).toBe('canopy.agenda');
      expect(saved?.schemaVersion).toBe(1);
      expect(saved?.title).toBe('Allies at Northwind');
      expect(saved?.agenda.map((s) => s.title)).toEqual(ORDER);
      expect(saved?.agenda.find((s) => s.title === 'Map your allies')?.notes).toBe('Read the blind spot aloud, then ask who surprised them.');
      await expect(planner.getByTestId('my-templates')).toContainText('Allies at Northwind');
    });

    const console_ = await devices.open(LAPTOP);
    console_.on('pageerror', (e) => errors.push(`console: ${e.message}`));

    await test.step('in another browser, a broken file is refused with a clear reason and changes nothing', async () => {
      await console_.goto('/new');
      // a new browser starts on the full workshop
      await expect(console_.getByRole('button', { name: 'Building allies (about 90 minutes)' })).toHaveAttribute('aria-pressed', 'true');
      await expect(console_.getByTestId('agenda-step')).toHaveCount(9);
      const before = await console_.getByLabel('Workshop title').inputValue();

      const upload = console_.getByLabel('Load a template file');
      const v2 = { ...JSON.parse(savedText), schemaVersion: 2 };
      await upload.setInputFiles(file('future.canopy-agenda.json', v2));
      await expect(console_.getByTestId('template-error')).toContainText('format version 2');
      await expect(console_.getByTestId('agenda-step')).toHaveCount(9);
      await expect(console_.getByLabel('Workshop title')).toHaveValue(before);

      const blankTitle = JSON.parse(savedText);
      blankTitle.agenda[2].title = '';
      await upload.setInputFiles(file('blank.canopy-agenda.json', blankTitle));
      await expect(console_.getByRole('alert').filter({ hasText: 'blank.canopy-agenda.json' })).toContainText('Step 3, title');
      await expect(console_.getByTestId('agenda-step')).toHaveCount(9);
      await expect(console_.getByLabel('Step 1 title')).toHaveValue('Welcome');

      await upload.setInputFiles({ name: 'notes.canopy-agenda.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') });
      await expect(console_.getByTestId('template-error')).toContainText('not valid JSON');
      await expect(console_.getByTestId('agenda-step')).toHaveCount(9);
    });

    await test.step('the saved file loads: same title, same order', async () => {
      await console_
        .getByLabel('Load a template file')
        .setInputFiles({ name: 'Allies at Northwind.canopy-agenda.json', mimeType: 'application/json', buffer: Buffer.from(savedText) });
      await expect(console_.getByTestId('template-error')).toBeEmpty();
      await expect(console_.getByLabel('Workshop title')).toHaveValue('Allies at Northwind');
      await expectOrder(console_, ORDER);
    });

    await test.step('the room opens with the loaded agenda', async () => {
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby');
      const items = console_.getByTestId('agenda-item');
      await expect(items).toHaveCount(ORDER.length + 1);
      for (const [i, t] of ORDER.entries()) await expect(items.nth(i + 1)).toContainText(t);
      // the facilitator's own notes travelled with the file
      await items.filter({ hasText: 'Map your allies' }).click();
      await expect(console_.getByTestId('step-notes')).toHaveText(/Read the blind spot aloud, then ask who surprised them\./);
      await console_.getByTestId('step-notes').scrollIntoViewIfNeeded();
      await console_.screenshot({ path: `${SCREENSHOTS}console-notes.png` });
      await items.first().click();
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby');
    });

    const joinLink = await console_.getByTestId('join-link').inputValue();
    const ana = await devices.open(PHONE);
    ana.on('pageerror', (e) => errors.push(`ana: ${e.message}`));
    await joinRoom(ana, joinLink, 'Ana', 'Sales');

    await test.step('the facilitator starts step 1; in "Edit agenda" it is locked and the rest can change', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Welcome' }).click();
      await expect(ana.getByTestId('step-title')).toHaveText('Welcome');

      await console_.getByRole('button', { name: 'Edit agenda' }).click();
      const editor = console_.getByTestId('agenda-edit');
      await expect(editor.getByRole('heading', { name: 'Edit agenda' })).toBeFocused();
      await expect(editor.getByTestId('agenda-step').first()).toContainText('Already started');
      await expect(editor.getByLabel('Step 1 title')).toHaveCount(0);
      await expect(editor.getByRole('button', { name: /Reorder step 1\b/ })).toHaveCount(0);
      await expect(editor.getByRole('button', { name: 'Move step 2 up' })).toBeDisabled();

      await editor.getByLabel('Step 3 title').fill('Where you stand now');
      await editor.getByRole('button', { name: 'Save agenda' }).click();
      await expect(editor).toBeHidden();
      await expect(console_.getByTestId('agenda-item').nth(3)).toContainText('Where you stand now');
    });

    await test.step('a change to a step that has started meanwhile is refused with the server’s reason', async () => {
      await console_.getByRole('button', { name: 'Edit agenda' }).click();
      const editor = console_.getByTestId('agenda-edit');
      await editor.getByLabel('Step 2 title').fill('Map your people');
      // the room moves on while the editor is open
      await console_.getByTestId('agenda-item').filter({ hasText: 'Map your allies' }).click();
      await expect(ana.getByTestId('step-title')).toHaveText('Map your allies');
      await editor.getByRole('button', { name: 'Save agenda' }).click();
      await expect(editor.getByTestId('agenda-edit-error')).toContainText('Step 2 (Map your allies) has already started');
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await expect(editor).toBeHidden();
      await expect(console_.getByRole('button', { name: 'Edit agenda' })).toBeFocused();
      await expect(console_.getByTestId('agenda-item').nth(2)).toContainText('Map your allies');
    });

    await test.step('Ana reaches the renamed step and sees its new title', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Where you stand now' }).click();
      await expect(ana.getByTestId('step-title')).toHaveText('Where you stand now');
    });

    await test.step('the console saves the live agenda as a template too', async () => {
      const downloading = console_.waitForEvent('download');
      await console_.getByRole('button', { name: 'Save as template' }).click();
      const download = await downloading;
      const text = await readFile((await download.path())!, 'utf8');
      expect(JSON.parse(text).agenda.map((s: { title: string }) => s.title)).toEqual(
        ORDER.map((t) => (t === 'Where you stand today' ? 'Where you stand now' : t)),
      );
    });

    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
