/**
 * Deleting, told in the browser: a participant deletes her data from her phone and the console
 * stops counting her; then the facilitator deletes the room from the console's Danger zone (the
 * room code typed as confirmation) and every screen — console, display, the other phone — says
 * the room was deleted; its code no longer opens anything.
 */
import { expect, test } from '@playwright/test';
import { Devices, LAPTOP, PHONE, PROJECTOR, joinRoom } from './support';

test('a participant deletes her data, then the facilitator deletes the room: every screen says so', async ({ browser }) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open(LAPTOP);
    await console_.goto('/new');
    await console_.getByLabel('Workshop title').fill('Deletion at Northwind');
    await console_.getByRole('button', { name: 'Open the room' }).click();
    await expect(console_.getByTestId('room-code')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const code = (await console_.getByTestId('room-code').textContent())!.trim();
    const joinLink = await console_.getByTestId('join-link').inputValue();
    const displayLink = await console_.getByTestId('display-link').inputValue();

    const display = await devices.open(PROJECTOR);
    await display.goto(displayLink);
    const ana = await devices.open(PHONE);
    const ben = await devices.open(PHONE);
    await joinRoom(ana, joinLink, 'Ana', 'Sales');
    await joinRoom(ben, joinLink, 'Ben', 'Finance');
    const rows = console_.getByTestId('participant-row');
    await expect(rows).toHaveCount(2);
    await expect(display.getByTestId('joined-count')).toHaveText('2 joined');

    await test.step('Ana deletes her data from her phone, after saying yes once more', async () => {
      await ana.getByText('Your data').click();
      await ana.getByTestId('delete-my-data-open').click();
      const confirm = ana.getByTestId('delete-my-data-confirm');
      await expect(confirm).toBeFocused();
      await expect(ana.getByText('Notes you wrote together with others')).toBeVisible();
      // she changes her mind once (Escape), then goes through with it
      await ana.keyboard.press('Escape');
      await expect(confirm).toHaveCount(0);
      await ana.getByTestId('delete-my-data-open').click();
      await ana.getByTestId('delete-my-data-confirm').click();
      await expect(ana.getByTestId('data-deleted-screen')).toContainText('Your data was deleted');
    });

    await test.step('the console and the display no longer count her', async () => {
      await expect(rows).toHaveCount(1);
      await expect(rows).toContainText('Ben');
      await expect(console_.getByTestId('joined-count')).toHaveText('1');
      await expect(display.getByTestId('joined-count')).toHaveText('1 joined');
    });

    await test.step('the facilitator deletes the room: the button waits for the room code', async () => {
      await expect(console_.getByTestId('retention-note')).toContainText('kept for 30 days');
      // once the session has ended, the console names the day the room goes by itself
      await console_.getByRole('button', { name: 'End session' }).click();
      await console_.getByRole('button', { name: 'Yes, end it' }).click();
      const inAMonth = new Date(Date.now() + 30 * 86_400_000).toLocaleDateString('en-US', { day: 'numeric', month: 'long', year: 'numeric' });
      await expect(console_.getByTestId('retention-note')).toContainText(`deleted by itself on ${inAMonth}`);
      await console_.getByTestId('delete-room-open').click();
      const typed = console_.getByTestId('delete-room-typed');
      await expect(typed).toBeFocused();
      const confirm = console_.getByTestId('delete-room-confirm');
      await typed.fill('ABCD-EFGH');
      await expect(confirm).toBeDisabled();
      await typed.fill(code.toLowerCase());
      await expect(confirm).toBeEnabled();
      await confirm.click();
    });

    await test.step('every screen says the room was deleted, and its code opens nothing', async () => {
      for (const page of [console_, display, ben]) await expect(page.getByTestId('room-deleted-screen')).toContainText('This room was deleted');
      await ben.goto('/');
      await ben.getByLabel('Room code').fill(code);
      await ben.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ben.getByText('No open room matches that code')).toBeVisible();
    });
  } finally {
    await devices.closeAll();
  }
});
