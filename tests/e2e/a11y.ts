/**
 * The accessibility checks the browser stories run on a screen as it is shown:
 *
 * - `axeProblems`: axe-core (the engine behind most accessibility audits) with every rule it ships
 *   for WCAG 2.0–2.2 A and AA and its best practices, colour contrast included; what it rates
 *   serious or critical is a problem (minor and moderate findings are left to a person's eye);
 * - `motionProblems`: with reduced motion asked for, nothing on the page still moves: every
 *   animation and transition lasts no longer than a frame;
 * - `textZoomed`: the page's text at 200 % (the root font size doubled, as a phone's text-size
 *   setting or a browser's text-only zoom does), for the layout check (layout.ts) to look at.
 *
 * Each problem is one line naming the screen, so a story can collect them all and show them at once.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** The rule sets axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export async function axeProblems(page: Page, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const problems: string[] = [];
  for (const v of results.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const node of v.nodes) {
      const why = (node.failureSummary ?? '').replace(/\s+/g, ' ').replace(/^Fix (any|all) of the following: /, '');
      problems.push(`${label}: ${v.impact} ${v.id} (${v.help}) at ${node.target.join(' ')} — ${why}`);
    }
  }
  return problems;
}

/**
 * With `prefers-reduced-motion: reduce` emulated, every element whose animation or transition
 * still lasts longer than a frame (about 17 ms), or that runs an animation for ever.
 */
export async function motionProblems(page: Page, label: string): Promise<string[]> {
  const found = await page.evaluate(() => {
    if (!matchMedia('(prefers-reduced-motion: reduce)').matches) return ['reduced motion is not being asked for'];
    const seconds = (list: string) => Math.max(...list.split(',').map((t) => (t.trim().endsWith('ms') ? parseFloat(t) / 1000 : parseFloat(t))));
    const out: string[] = [];
    for (const el of document.querySelectorAll('*')) {
      const cs = getComputedStyle(el);
      const name = `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : ''}.${[...el.classList].filter((c) => !c.startsWith('svelte-')).join('.')}`;
      const moving = cs.animationName !== 'none';
      if (moving && seconds(cs.animationDuration) > 0.017) out.push(`${name} animates for ${cs.animationDuration}`);
      if (moving && cs.animationIterationCount === 'infinite') out.push(`${name} animates for ever`);
      if (cs.transitionProperty !== 'none' && seconds(cs.transitionDuration) > 0.017) out.push(`${name} has a ${cs.transitionDuration} transition`);
    }
    // the page's own scripted animations (Web Animations) count too
    for (const a of document.getAnimations()) {
      const t = a.effect?.getTiming();
      if (a.playState === 'running' && t && (t.iterations === Infinity || Number(t.duration) > 17))
        out.push(`a scripted animation of ${Number(t.duration)} ms runs`);
    }
    return out;
  });
  return [...new Set(found)].map((p) => `${label}: ${p}`);
}

/** Text at 200 %: the root font size doubled (every size in the app is in rem). Undo with `textZoomed(page, false)`. */
export async function textZoomed(page: Page, on = true) {
  await page.evaluate((z) => {
    document.documentElement.style.fontSize = z ? '200%' : '';
  }, on);
}
