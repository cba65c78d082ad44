import { commitments, type CommitmentsConfig } from '@canopy/core';
import { m } from '@canopy/i18n';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type CommitmentsDraft } from './Editor.svelte';
import Participant from './Participant.svelte';
import { commitmentsPack } from './pack';

const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));

export const commitmentsUi: ActivityUi<'commitments'> = {
  get label() {
    return m.commit_label();
  },
  pack: commitmentsPack,
  Participant,
  Display,
  Console,
  editor: stepEditor(commitments, {
    fromConfig: (c: CommitmentsConfig): CommitmentsDraft => ({
      prompt: c.prompt,
      whomHint: c.whomHint,
      whatHint: c.whatHint,
      cadenceHint: c.cadenceHint,
      maxItems: c.maxItems,
    }),
    Editor,
    field: (path) => (path[0] === 'maxItems' ? 'cm-max' : String(path[0])),
    toConfig: (d: CommitmentsDraft) => ({
      ...(d.prompt.trim() ? { prompt: d.prompt.trim() } : {}),
      ...(d.whomHint.trim() ? { whomHint: d.whomHint.trim() } : {}),
      ...(d.whatHint.trim() ? { whatHint: d.whatHint.trim() } : {}),
      ...(d.cadenceHint.trim() ? { cadenceHint: d.cadenceHint.trim() } : {}),
      maxItems: int(d.maxItems),
    }),
  }),
};
