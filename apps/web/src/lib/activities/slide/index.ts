import { m } from '@canopy/i18n';
import { slide } from '@canopy/core';
import { stepEditor, type ActivityUi } from '../types';
import Console from './Console.svelte';
import Display from './Display.svelte';
import Editor, { type SlideDraft } from './Editor.svelte';
import Participant from './Participant.svelte';

export const slideUi: ActivityUi<'slide'> = {
  get label() {
    return m.slide_label();
  },
  Participant,
  Display,
  Console,
  editor: stepEditor(slide, {
    fromConfig: (c): SlideDraft => ({ body: c.body }),
    Editor,
    toConfig: (d) => ({ body: d.body.trim() }),
  }),
};
