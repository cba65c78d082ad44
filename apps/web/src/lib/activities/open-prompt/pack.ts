/** The open prompt in the participant's pack: their own answers, and what they voted for. */
import type { OpenPromptParticipantView } from '@canopy/core';
import type { PackBlock, PackHook } from '$lib/pack/types';
import { m } from '@canopy/i18n';

export const openPromptPack: PackHook<'open-prompt'> = async ({ step }) => {
  const view = step.data as OpenPromptParticipantView | null;
  if (!view) return null;
  const question = step.config.question;
  const answers = view.answers.filter((a) => !a.removed);
  const voted = view.ballot.filter((b) => b.myVotes > 0);
  if (!answers.length && !voted.length) return null;
  const blocks: PackBlock[] = [];
  if (question) blocks.push({ kind: 'text', text: question, tone: 'quote' });
  if (answers.length) blocks.push({ kind: 'heading', text: m.prompt_pack_answers() }, { kind: 'list', items: answers.map((a) => a.text) });
  if (voted.length)
    blocks.push(
      { kind: 'heading', text: m.prompt_pack_voted() },
      { kind: 'list', items: voted.map((b) => (b.myVotes > 1 ? m.prompt_pack_votes({ text: b.text, count: b.myVotes }) : b.text)) },
    );
  return { title: step.title, kind: m.prompt_pack_kind(), blocks };
};
