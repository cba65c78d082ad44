/** What each activity's shared state keeps of a participant who deleted their data. */
import { describe, expect, it } from 'vitest';
import { getActivity } from './index.js';
import { initialAdversariesShared } from './adversaries.js';
import { forgetOpenPromptAuthor, initialOpenPromptShared } from './open-prompt.js';
import { initialPartnershipShared } from './partnership.js';

const ada = 'ada00000001';
const bob = 'bob00000001';

describe('forgetting a participant in shared state', () => {
  it('partnership: the group keeps its members, but Ada’s name is gone (screens say "Someone who left")', () => {
    const shared = {
      ...initialPartnershipShared(),
      round: 1,
      rounds: [{ groups: [{ id: '1', members: [ada, bob] }] }],
      names: { [ada]: { nickname: 'Ada', department: 'Sales' }, [bob]: { nickname: 'Bob', department: 'Ops' } },
    };
    const next = getActivity('partnership')!.shared!.forget!(shared, ada) as typeof shared;
    expect(next.names).toEqual({ [bob]: { nickname: 'Bob', department: 'Ops' } });
    expect(next.rounds).toEqual(shared.rounds);
    expect(JSON.stringify(next)).not.toContain('Ada');
    expect(JSON.stringify(next)).not.toContain('Sales');
  });

  it('adversaries: the pair stays, Ada’s name snapshot goes', () => {
    const shared = { ...initialAdversariesShared(), people: { [ada]: { nickname: 'Ada', department: null }, [bob]: { nickname: 'Bob', department: null } } };
    const next = getActivity('adversaries')!.shared!.forget!(shared, ada) as typeof shared;
    expect(Object.keys(next.people)).toEqual([bob]);
    expect(JSON.stringify(next)).not.toContain('Ada');
  });

  it('open prompt: Ada’s answers leave the ballot and moderation, Bob’s stay', () => {
    const shared = {
      ...initialOpenPromptShared(),
      ballot: [
        { id: 'b1', entry: `${ada}.a1`, text: 'Ada wrote this' },
        { id: 'b2', entry: `${bob}.a1`, text: 'Bob wrote this' },
      ],
      removed: [`${ada}.a2`, `${bob}.a2`],
      merged: { [`${ada}.a3`]: `${bob}.a1`, [`${bob}.a3`]: `${ada}.a1`, [`${bob}.a4`]: `${bob}.a1` },
    };
    const next = forgetOpenPromptAuthor(shared, ada);
    expect(next.ballot).toEqual([{ id: 'b2', entry: `${bob}.a1`, text: 'Bob wrote this' }]);
    expect(next.removed).toEqual([`${bob}.a2`]);
    expect(next.merged).toEqual({ [`${bob}.a4`]: `${bob}.a1` });
    expect(JSON.stringify(next)).not.toContain(ada);
  });
});
