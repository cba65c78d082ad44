/**
 * Entering a step nobody has anything in yet takes one message per phone: the step change says
 * "build it yourself", and every phone builds its first view of the step from what it has of the
 * step's config (`participantConfig`), without the server building 2,000 views to compare. The
 * server checks one participant at run time; this holds every activity to it for every participant:
 * its first views — the participant's own and the room's picture — come out the same from the
 * phone's part of the config as from the whole config, in every phase, whoever the participant is.
 */
import { locales } from '@canopy/i18n';
import { describe, expect, it } from 'vitest';
import { builtInTemplates } from '../templates.js';
import { ACTIVITY_TYPES, getActivity, initialParticipantView, initialRoomView } from './index.js';

const PARTICIPANTS = ['p-ana', 'p-ben', 'x', 'p-0123456789abcdef0123456789abcdef'];

/** Every config an agenda is likely to hold: each activity's defaults (with every flag turned), and every step of the built-in workshops in every language. */
function configs(type: string): unknown[] {
  const mod = getActivity(type)!;
  const base = mod.configSchema.parse(mod.defaultConfig()) as Record<string, unknown>;
  const flipped = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'boolean' ? !v : v]));
  const shipped = locales.flatMap((locale) =>
    Object.values(builtInTemplates(locale)).flatMap((t) => t.agenda.filter((s) => s.type === type).map((s) => mod.configSchema.parse(s.config))),
  );
  return [base, mod.configSchema.parse(flipped), ...shipped];
}

describe("a fresh step's views", () => {
  it.each(ACTIVITY_TYPES)('%s: a phone builds the same first views from its part of the config as the server from all of it', (type) => {
    const mod = getActivity(type)!;
    for (const config of configs(type)) {
      const phoneConfig = mod.participantConfig(config);
      for (const phase of mod.phases) {
        for (const id of PARTICIPANTS) {
          expect({ type, phase, id, view: initialParticipantView(mod, phoneConfig, phase, id) }).toEqual({
            type,
            phase,
            id,
            view: initialParticipantView(mod, config, phase, id),
          });
        }
        for (const people of [0, 1, 40]) expect(initialRoomView(mod, phoneConfig, phase, people)).toEqual(initialRoomView(mod, config, phase, people));
      }
    }
  });
});
