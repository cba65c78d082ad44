/**
 * The foundation story: one facilitator, one projector, three participants — from planning the
 * workshop to ending it. Each phase is a `test.step`, told the way the facilitator would tell it.
 * Every participant and screen has its own browser context (its own storage, like its own device).
 */
import { expect, test } from '@playwright/test';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, shownSeconds, tabTo } from './support';

test('a facilitator runs a live workshop from the first join to the end', async ({ browser }) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open(LAPTOP);
    let code = '';
    let displayLink = '';

    await test.step('the facilitator plans a workshop with three slides, asking for department, and opens the room', async () => {
      await console_.goto('/');
      await console_.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Run a workshop' }).click();
      await expect(console_).toHaveURL(/\/new$/);
      // The full workshop is the default start; this first run starts from the short example.
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();

      await console_.getByLabel('Workshop title').fill('Allies at Northwind');
      await console_.getByLabel('Step 1 title').fill('Welcome');
      await console_.getByRole('textbox', { name: 'Minutes for step 1' }).fill('5');
      await console_.getByLabel('Step 2 title').fill('Map your allies');
      // This first run is slides only: the example's ally-map step goes.
      await expect(console_.getByRole('combobox', { name: 'Type of step 3' })).toHaveValue('mental-map');
      await console_.getByRole('button', { name: 'Remove step 3' }).click();
      await expect(console_.getByTestId('agenda-step')).toHaveCount(3);
      await console_.getByLabel('Step 3 title').fill('Wrap-up');
      // A fourth step added by mistake is removed again.
      await console_.getByRole('button', { name: 'Add a step' }).click();
      await expect(console_.getByLabel('Step 4 title')).toBeFocused();
      await expect(console_.getByRole('combobox', { name: 'Type of step 4' })).toHaveValue('slide');
      await console_.getByRole('button', { name: 'Remove step 4' }).click();
      await expect(console_.getByTestId('agenda-step')).toHaveCount(3);
      await console_.getByLabel('Ask for department or team').check();

      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('room-code')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      code = (await console_.getByTestId('room-code').textContent())!.trim();
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby');
      await expect(console_.getByTestId('joined-count')).toHaveText('0');
      displayLink = await console_.getByTestId('display-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    await test.step('the projector opens the display link and shows the code and "0 joined"', async () => {
      await display.goto(displayLink);
      await expect(display.getByTestId('room-code')).toHaveText(code);
      await expect(display.getByTestId('joined-count')).toHaveText('0 joined');
      await expect(display.getByRole('img', { name: 'QR code to join the room' })).toBeVisible();
      await display.screenshot({ path: `${SCREENSHOTS}display-lobby.png` });
    });

    const joinLink = await console_.getByTestId('join-link').inputValue();
    const ana = await devices.open(PHONE);
    const ben = await devices.open(LAPTOP);
    const chloe = await devices.open(LAPTOP);
    const rows = console_.getByTestId('participant-row');

    await test.step('three participants join; the console sees each arrive and the display counts them in', async () => {
      // Ana scans the QR code on her phone.
      await ana.goto(joinLink);
      await expect(ana.getByTestId('join-room-title')).toHaveText('Allies at Northwind');
      await ana.getByLabel('Your nickname').fill('Ana');
      await ana.getByLabel('Department or team').fill('Sales');
      await ana.screenshot({ path: `${SCREENSHOTS}join.png` });
      await ana.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ana.getByTestId('lobby')).toContainText('You’re in, Ana!');
      await expect(rows.filter({ hasText: 'Ana' })).toContainText('Sales');

      // Ben types the code on the home page, in lower case with a space.
      await ben.goto('/');
      await ben.getByLabel('Room code').fill(code.toLowerCase().replace('-', ' '));
      await ben.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ben).toHaveURL(new RegExp(`/j/${code.replace('-', '')}$`));
      await ben.getByLabel('Your nickname').fill('Ben');
      await ben.getByLabel('Department or team').fill('Engineering');
      await ben.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ben.getByTestId('lobby')).toContainText('You’re in, Ben!');
      await expect(rows.filter({ hasText: 'Ben' })).toContainText('Engineering');

      // Chloé uses the keyboard only.
      await chloe.goto('/');
      await tabTo(chloe, chloe.getByLabel('Room code'));
      await chloe.keyboard.type(code);
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByLabel('Your nickname')).toBeFocused();
      await chloe.keyboard.type('Chloé');
      await chloe.keyboard.press('Tab');
      await expect(chloe.getByLabel('Department or team')).toBeFocused();
      await chloe.keyboard.type('Finance');
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByTestId('lobby')).toContainText('You’re in, Chloé!');
      await expect(rows.filter({ hasText: 'Chloé' })).toContainText('Finance');

      await expect(rows).toHaveCount(3);
      await expect(console_.getByTestId('joined-count')).toHaveText('3');
      await expect(display.getByTestId('joined-count')).toHaveText('3 joined');
      await expect(ana.getByTestId('joined-count')).toHaveText('3');
    });

    const everyone = [ana, ben, chloe, display];

    await test.step('the facilitator starts step 1: every phone and the display show it', async () => {
      await console_.getByRole('button', { name: 'Start: Welcome' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Welcome');
      for (const screen of everyone) await expect(screen.getByTestId('step-title')).toHaveText('Welcome');
    });

    await test.step('the facilitator starts the timer: the display and the phones count down', async () => {
      await console_.getByRole('button', { name: 'Start timer' }).click();
      await expect(console_.getByRole('button', { name: 'Pause' })).toBeVisible();
      for (const screen of [display, ana]) {
        await expect(screen.getByTestId('countdown')).toHaveText(/^\d+:\d\d$/);
        const before = await shownSeconds(screen);
        expect(before).toBeGreaterThan(200);
        await expect.poll(() => shownSeconds(screen)).toBeLessThan(before);
      }
      await display.screenshot({ path: `${SCREENSHOTS}display.png` });
      await ana.screenshot({ path: `${SCREENSHOTS}participant.png` });
      await console_.screenshot({ path: `${SCREENSHOTS}console.png`, fullPage: true });
    });

    await test.step('the facilitator moves on with the → key: everyone follows', async () => {
      await console_.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await console_.keyboard.press('ArrowRight');
      await expect(console_.getByTestId('step-title')).toHaveText('Map your allies');
      for (const screen of everyone) await expect(screen.getByTestId('step-title')).toHaveText('Map your allies');
    });

    await test.step('Ben reloads his page and is back as himself, on the current step', async () => {
      await ben.reload();
      await expect(ben.getByTestId('step-title')).toHaveText('Map your allies');
      await expect(ben.getByTestId('you-nickname')).toHaveText('Ben');
    });

    await test.step('Chloé moves to another device with her resume link and is still Chloé', async () => {
      await chloe.getByText('Continue on another device').click();
      const resume = await chloe.getByTestId('resume-link').inputValue();
      expect(resume).toMatch(/\/p\/[A-Za-z0-9_-]+#t=[A-Za-z0-9_-]{22,}&k=[A-Za-z0-9_-]{43}$/);
      const chloeLaptop = await devices.open(LAPTOP);
      await chloeLaptop.goto(resume);
      await expect(chloeLaptop.getByTestId('you-nickname')).toHaveText('Chloé');
      await expect(chloeLaptop.getByTestId('step-title')).toHaveText('Map your allies');
      await expect(rows).toHaveCount(3);
      await expect(console_.getByTestId('joined-count')).toHaveText('3');
      await expect(display.getByTestId('joined-count')).toHaveText('3 joined');
    });

    await test.step('the facilitator locks the room: a latecomer gets the generic answer; then unlocks', async () => {
      await console_.getByRole('button', { name: 'Lock room' }).click();
      await expect(console_.getByTestId('room-status')).toHaveText('Locked');
      const dan = await devices.open(PHONE);
      await dan.goto(`/j/${code}`);
      await expect(dan.getByTestId('join-error')).toContainText('No open room matches that code');
      await console_.getByRole('button', { name: 'Unlock room' }).click();
      await expect(console_.getByTestId('room-status')).toHaveText('Live');
    });

    await test.step('the facilitator removes Ben: he sees it and cannot rejoin from the same browser', async () => {
      await console_.getByRole('button', { name: 'Remove Ben' }).click();
      await console_.getByRole('group', { name: 'Confirm removing Ben' }).getByRole('button', { name: 'Remove' }).click();
      await expect(ben.getByTestId('removed-screen')).toBeVisible();
      await expect(rows).toHaveCount(2);
      await expect(console_.getByTestId('joined-count')).toHaveText('2');
      await expect(display.getByTestId('joined-count')).toHaveText('2 joined');

      await ben.goto(`/j/${code}`);
      await ben.getByLabel('Your nickname').fill('Ben again');
      await ben.getByLabel('Department or team').fill('Engineering');
      await ben.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ben.getByTestId('join-error')).toContainText('removed');
      await expect(ben).toHaveURL(/\/j\//);
      await expect(rows).toHaveCount(2);
    });

    await test.step('the facilitator ends the session: every screen says so', async () => {
      await console_.getByRole('button', { name: 'End session' }).click();
      await console_.getByRole('button', { name: 'Yes, end it' }).click();
      await expect(console_.getByTestId('room-status')).toHaveText('Ended');
      for (const screen of [ana, chloe, display]) await expect(screen.getByTestId('ended-screen')).toBeVisible();
    });
  } finally {
    await devices.closeAll();
  }
});
