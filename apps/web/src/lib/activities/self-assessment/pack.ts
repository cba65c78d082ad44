/** The self-assessment in the participant's pack: their answer to each statement next to the room's, as a chart. */
import type { SelfAssessmentParticipantView, SelfAssessmentRoomView } from '@canopy/core';
import { scaleFigure } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';
import { m } from '@canopy/i18n';
import { oneDecimal } from './view';

export const selfAssessmentPack: PackHook<'self-assessment'> = async ({ step }) => {
  const view = step.data as SelfAssessmentParticipantView | null;
  const room = (step.room ?? null) as SelfAssessmentRoomView | null;
  const kind = m.self_pack_kind();
  if (!view) return null;
  if (view.answered === 0) return { title: step.title, kind, blocks: [{ kind: 'text', text: m.self_pack_none(), tone: 'muted' }] };
  const scale = room?.scale ?? step.config.scale;
  const word = (v: number | null) => (v === null ? m.self_pack_no_answer() : (scale[v - 1] ?? String(v)));
  // the statements' texts come with the step (the view carries ids and answers)
  const statements = step.config.statements;
  const textOf = (id: string) => statements.find((s) => s.id === id)?.text ?? room?.statements.find((s) => s.id === id)?.text ?? id;
  const blocks: PackBlock[] = [
    {
      kind: 'text',
      text: m.self_pack_intro(),
      tone: 'muted',
    },
  ];
  view.answers.forEach((a, i) => {
    const r = room?.statements.find((s) => s.id === a.id);
    blocks.push({ kind: 'text', text: `${i + 1}. ${textOf(a.id)}`, tone: 'label' });
    blocks.push({
      kind: 'figure',
      figure: scaleFigure({
        title: m.self_pack_figure_title({ statement: textOf(a.id), answer: word(a.value) }),
        scale,
        counts: r?.counts ?? null,
        mine: a.value,
      }),
      caption:
        r?.mean != null
          ? m.self_pack_you_room({ answer: word(a.value), mean: oneDecimal(r.mean), points: scale.length })
          : m.self_pack_you({ answer: word(a.value) }),
    });
  });
  if (view.strengths.length) blocks.push({ kind: 'heading', text: m.self_pack_strengths() }, { kind: 'list', items: view.strengths.map(textOf) });
  if (view.toPractise.length) blocks.push({ kind: 'heading', text: m.self_pack_to_practise() }, { kind: 'list', items: view.toPractise.map(textOf) });
  return { title: step.title, kind, blocks };
};
