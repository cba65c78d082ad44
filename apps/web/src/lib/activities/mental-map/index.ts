import { m } from '@canopy/i18n';
import { mentalMap } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type MapDraft } from './Editor.svelte';
import Panel from './Panel.svelte';
import Participant from './Participant.svelte';
import { mentalMapPack } from './pack';

export const mentalMapUi: ActivityUi<'mental-map'> = {
  get label() {
    return m.map_label();
  },
  wide: true,
  Participant,
  Display,
  Console,
  ConsolePanel: Panel,
  pack: mentalMapPack,
  editor: stepEditor(mentalMap, {
    fromConfig: (c): MapDraft => ({ prompt: c.prompt, target: c.target, minGroupSize: c.minGroupSize, askLevel: c.askLevel, levelPrompts: c.levelPrompts }),
    Editor,
    field: (path) => (path[0] === 'minGroupSize' ? 'min-group' : String(path[0])),
    toConfig: (d: MapDraft) => ({
      ...(d.prompt.trim() ? { prompt: d.prompt.trim() } : {}),
      target: Number(d.target),
      minGroupSize: Number(d.minGroupSize),
      askLevel: d.askLevel,
      levelPrompts: d.levelPrompts,
    }),
  }),
};
