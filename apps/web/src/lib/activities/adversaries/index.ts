import { adversaries, type AdversariesConfig } from '@canopy/core';
import { m } from '@canopy/i18n';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type AdversariesDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { adversariesPack } from './pack';

/** a statement id from its position: stable, short and in the safe alphabet */
const statementId = (i: number) => `s${i + 1}`;
const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));

const draftOf = (c: AdversariesConfig): AdversariesDraft => ({
  statements: c.statements.map((s) => ({ key: s.id, text: s.text })),
  avoidSameDepartment: c.avoidSameDepartment,
  noStance: c.noStance,
  minutesPerTurn: c.minutesPerTurn,
});

export const adversariesUi: ActivityUi<'adversaries'> = {
  pack: adversariesPack,
  get label() {
    return m.adv_label();
  },
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  editor: stepEditor(adversaries, {
    // a new step starts with two of the default statements; a saved one with all of its own
    blank: (defaults) => {
      const d = draftOf(defaults);
      return { ...d, statements: d.statements.slice(0, 2) };
    },
    fromConfig: draftOf,
    Editor,
    field: (path, d: AdversariesDraft) => (path[0] === 'minutesPerTurn' ? 'turn' : `statement-${d.statements[0]?.key ?? ''}`),
    toConfig: (d: AdversariesDraft) => ({
      statements: d.statements
        .map((s) => s.text.trim())
        .filter(Boolean)
        .map((text, i) => ({ id: statementId(i), text })),
      avoidSameDepartment: d.avoidSameDepartment,
      noStance: d.noStance,
      minutesPerTurn: int(d.minutesPerTurn),
    }),
  }),
};
