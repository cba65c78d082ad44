/**
 * The built-in workshop in the room's language: a facilitator (whose laptop speaks English) plans
 * the room in German, and "Building allies" loads in German — titles, facilitator notes, the
 * self-assessment's statements. A phone that keeps English for its own buttons reads the step's
 * content as the room planned it, in German.
 */
import { expect, test } from '@playwright/test';
import { Devices, LAPTOP, PHONE, joinRoom } from './support';

test('a facilitator plans the built-in workshop in German and a phone reads its statements in German', async ({ browser }) => {
  const devices = new Devices(browser);
  const errors: string[] = [];
  try {
    const planner = await devices.open(LAPTOP);
    planner.on('pageerror', (e) => errors.push(`planner: ${e.message}`));
    await planner.addInitScript(() => localStorage.setItem('canopy:language', 'en'));

    await test.step('with the room in German, "Building allies" loads in German, same steps and times', async () => {
      await planner.goto('/new');
      await planner.getByTestId('room-language').selectOption('de');
      await planner.getByRole('button', { name: 'Building allies (about 90 minutes)' }).click();
      await expect(planner.getByLabel('Workshop title')).toHaveValue('Verbündete gewinnen');
      await expect(planner.getByTestId('agenda-step')).toHaveCount(9);
      await expect(planner.getByLabel('Step 1 title')).toHaveValue('Willkommen');
      await expect(planner.getByLabel('Step 2 title')).toHaveValue('Verbündete, die du um 3 Uhr nachts anrufen würdest');
      await expect(planner.getByLabel('Step 3 title')).toHaveValue('Wo du heute stehst');
      await expect(planner.getByLabel('Step 9 title')).toHaveValue('Abschluss');
      await planner.getByTestId('agenda-step').nth(3).locator('summary', { hasText: 'Facilitator notes' }).click();
      await expect(planner.getByLabel('Facilitator notes for step 4')).toHaveValue(/Namen verlassen nie das Handy\..*Etwa 10 Minuten\.$/);
    });

    await test.step('the room opens; on the self-assessment a phone reads the statements in German', async () => {
      await planner.getByRole('button', { name: 'Open the room' }).click();
      await expect(planner).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      const joinLink = await planner.getByTestId('join-link').inputValue();
      const ana = await devices.open(PHONE);
      ana.on('pageerror', (e) => errors.push(`ana: ${e.message}`));
      await ana.addInitScript(() => localStorage.setItem('canopy:language', 'en'));
      await joinRoom(ana, joinLink, 'Ana', 'Sales');

      await planner.getByTestId('agenda-item').filter({ hasText: 'Wo du heute stehst' }).click();
      await expect(ana.getByTestId('step-title')).toHaveText('Wo du heute stehst');
      await expect(ana.getByText('Ich biete Hilfe an, bevor mich jemand darum bitten muss.')).toBeVisible();
      await expect(ana.getByText('I offer to help before anyone has to ask me.')).toHaveCount(0);
    });
    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
