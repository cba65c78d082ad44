import { mentalMap } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type MapDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { mentalMapPack } from './pack';

export const mentalMapUi: ActivityUi = {
  label: 'Ally map',
  wide: true,
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  pack: mentalMapPack,
  editor: stepEditor(mentalMap, {
    fromConfig: (c): MapDraft => ({ prompt: c.prompt, target: c.target, minGroupSize: c.minGroupSize, askLevel: c.askLevel, levelPrompts: c.levelPrompts }),
    Editor,
    check(d: MapDraft, i) {
      const int = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim()));
      const t = int(d.target);
      if (!Number.isInteger(t) || t < 1 || t > 30) return { message: `Step ${i + 1}: the target is a whole number of people from 1 to 30.`, field: 'target' };
      const k = int(d.minGroupSize);
      if (!Number.isInteger(k) || k < 1 || k > 20)
        return { message: `Step ${i + 1}: the minimum group size is a whole number from 1 to 20.`, field: 'min-group' };
      return null;
    },
    toConfig: (d: MapDraft) => ({
      ...(d.prompt.trim() ? { prompt: d.prompt.trim() } : {}),
      target: Number(d.target),
      minGroupSize: Number(d.minGroupSize),
      askLevel: d.askLevel,
      levelPrompts: d.levelPrompts,
    }),
  }),
};
