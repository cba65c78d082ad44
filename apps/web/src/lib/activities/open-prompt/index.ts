import { OPEN_PROMPT_MAX_LENGTH, openPrompt, type OpenPromptConfig } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type OpenPromptDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { openPromptPack } from './pack';

const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));

export const openPromptUi: ActivityUi<'open-prompt'> = {
  label: 'Open prompt with votes',
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
    check(d: OpenPromptDraft, i) {
      if (!d.question.trim()) return { message: `Step ${i + 1}: write the question.`, field: 'question' };
      const between = (v: unknown, lo: number, hi: number) => Number.isInteger(int(v)) && int(v) >= lo && int(v) <= hi;
      if (!between(d.maxAnswersPerPerson, 1, 10)) return { message: `Step ${i + 1}: answers per person is a whole number from 1 to 10.`, field: 'op-answers' };
      if (!between(d.maxLength, 10, OPEN_PROMPT_MAX_LENGTH))
        return { message: `Step ${i + 1}: the longest answer is from 10 to ${OPEN_PROMPT_MAX_LENGTH} characters.`, field: 'op-length' };
      if (!between(d.votes, 1, 20)) return { message: `Step ${i + 1}: votes per person is a whole number from 1 to 20.`, field: 'op-votes' };
      return null;
    },
    toConfig: (d: OpenPromptDraft) => ({
      question: d.question.trim(),
      maxAnswersPerPerson: int(d.maxAnswersPerPerson),
      maxLength: int(d.maxLength),
      votes: int(d.votes),
      allowMultipleVotesPerAnswer: d.allowMultipleVotesPerAnswer,
    }),
  }),
};
