/**
 * A participant's pack holds every partnership round they took part in, each with the notes the
 * group wrote together and the actions it agreed — not only the last round's notes.
 */
import { describe, expect, it } from 'vitest';
import {
  partnership,
  PartnershipConfig,
  type MyOutcomes,
  type PartnershipInput,
  type PartnershipRecord,
  type PartnershipShared,
  type StepOutcome,
} from '@canopy/core';
import { partnershipPack } from './pack';

const config = PartnershipConfig.parse({ rounds: 2 });
const names = { ana: { nickname: 'Ana', department: 'Sales' }, ben: { nickname: 'Ben', department: 'Finance' }, cai: { nickname: 'Cai', department: 'Legal' } };

function write(scope: string, by: string, ...inputs: PartnershipInput[]): PartnershipRecord {
  const input = partnership.input!;
  let rec = input.initial(scope);
  for (const i of inputs) {
    const r = input.reduce(rec, i, { config, phase: 'meet', now: Date.UTC(2030, 0, 1), participantId: by, shared });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}

const shared: PartnershipShared = {
  seed: 1,
  round: 2,
  rounds: [{ groups: [{ id: '1', members: ['ana', 'ben'] }] }, { groups: [{ id: '1', members: ['ana', 'cai'] }] }],
  names,
  prompt: { index: 0, timer: { status: 'idle', durationMs: 0 } },
  nudge: null,
  away: [],
};

describe('partnership meetings in my outcomes', () => {
  it('every round Ana met in, with the notes written together in each, and the actions agreed', async () => {
    const scoped = {
      'g:1:1': write(
        'g:1:1',
        'ben',
        { op: 'add-note', promptId: 'purpose', id: 'note-r1-1', text: 'Both teams launch in May' },
        { op: 'put-action', id: 'act-r1-01', text: 'Share the launch calendar', owner: 'ana', due: '2030-02-01' },
      ),
      'g:2:1': write('g:2:1', 'ana', { op: 'add-note', promptId: 'offer', id: 'note-r2-1', text: 'Legal reviews our templates early' }),
    };
    const data = partnership.participantView!({ config, phase: 'wrap-up', participantId: 'ana', own: partnership.input!.initial('p:ana'), scoped, shared });
    const step: StepOutcome<'partnership'> = {
      stepId: 'meet',
      index: 0,
      type: 'partnership',
      title: 'Partnership meetings',
      config,
      phase: 'wrap-up',
      current: false,
      data,
    };
    const outcomes = { you: { id: 'ana' }, title: 'Allies' } as unknown as MyOutcomes;
    const section = await partnershipPack({ step, outcomes, unseal: () => Promise.resolve(null), fileBase: 'x' });
    const text = JSON.stringify(section?.blocks);
    expect(text).toContain('Round 1: with Ben (Finance)');
    expect(text).toContain('Both teams launch in May — Ben'); // round 1's notes, not only its actions
    expect(text).toContain('Share the launch calendar — you');
    expect(text).toContain('Round 2: with Cai (Legal)');
    expect(text).toContain('Legal reviews our templates early — you');
  });
});
