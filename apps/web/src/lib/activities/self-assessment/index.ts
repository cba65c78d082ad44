import { selfAssessment, type SelfAssessmentConfig } from '@canopy/core';
import { m } from '@canopy/i18n';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type SelfAssessmentDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { selfAssessmentPack } from './pack';

const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));
const ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Statement ids: each statement keeps its key as its id (saved ones keep theirs, so answers still match); a key that does not fit gets `s<n>`. */
function statementIds(keys: string[]): string[] {
  const used = new Set<string>();
  let n = 1;
  return keys.map((k) => {
    let id = k;
    while (!ID.test(id) || used.has(id)) id = `s${n++}`;
    used.add(id);
    return id;
  });
}

export const selfAssessmentUi: ActivityUi<'self-assessment'> = {
  get label() {
    return m.self_label();
  },
  pack: selfAssessmentPack,
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  editor: stepEditor(selfAssessment, {
    fromConfig: (c: SelfAssessmentConfig): SelfAssessmentDraft => ({
      prompt: c.prompt,
      statements: c.statements.map((s) => ({ key: s.id, text: s.text, theme: s.theme })),
      scale: [...c.scale],
      minGroupSize: c.minGroupSize,
      hideUntilResults: c.hideUntilResults,
    }),
    Editor,
    field(path, d: SelfAssessmentDraft) {
      const [key, j] = path;
      const at = typeof j === 'number' ? j : 0;
      if (key === 'statements') return `statement-${d.statements[at]?.key ?? ''}`;
      if (key === 'scale') return `scale-${at + 1}`;
      return key === 'minGroupSize' ? 'sa-min' : String(key);
    },
    toConfig: (d: SelfAssessmentDraft) => {
      const ids = statementIds(d.statements.map((s) => s.key));
      return {
        ...(d.prompt.trim() ? { prompt: d.prompt.trim() } : {}),
        statements: d.statements.map((s, j) => ({ id: ids[j]!, text: s.text.trim(), ...(s.theme ? { theme: s.theme } : {}) })),
        scale: d.scale.map((l) => l.trim()),
        minGroupSize: int(d.minGroupSize),
        hideUntilResults: d.hideUntilResults,
      };
    },
  }),
};
