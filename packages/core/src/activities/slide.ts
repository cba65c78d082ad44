import { z } from 'zod';
import type { ActivityModule } from '../activity.js';

/** A plain step: a title and a few lines of text on every screen (welcome, break, wrap-up). */
export const SlideConfig = z.object({
  body: z.string().max(2000).default(''),
  /** notes only the facilitator sees on the console */
  notes: z.string().max(4000).default(''),
});
export type SlideConfig = z.infer<typeof SlideConfig>;

export const slide: ActivityModule<SlideConfig> = {
  type: 'slide',
  label: 'Slide',
  configSchema: SlideConfig,
  defaultConfig: () => ({ body: '', notes: '' }),
  phases: ['show'],
  participantConfig: (config) => ({ body: config.body }),
};
