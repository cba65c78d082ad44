/**
 * The layout check the browser stories run on every screen: looks at the page as laid out and
 * lists what a person would see as broken.
 *
 * - an element whose box runs out of its card (or, outside cards, out of the viewport sideways);
 * - a card that overlaps another card;
 * - text cut off: an element that hides its overflow (or ends in an ellipsis) holds more than it
 *   shows, or a word broken in the middle across two lines (unless the word is longer than the
 *   whole line, as a long name in large text on a phone can be);
 * - a picture squeezed out of shape (an icon or logo drawn a few pixels wide);
 * - on the projector, anything below the screen's bottom edge (nobody scrolls a projector).
 *
 * Cards are `.card` and the big screen's regions (`[data-layout-card]`). What a scroll container
 * holds may run past it (it scrolls); what is visually hidden for screen readers is skipped.
 */
import type { Page } from '@playwright/test';

export interface LayoutOptions {
  /** the projector: the page must fit the screen's height too */
  fitHeight?: boolean;
}

export async function layoutProblems(page: Page, opts: LayoutOptions = {}): Promise<string[]> {
  return page.evaluate((o: LayoutOptions) => {
    const problems: string[] = [];
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const TOL = 1.5;

    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : '';
      const test = el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : '';
      const cls = [...el.classList]
        .filter((c) => !c.startsWith('svelte-'))
        .slice(0, 2)
        .map((c) => `.${c}`)
        .join('');
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${test}${cls}${text ? ` “${text}”` : ''}`;
    };
    const style = (el: Element) => getComputedStyle(el);
    const hiddenForScreenReaders = (el: Element): boolean => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = style(e);
        if (cs.position === 'absolute' && (cs.clip !== 'auto' || cs.clipPath !== 'none') && e.getBoundingClientRect().width <= 1) return true;
        if (e.classList.contains('sr-only')) return true;
      }
      return false;
    };
    const shown = (el: Element): boolean => {
      if (el.closest('dialog:not([open]), details:not([open]) > :not(summary)')) return false;
      const cs = style(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse' || Number(cs.opacity) === 0) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && !hiddenForScreenReaders(el);
    };
    const clips = (el: Element) => {
      const cs = style(el);
      return cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
    };
    const fixed = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) if (style(e).position === 'fixed' || e.tagName === 'DIALOG') return true;
      return false;
    };
    /** an ancestor below `stop` that clips or scrolls `el` (its own overflow is checked on its own) */
    const clippedBelow = (el: Element, stop: Element | null): boolean => {
      for (let e = el.parentElement; e && e !== stop; e = e.parentElement) if (clips(e)) return true;
      return false;
    };

    const all = [...document.body.querySelectorAll('*')].filter((el) => !['SCRIPT', 'STYLE', 'TEMPLATE', 'BR'].includes(el.tagName) && shown(el));
    const cards = all.filter((el) => el.matches('.card, [data-layout-card]') && !fixed(el));

    // 1. out of its card
    for (const card of cards) {
      const c = card.getBoundingClientRect();
      for (const el of card.querySelectorAll('*')) {
        if (!shown(el) || clippedBelow(el, card) || (el.closest('svg') !== null && el.tagName !== 'svg')) continue;
        const r = el.getBoundingClientRect();
        if (r.left < c.left - TOL || r.right > c.right + TOL || r.top < c.top - TOL || r.bottom > c.bottom + TOL) {
          const by = Math.round(Math.max(c.left - r.left, r.right - c.right, c.top - r.top, r.bottom - c.bottom));
          problems.push(`${describe(el)} runs ${by}px out of its card ${describe(card).slice(0, 60)}`);
        }
      }
    }

    // 2. out of the viewport (sideways everywhere; downwards on the projector)
    for (const el of all) {
      if (fixed(el) || clippedBelow(el, null) || (el.closest('svg') !== null && el.tagName !== 'svg')) continue;
      const r = el.getBoundingClientRect();
      const sx = window.scrollX;
      const sy = window.scrollY;
      if (r.right + sx > vw + TOL || r.left + sx < -TOL)
        problems.push(`${describe(el)} runs ${Math.round(Math.max(r.right + sx - vw, -(r.left + sx)))}px out of the screen sideways`);
      if (o.fitHeight && r.bottom + sy > vh + TOL) problems.push(`${describe(el)} runs ${Math.round(r.bottom + sy - vh)}px below the bottom of the screen`);
    }
    const page = document.scrollingElement!;
    if (page.scrollWidth > vw + TOL) problems.push(`the page scrolls sideways by ${page.scrollWidth - vw}px`);
    if (o.fitHeight && page.scrollHeight > vh + TOL) problems.push(`the page is ${page.scrollHeight - vh}px taller than the screen`);

    // 3. cards on top of each other
    for (let i = 0; i < cards.length; i++) {
      for (let j = i + 1; j < cards.length; j++) {
        const a = cards[i]!;
        const b = cards[j]!;
        if (a.contains(b) || b.contains(a)) continue;
        const ra = a.getBoundingClientRect();
        const rb = b.getBoundingClientRect();
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > TOL && h > TOL) problems.push(`${describe(a).slice(0, 60)} overlaps ${describe(b).slice(0, 60)} by ${Math.round(w)}×${Math.round(h)}px`);
      }
    }

    // 4. text cut off: hidden overflow or an ellipsis that hides text
    for (const el of all) {
      const cs = style(el);
      const hides = cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis';
      const hidesY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!(el.textContent ?? '').trim() || el.closest('svg')) continue;
      if (hides && el.scrollWidth > el.clientWidth + TOL) problems.push(`${describe(el)} is cut off: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
      else if (hidesY && el.scrollHeight > el.clientHeight + TOL)
        problems.push(`${describe(el)} is cut off at the bottom: ${el.scrollHeight}px in ${el.clientHeight}px`);
    }

    // 5. a word broken across two lines
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || !shown(parent) || parent.closest('svg, script, style, textarea, [contenteditable]')) continue;
      const text = n.textContent ?? '';
      for (const m of text.matchAll(/[\p{L}\p{N}]{4,}/gu)) {
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const tops = new Set(rects.map((r) => Math.round(r.top)));
        // a word longer than its whole line (large text on a phone) has to break: not a problem
        let line: Element = parent;
        while (line.parentElement && style(line).display.startsWith('inline')) line = line.parentElement;
        const ls = style(line);
        const lineWidth = line.clientWidth - parseFloat(ls.paddingLeft) - parseFloat(ls.paddingRight);
        const wordWidth = rects.reduce((w, r) => w + r.width, 0);
        if (tops.size > 1 && !(lineWidth > 0 && wordWidth > lineWidth - TOL))
          problems.push(`the word “${m[0]}” is broken across lines in ${describe(parent).slice(0, 60)}`);
      }
    }

    // 6. pictures squeezed out of shape
    for (const el of all) {
      if (el.tagName !== 'svg' && el.tagName !== 'IMG') continue;
      if (el.getAttribute('preserveAspectRatio') === 'none') continue;
      const r = el.getBoundingClientRect();
      let ratio = 0;
      if (el.tagName === 'svg') {
        const vb = (el as SVGSVGElement).viewBox.baseVal;
        if (vb && vb.width > 0 && vb.height > 0) ratio = vb.width / vb.height;
      } else {
        const img = el as HTMLImageElement;
        if (img.naturalWidth > 0 && img.naturalHeight > 0) ratio = img.naturalWidth / img.naturalHeight;
      }
      if (ratio > 0) {
        const shownRatio = r.width / r.height;
        if ((shownRatio < ratio / 2 || shownRatio > ratio * 2) && Math.min(r.width, r.height) < 16)
          problems.push(`${describe(el)} is squeezed to ${Math.round(r.width)}×${Math.round(r.height)}px`);
      }
    }
    return [...new Set(problems)];
  }, opts);
}
