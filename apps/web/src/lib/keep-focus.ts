/**
 * Live updates never drop the keyboard focus on the page. Two ways a focused control can lose it
 * without the person doing anything:
 *
 * - an update takes it out of the page (a phase ends and its buttons go, an answer is replaced by
 *   the room's results): the focus moves to the screen's main heading, where a screen reader user
 *   hears what the screen is now and a keyboard user continues with Tab;
 * - it is disabled for a moment while its command runs (the browser then drops the focus to the
 *   document): the focus comes back to it as soon as it is enabled again.
 *
 * When the person leaves a control themselves (a click or tap elsewhere), nothing is followed.
 *
 * Use from an `$effect` on a page: `$effect(() => keepFocus('#main h1'))`, naming the heading the
 * focus goes to (the page's parts come and go: the whole document is watched).
 */
export function keepFocus(heading: string): () => void {
  let last: Element | null = document.activeElement;
  /** the person pressed a pointer since the last focus: a focus they move themselves is theirs */
  let pointer = false;
  const onFocusIn = (e: FocusEvent) => {
    last = e.target as Element | null;
    pointer = false;
  };
  const onPointer = () => {
    pointer = true;
  };
  const lost = () => {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  };
  const observer = new MutationObserver(() => {
    if (!last || pointer || !lost()) return;
    if (last.isConnected) {
      // disabled for now: it takes the focus back once it is enabled
      if (last instanceof HTMLElement && !(last as HTMLButtonElement).disabled) last.focus({ preventScroll: true });
      return;
    }
    const target = document.querySelector<HTMLElement>(heading);
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus({ preventScroll: true });
    last = target;
  });
  document.addEventListener('focusin', onFocusIn);
  document.addEventListener('pointerdown', onPointer, true);
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  return () => {
    document.removeEventListener('focusin', onFocusIn);
    document.removeEventListener('pointerdown', onPointer, true);
    observer.disconnect();
  };
}
