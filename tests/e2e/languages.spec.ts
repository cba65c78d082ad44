/**
 * Languages, as a facilitator tells it: "I planned the workshop in Arabic. Ana typed the code on
 * her phone: the join form and the lobby spoke Arabic, right to left. She prefers Spanish, so she
 * switched her phone to Español; the projector kept speaking Arabic to the whole room."
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { axeProblems } from './a11y';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS } from './support';

/** The page's language and direction, as screen readers and the layout read them. */
async function expectPageLanguage(page: Page, lang: string, dir: 'ltr' | 'rtl') {
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(page.locator('html')).toHaveAttribute('dir', dir);
}

test('a room planned in Arabic: the phone joins in Arabic and switches itself to Spanish, the display stays Arabic', async ({ browser }) => {
  const devices = new Devices(browser);
  const problems: string[] = [];
  try {
    const console_ = await devices.open(LAPTOP);
    let code = '';
    let displayLink = '';

    await test.step('the facilitator plans the short example with the room in Arabic', async () => {
      await console_.goto('/new');
      // the room's language first: the built-in workshop then loads in it
      await console_.getByLabel("The room's language").selectOption({ label: 'العربية' });
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('الحلفاء في نورثويند');
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      code = (await console_.getByTestId('room-code').textContent())!.trim();
      displayLink = await console_.getByTestId('display-link').inputValue();
    });

    const ana = await devices.open(PHONE);
    await test.step('Ana types the code on her phone: the join form speaks Arabic, right to left', async () => {
      await ana.goto('/');
      await ana.getByTestId('home-code').fill(code);
      await ana.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(ana.getByTestId('join-room-title')).toHaveText('الحلفاء في نورثويند');
      await expectPageLanguage(ana, 'ar', 'rtl');
      await expect(ana.getByText('أنت تنضم إلى')).toBeVisible();
      problems.push(...(await axeProblems(ana, 'phone, join form in Arabic')));

      await ana.getByLabel('اسمك المستعار').fill('Ana');
      await ana.getByLabel('القسم أو الفريق').fill('المالية');
      await ana.getByRole('button', { name: 'انضمام', exact: true }).click();
    });

    await test.step('her lobby speaks Arabic too', async () => {
      await expect(ana.getByTestId('lobby')).toContainText('بانتظار أن يبدأ الميسِّر…');
      await expect(ana.getByTestId('lobby-nickname')).toHaveText('Ana');
      await expect(ana.getByTestId('joined-count')).toHaveText('1');
      await expectPageLanguage(ana, 'ar', 'rtl');
      problems.push(...(await axeProblems(ana, 'phone, lobby in Arabic')));
    });

    await test.step('she switches her own phone to Español: the lobby speaks Spanish, left to right', async () => {
      await ana.getByTestId('language-menu').selectOption({ label: 'Español' });
      await expect(ana.getByTestId('lobby')).toContainText('Esperando a que el facilitador empiece…');
      await expect(ana.getByTestId('lobby')).toContainText('¡Ya estás dentro, Ana!');
      await expectPageLanguage(ana, 'es', 'ltr');
      problems.push(...(await axeProblems(ana, 'phone, lobby in Spanish')));
    });

    const display = await devices.open(PROJECTOR);
    await test.step('the projector opens the display link and speaks the room’s Arabic, right to left', async () => {
      await display.goto(displayLink);
      await expect(display.getByTestId('room-code')).toHaveText(code);
      await expect(display.getByTestId('joined-count')).toHaveText('انضم 1');
      await expect(display.getByRole('img', { name: 'رمز QR للانضمام إلى الغرفة' })).toBeVisible();
      await expectPageLanguage(display, 'ar', 'rtl');
      problems.push(...(await axeProblems(display, 'display, lobby in Arabic')));
      // Ana's choice is hers alone
      await expect(ana.getByTestId('lobby')).toContainText('Esperando a que el facilitador empiece…');
    });

    const omar = await devices.open(PHONE);
    await test.step('the room maps its allies: Omar’s phone and the projector in Arabic, right to left', async () => {
      await omar.goto(`/j/${code}`);
      await omar.getByLabel('اسمك المستعار').fill('عمر');
      await omar.getByLabel('القسم أو الفريق').fill('المبيعات');
      await omar.getByRole('button', { name: 'انضمام', exact: true }).click();
      await expect(omar.getByTestId('lobby-nickname')).toHaveText('عمر');
      // the facilitator moves on to the map (third step) with the console's → key
      await console_.locator('main').click({ position: { x: 2, y: 2 } });
      for (let i = 0; i < 3; i++) await console_.keyboard.press('ArrowRight');
      await expect(omar.getByTestId('ally-map')).toBeVisible();
      await expectPageLanguage(omar, 'ar', 'rtl');
      // the built-in workshop's step, in the room's language
      await expect(omar.getByTestId('step-title').first()).not.toHaveText('Map your allies');
      for (const name of ['مريم', 'Ελένη', '李伟']) {
        await omar.getByLabel('الاسم أو الأحرف الأولى أو الدور').fill(name);
        await omar.getByLabel('الاسم أو الأحرف الأولى أو الدور').press('Tab');
        await omar.keyboard.press('ArrowRight');
        await omar.keyboard.press('Tab');
        await omar.keyboard.press('ArrowRight');
        await omar.getByRole('button', { name: 'إضافة إلى الخريطة' }).click();
      }
      await expect(omar.getByTestId('map-count')).toHaveText('3');
      problems.push(...(await axeProblems(omar, 'phone, ally map in Arabic')));
      await expectPageLanguage(display, 'ar', 'rtl');
      problems.push(...(await axeProblems(display, 'display, ally map in Arabic')));
      await omar.screenshot({ path: `${SCREENSHOTS}phone-arabic.png`, animations: 'disabled' });
      await display.screenshot({ path: `${SCREENSHOTS}display-arabic.png`, animations: 'disabled' });
    });

    await test.step('the session ends: Omar’s pack and the room’s report, read back with pdftotext', async () => {
      const pdfText = (path: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
      // the facilitator's own console follows the room's Arabic until she picks English for herself
      await console_.getByTestId('language-menu').selectOption({ label: 'English' });
      await expect(console_.locator('html')).toHaveAttribute('lang', 'en');
      await console_.getByRole('button', { name: 'End session' }).click();
      await console_.getByRole('button', { name: 'Yes, end it' }).click();
      await expect(omar.getByTestId('ended-screen')).toBeVisible();
      await omar.getByTestId('ended-outcomes').click();
      await expect(omar.getByTestId('my-outcomes').getByTestId('pack-downloads')).toBeVisible({ timeout: 30_000 });
      const [pack] = await Promise.all([omar.waitForEvent('download'), omar.getByTestId('download-pdf').click()]);
      const packText = pdfText(await pack.path());
      // the names he typed on his map, each in its own script and in reading order
      for (const name of ['مريم', 'Ελένη', '李伟']) expect(packText).toContain(name);
      const [report] = await Promise.all([console_.waitForEvent('download'), console_.getByTestId('download-report-pdf').click()]);
      const reportText = pdfText(await report.path());
      // the report speaks the room's Arabic: its title and its own headings (pdftotext writes the
      // lam-alef ligature back as two letters in the wrong order, so "Agenda" is not compared)
      for (const words of ['الحلفاء في نورثويند', 'تقرير الجلسة', 'المشاركة']) expect(reportText).toContain(words);
    });

    expect(problems, problems.join('\n')).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
