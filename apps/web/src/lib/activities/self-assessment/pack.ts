/** The self-assessment in the participant's pack: their answer to each statement next to the room's, as a chart. */
import type { SelfAssessmentParticipantView, SelfAssessmentRoomView } from '@canopy/core';
import { scaleFigure } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';

export const selfAssessmentPack: PackHook<'self-assessment'> = async ({ step }) => {
  const view = step.data as SelfAssessmentParticipantView | null;
  const room = (step.room ?? null) as SelfAssessmentRoomView | null;
  const kind = 'Self-assessment';
  if (!view) return null;
  if (view.answered === 0) return { title: step.title, kind, blocks: [{ kind: 'text', text: 'You did not answer this self-assessment.', tone: 'muted' }] };
  const scale = room?.scale ?? step.config.scale;
  const word = (v: number | null) => (v === null ? 'no answer' : (scale[v - 1] ?? String(v)));
  // the statements' texts come with the step (the view carries ids and answers)
  const statements = step.config.statements;
  const textOf = (id: string) => statements.find((s) => s.id === id)?.text ?? room?.statements.find((s) => s.id === id)?.text ?? id;
  const blocks: PackBlock[] = [
    {
      kind: 'text',
      text: 'Your answers, in amber, next to the room’s (anonymous: a statement fewer people answered than the facilitator’s minimum shows yours alone).',
      tone: 'muted',
    },
  ];
  view.answers.forEach((a, i) => {
    const r = room?.statements.find((s) => s.id === a.id);
    const mean = r?.mean != null ? ` · room average ${r.mean.toFixed(1)} of ${scale.length}` : '';
    blocks.push({ kind: 'text', text: `${i + 1}. ${textOf(a.id)}`, tone: 'label' });
    blocks.push({
      kind: 'figure',
      figure: scaleFigure({ title: `${textOf(a.id)} — you: ${word(a.value)}`, scale, counts: r?.counts ?? null, mine: a.value }),
      caption: `You: ${word(a.value)}${mean}`,
    });
  });
  if (view.strengths.length) blocks.push({ kind: 'heading', text: 'Practices to build on' }, { kind: 'list', items: view.strengths.map(textOf) });
  if (view.toPractise.length) blocks.push({ kind: 'heading', text: 'Practices to try next' }, { kind: 'list', items: view.toPractise.map(textOf) });
  return { title: step.title, kind, blocks };
};
