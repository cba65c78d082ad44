import { PARTNERSHIP_MAX_PROMPTS, partnership } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type PartnershipDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { promptIdFor } from './view';
import { partnershipPack } from './pack';

const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));

export const partnershipUi: ActivityUi<'partnership'> = {
  pack: partnershipPack,
  label: 'Partnership meetings',
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  editor: stepEditor(partnership, {
    fromConfig: (c): PartnershipDraft => ({
      intro: c.intro,
      groupSize: String(c.groupSize),
      rounds: c.rounds,
      prompts: c.prompts.map((p) => ({ key: p.id, id: p.id, title: p.title, hint: p.hint, minutes: p.minutes })),
    }),
    Editor,
    check(d: PartnershipDraft, i) {
      const r = int(d.rounds);
      if (!Number.isInteger(r) || r < 1 || r > 6) return { message: `Step ${i + 1}: the number of rounds is a whole number from 1 to 6.`, field: 'rounds' };
      if (d.prompts.length === 0) return { message: `Step ${i + 1}: add at least one question.`, field: 'add-prompt' };
      if (d.prompts.length > PARTNERSHIP_MAX_PROMPTS) return { message: `Step ${i + 1}: at most ${PARTNERSHIP_MAX_PROMPTS} questions.`, field: 'add-prompt' };
      for (const [j, p] of d.prompts.entries()) {
        if (!p.title.trim()) return { message: `Step ${i + 1}: question ${j + 1} needs a title.`, field: `prompt-title-${p.key}` };
        const m = int(p.minutes);
        if (!Number.isInteger(m) || m < 1 || m > 30)
          return { message: `Step ${i + 1}: question ${j + 1} takes a whole number of minutes from 1 to 30.`, field: `prompt-min-${p.key}` };
      }
      return null;
    },
    toConfig: (d: PartnershipDraft) => {
      const used = new Set<string>();
      return {
        ...(d.intro.trim() ? { intro: d.intro.trim() } : {}),
        groupSize: Number(d.groupSize),
        rounds: Number(d.rounds),
        prompts: d.prompts.map((p, j) => ({ id: promptIdFor(p, j, used), title: p.title.trim(), hint: p.hint.trim(), minutes: Number(p.minutes) })),
      };
    },
  }),
};
