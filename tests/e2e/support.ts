/**
 * What the browser stories share: the devices people use, and the small moves a keyboard user or
 * a facilitator makes again and again. Each device is its own browser context (its own storage).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';

/**
 * Where the stories save their screenshots: the README's pictures in docs/screenshots only when
 * asked (UPDATE_SCREENSHOTS=1), so a plain test run leaves the tree as it was.
 */
export const SCREENSHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url),
);
mkdirSync(SCREENSHOTS, { recursive: true });

/**
 * A host name that is not localhost, which Chromium maps to 127.0.0.1 (`--host-resolver-rules` in
 * playwright.config.ts): a page on `http://canopy.test:<port>` is an insecure context, like a
 * phone opening `http://192.168.1.20:3000` on a workshop's Wi-Fi, yet every byte stays on loopback.
 */
export const INSECURE_HOST = 'canopy.test';
/** The story server's address under that name. */
export const insecureOrigin = (baseURL: string) => `http://${INSECURE_HOST}:${new URL(baseURL).port}`;

/** How the stories start the system's Chromium (playwright.config.ts; the layout story adds to it). */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // a host name that is not localhost, for the stories of a phone on plain HTTP (an insecure
    // context); it resolves to loopback only
    `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
  ],
};

export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
export const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const PROJECTOR: BrowserContextOptions = { viewport: { width: 1280, height: 720 } };

/** Opens devices and closes them all at the end of the story. */
export class Devices {
  readonly #opened: BrowserContext[] = [];
  constructor(private readonly browser: Browser) {}

  async open(opts: BrowserContextOptions): Promise<Page> {
    const context = await this.browser.newContext(opts);
    this.#opened.push(context);
    return context.newPage();
  }

  async closeAll() {
    for (const c of this.#opened) await c.close();
  }
}

/** Waits for an acknowledgement from the server and expects it to say ok (showing it if not). */
export async function ok<T extends { ok: boolean }>(p: Promise<T>): Promise<T> {
  const r = await p;
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return r;
}

/** Seconds shown by a countdown ("4:58" → 298). */
export async function shownSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId('countdown').textContent()) ?? '';
  const [m, s] = text.trim().split(':').map(Number);
  return (m ?? 0) * 60 + (s ?? 0);
}

/** Press Tab until `target` has the focus, as a keyboard user would. */
export async function tabTo(page: Page, target: Locator, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    // bounded: a target that went away (the screen moved on) fails here, it does not wait for the test's end
    if (await target.evaluate((el) => el === document.activeElement, undefined, { timeout: 5_000 })) return;
  }
  throw new Error(`could not reach ${target} with the Tab key`);
}

/**
 * A person on an ally map, by what a screen reader says of them ("Maria Lopez — Across, Ally"):
 * their token's name ends with the initials it shows (" · ML"), so speech input can say those too.
 */
export const mapPerson = (page: Page, name: string) =>
  page.getByRole('button', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( · \\S+)?$`) });

/** A participant joins from the room's join link with a nickname (and a department when asked). */
export async function joinRoom(page: Page, joinLink: string, nickname: string, department?: string) {
  await page.goto(joinLink);
  await page.getByLabel('Your nickname').fill(nickname);
  if (department) await page.getByLabel('Department or team').fill(department);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByTestId('lobby')).toContainText(`You’re in, ${nickname}!`);
}

/** Every file in a zip, by name (inflated with fflate, the one zip library the project uses). */
export function unzip(zip: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, Buffer.from(bytes)]));
}
