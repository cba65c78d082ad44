import { describe, expect, it } from 'vitest';
import { groupSame } from '../src/same-views.js';

describe('personal views on a step change', () => {
  it('sends one message to everyone who has not answered yet, and their own to each who has', () => {
    const blank = { stepId: 's1', data: { ratings: {}, answered: 0 }, rev: 0 };
    const groups = groupSame([
      ['ana', blank],
      ['ben', { stepId: 's1', data: { ratings: { thanks: 4 }, answered: 1 }, rev: 1 }],
      ['cy', { ...blank, data: { ratings: {}, answered: 0 } }],
      ['dee', { stepId: 's1', data: { ratings: { thanks: 2 }, answered: 1 }, rev: 1 }],
    ]);
    expect(groups).toEqual([
      { message: blank, recipients: ['ana', 'cy'] },
      { message: { stepId: 's1', data: { ratings: { thanks: 4 }, answered: 1 }, rev: 1 }, recipients: ['ben'] },
      { message: { stepId: 's1', data: { ratings: { thanks: 2 }, answered: 1 }, rev: 1 }, recipients: ['dee'] },
    ]);
  });
});
