import { m } from '@canopy/i18n';

/**
 * Enter posts what is typed in an answer or note box, as in every chat and Q&A tool. Where the
 * text may hold several lines, Shift+Enter starts a new one; in a single-line box (the text is
 * kept on one line anyway) Enter always posts. A composition in progress (an IME picking
 * characters) is never cut short.
 */
export function enterSubmits(node: HTMLTextAreaElement, opts: { multiline?: boolean } = {}) {
  let multiline = opts.multiline ?? false;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (multiline && e.shiftKey) return; // a new line
    e.preventDefault();
    node.form?.requestSubmit();
  };
  node.addEventListener('keydown', onKey);
  return {
    update(next: { multiline?: boolean } = {}) {
      multiline = next.multiline ?? false;
    },
    destroy() {
      node.removeEventListener('keydown', onKey);
    },
  };
}

/** The hint under a box that posts with Enter. */
export const enterHint = (multiline: boolean) => (multiline ? m.shell_enter_hint_multiline() : m.shell_enter_hint());
