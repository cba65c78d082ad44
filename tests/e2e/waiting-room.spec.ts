/**
 * The waiting room, as a facilitator tells it: "I planned the workshop with new joins needing my
 * approval. Ana joined and her phone asked her to wait; I let her in with the keyboard and her
 * phone went straight to the slide. Later I removed someone who then came back on another phone
 * under the same name: the console marked him, and I did not let him in."
 */
import { expect, test, type Page } from '@playwright/test';
import { axeProblems } from './a11y';
import { Devices, LAPTOP, PHONE, tabTo } from './support';

/** Someone joins from the join link; with the waiting room on they do not reach the lobby. */
async function askToJoin(page: Page, joinLink: string, nickname: string, department: string) {
  await page.goto(joinLink);
  await page.getByLabel('Your nickname').fill(nickname);
  await page.getByLabel('Department or team').fill(department);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

test('new joins wait for the facilitator, who lets them in or refuses them by keyboard; a removed person coming back is marked', async ({ browser }) => {
  const devices = new Devices(browser);
  const problems: string[] = [];
  try {
    const console_ = await devices.open(LAPTOP);
    let joinLink = '';

    await test.step('the facilitator plans the workshop with "New joins need my approval"', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Allies with a waiting room');
      await console_.getByRole('checkbox', { name: 'New joins need my approval' }).check();
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('waiting-room-switch')).toBeChecked();
      joinLink = await console_.getByTestId('join-link').inputValue();
      await console_.getByTestId('agenda-item').filter({ hasText: 'Welcome' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Welcome');
    });

    const ana = await devices.open(PHONE);
    await test.step('Ana joins and waits calmly: no step, not counted', async () => {
      await askToJoin(ana, joinLink, 'Ana', 'Finance');
      await expect(ana.getByTestId('waiting-screen')).toContainText('The facilitator will let you in shortly.');
      await expect(ana.getByTestId('waiting-nickname')).toHaveText('Ana');
      await expect(ana.getByTestId('step-title')).toHaveCount(0);
      problems.push(...(await axeProblems(ana, 'phone, waiting')));

      const row = console_.getByTestId('waiting-row').filter({ hasText: 'Ana' });
      await expect(row).toContainText('waiting just now');
      await expect(console_.getByTestId('joined-count')).toHaveText('0');
    });

    await test.step('the facilitator lets her in with the keyboard; her phone moves on to the slide', async () => {
      const admit = console_.getByRole('button', { name: 'Admit Ana' });
      await tabTo(console_, admit, 80);
      await console_.keyboard.press('Enter');
      await expect(ana.getByTestId('step-title')).toHaveText('Welcome');
      await expect(ana.getByTestId('waiting-screen')).toHaveCount(0);
      await expect(console_.getByTestId('waiting-list')).toHaveCount(0);
      await expect(console_.getByTestId('participant-name')).toHaveText(['Ana']);
      await expect(console_.getByTestId('joined-count')).toHaveText('1');
    });

    await test.step('Ben is removed, comes back on another phone under his name, is marked and not let in', async () => {
      const ben = await devices.open(PHONE);
      await askToJoin(ben, joinLink, 'Ben', 'Sales');
      await expect(ben.getByTestId('waiting-screen')).toBeVisible();
      await console_.getByRole('button', { name: 'Admit all' }).click();
      await expect(ben.getByTestId('step-title')).toHaveText('Welcome');
      await console_.getByRole('button', { name: 'Remove Ben' }).click();
      await console_.getByRole('group', { name: 'Confirm removing Ben' }).getByRole('button', { name: 'Remove' }).click();
      await expect(ben.getByTestId('removed-screen')).toBeVisible();

      const benAgain = await devices.open(PHONE); // a new browser: a new device id
      await askToJoin(benAgain, joinLink, 'ben', 'Sales');
      await expect(benAgain.getByTestId('waiting-screen')).toBeVisible();
      const row = console_.getByTestId('waiting-row').filter({ hasText: 'ben' });
      await expect(row.getByTestId('rejoin-mark')).toHaveText('Rejoined after a removal');
      await expect(console_.getByTestId('rejoin-news')).toHaveText('ben: rejoined after a removal');

      const refuse = console_.getByRole('button', { name: 'Refuse ben' });
      await tabTo(console_, refuse, 80);
      await console_.keyboard.press('Enter');
      await expect(benAgain.getByTestId('not-admitted-screen')).toContainText('The facilitator did not let you into this session.');
      problems.push(...(await axeProblems(benAgain, 'phone, not let in')));
      await expect(console_.getByTestId('waiting-list')).toHaveCount(0);
      await expect(console_.getByTestId('joined-count')).toHaveText('1');
    });

    await test.step('switched off on the console, new joins come straight in', async () => {
      const sw = console_.getByTestId('waiting-room-switch');
      await sw.focus();
      await console_.keyboard.press('Space');
      await expect(sw).not.toBeChecked();
      const cy = await devices.open(PHONE);
      await askToJoin(cy, joinLink, 'Cy', 'Legal');
      await expect(cy.getByTestId('step-title')).toHaveText('Welcome');
      await expect(console_.getByTestId('joined-count')).toHaveText('2');
      problems.push(...(await axeProblems(console_, 'console, participants')));
    });

    expect(problems).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
