import { m } from '@canopy/i18n';
import { partnership } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type PartnershipDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { promptIdFor } from './view';
import { partnershipPack } from './pack';

export const partnershipUi: ActivityUi<'partnership'> = {
  pack: partnershipPack,
  get label() {
    return m.partner_label();
  },
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
    field(path, d: PartnershipDraft) {
      const [key, j, part] = path;
      if (key !== 'prompts') return String(key);
      const prompt = typeof j === 'number' ? d.prompts[j] : undefined;
      return prompt ? `prompt-${part === 'minutes' ? 'min' : 'title'}-${prompt.key}` : 'add-prompt';
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
