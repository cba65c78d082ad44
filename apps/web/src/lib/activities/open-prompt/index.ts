import { openPrompt, type OpenPromptConfig } from '@canopy/core';
import { m } from '@canopy/i18n';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type OpenPromptDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { openPromptPack } from './pack';

const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));

export const openPromptUi: ActivityUi<'open-prompt'> = {
  get label() {
    return m.prompt_label();
  },
  pack: openPromptPack,
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  editor: stepEditor(openPrompt, {
    fromConfig: (c: OpenPromptConfig): OpenPromptDraft => ({
      question: c.question,
      maxAnswersPerPerson: c.maxAnswersPerPerson,
      maxLength: c.maxLength,
      votes: c.votes,
      allowMultipleVotesPerAnswer: c.allowMultipleVotesPerAnswer,
    }),
    Editor,
    field: (path) => ({ maxAnswersPerPerson: 'op-answers', maxLength: 'op-length', votes: 'op-votes' })[String(path[0])] ?? String(path[0]),
    toConfig: (d: OpenPromptDraft) => ({
      question: d.question.trim(),
      maxAnswersPerPerson: int(d.maxAnswersPerPerson),
      maxLength: int(d.maxLength),
      votes: int(d.votes),
      allowMultipleVotesPerAnswer: d.allowMultipleVotesPerAnswer,
    }),
  }),
};
