import { describe, expect, it } from 'vitest';
import { outcomeSteps, seenPhase } from './my-outcomes.js';
import type { ActivityType } from './activities/index.js';
import type { Step } from './room.js';

const step = (id: string, type: ActivityType): Step => ({ id, type, title: id, durationSec: 0, config: {} });
/** a step as a room stored by another version of Canopy may hold it (read back from JSON, unchecked) */
const stored = (raw: object): Step => JSON.parse(JSON.stringify(raw)) as Step;
const agenda = [step('map', 'mental-map'), step('self', 'self-assessment'), step('meet', 'partnership'), step('end', 'slide')];

describe('which steps a participant has outcomes for, and in which phase', () => {
  it('in the lobby: none', () => {
    expect(outcomeSteps({ agenda, current: -1, phase: null })).toEqual([]);
    expect(seenPhase({ agenda, current: -1, phase: null }, 0)).toBeNull();
  });

  it('during the session: the steps run so far, earlier ones in their last phase, the current one as it is now', () => {
    const room = { agenda, current: 2, phase: 'meet' };
    expect(outcomeSteps(room).map((s) => [s.step.id, s.phase, s.current])).toEqual([
      ['map', 'discuss', false],
      ['self', 'results', false],
      ['meet', 'meet', true],
    ]);
    expect(seenPhase(room, 3)).toBeNull();
  });

  it('a step of an unknown type has no phase to be seen in', () => {
    expect(seenPhase({ agenda: [stored({ ...step('x', 'slide'), type: 'gone' }), ...agenda], current: 1, phase: 'collect' }, 0)).toBeNull();
  });
});
