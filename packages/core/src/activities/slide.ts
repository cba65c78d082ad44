import { z } from 'zod';
import type { ActivityModule } from '../activity.js';
import { paragraph } from '../report.js';

/** A plain step: a title and a few lines of text on every screen (welcome, break, wrap-up). */
export const SlideConfig = z.object({
  body: z.string().max(2000).default(''),
});
export type SlideConfig = z.infer<typeof SlideConfig>;

export const slide: ActivityModule<SlideConfig> = {
  type: 'slide',
  label: 'Slide',
  configSchema: SlideConfig,
  defaultConfig: () => ({ body: '' }),
  phases: ['show'],
  scheduleSeconds: () => 0,
  participantConfig: (config) => ({ body: config.body }),
  // what the room saw
  outcomes: ({ step, config }) => ({ section: { title: step.title, blocks: config.body.trim() ? [paragraph(config.body.trim())] : [] }, tables: [] }),
};
