/**
 * The built-in workshop against docs/content.md: every idea the table lists is where it says, every
 * statement and prompt the workshop ships has its row, and every step has its facilitator notes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILDING_ALLIES, builtInTemplates, validateAgenda, type Step } from '@canopy/core';

const ARTICLES = ['Commitment', 'Ride or die', 'Ten ways', 'Alliances', 'Four tips'];

interface Row {
  idea: string;
  articles: string[];
  step: string;
  where: string;
  says: string;
}

function readTable(): Row[] {
  const md = readFileSync(new URL('../../docs/content.md', import.meta.url), 'utf8');
  const lines = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Idea') && !l.startsWith('|---'));
  return lines.map((l) => {
    const cells = l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    const [idea, article, step, where, says] = cells;
    return { idea: idea!, articles: article!.split(',').map((a) => a.trim()), step: step!.replace(/`/g, ''), where: where!.replace(/`/g, ''), says: says! };
  });
}

const checked = validateAgenda(BUILDING_ALLIES.agenda);
if (!checked.ok) throw new Error(checked.error);
const agenda: Step[] = checked.agenda;

/** The text a row points at, or null when the workshop holds nothing there. */
function textAt(step: Step, where: string): string | null {
  const config = step.config as Record<string, unknown>;
  if (where === 'notes') return step.notes ?? null;
  if (where === 'body') return typeof config.body === 'string' ? config.body : null;
  const [kind, key] = where.split(':') as [string, string];
  if (kind === 'config') return key in config ? JSON.stringify(config[key]) : null;
  const list = (kind === 'statement' ? config.statements : kind === 'prompt' ? config.prompts : undefined) as
    Array<{ id: string; text?: string; title?: string; hint?: string }> | undefined;
  const item = list?.find((x) => x.id === key);
  return item ? [item.text, item.title, item.hint].filter(Boolean).join(' ') : null;
}

describe('docs/content.md: what the built-in workshop teaches, and from which article', () => {
  const rows = readTable();

  it('lists the ideas, each with the article it comes from', () => {
    expect(rows.length).toBeGreaterThan(35);
    for (const r of rows) for (const a of r.articles) expect(ARTICLES, `${r.idea}: article “${a}”`).toContain(a);
    // every article is used
    for (const a of ARTICLES)
      expect(
        rows.some((r) => r.articles.includes(a)),
        a,
      ).toBe(true);
  });

  it('every row points at a step of the workshop that says what the row claims', () => {
    for (const r of rows) {
      const step = agenda.find((s) => s.id === r.step);
      expect(step, `${r.idea}: no step “${r.step}”`).toBeDefined();
      const text = textAt(step!, r.where);
      expect(text, `${r.idea}: nothing at ${r.step} ${r.where}`).not.toBeNull();
      expect(text!.toLowerCase(), `${r.idea}: ${r.step} ${r.where}`).toContain(r.says.toLowerCase());
    }
  });

  it('every statement and prompt of the workshop has its row, and every step at least one', () => {
    const pointed = new Set(rows.map((r) => `${r.step} ${r.where}`));
    for (const s of agenda) {
      expect(
        rows.some((r) => r.step === s.id),
        `step ${s.id}`,
      ).toBe(true);
      const config = s.config as { statements?: Array<{ id: string }>; prompts?: Array<{ id: string }> };
      for (const x of config.statements ?? []) expect(pointed.has(`${s.id} statement:${x.id}`), `${s.id} statement:${x.id}`).toBe(true);
      for (const x of config.prompts ?? []) expect(pointed.has(`${s.id} prompt:${x.id}`), `${s.id} prompt:${x.id}`).toBe(true);
    }
  });

  it('every step of the workshop has notes for the facilitator', () => {
    for (const s of agenda) expect(s.notes?.trim().length ?? 0, `${s.id} has no notes`).toBeGreaterThan(0);
  });

  it('in every language the workshop holds a text wherever a row points: the same ideas, in its own words', () => {
    for (const locale of ['en', 'es', 'de', 'ar'] as const) {
      const own = validateAgenda(builtInTemplates(locale).buildingAllies.agenda);
      if (!own.ok) throw new Error(`${locale}: ${own.error}`);
      for (const r of rows) {
        const step = own.agenda.find((s) => s.id === r.step);
        expect(step, `${locale}: no step “${r.step}”`).toBeDefined();
        expect(textAt(step!, r.where)?.trim() || null, `${locale}: ${r.idea}: nothing at ${r.step} ${r.where}`).not.toBeNull();
      }
    }
  });
});
