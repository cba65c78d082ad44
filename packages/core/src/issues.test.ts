import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueMessage } from './issues.js';

const Answer = z.object({ text: z.string().max(3, 'Too long'), votes: z.array(z.number().int()) });
const refusal = (input: unknown) => {
  const parsed = Answer.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return parsed.error;
};

describe('issueMessage', () => {
  it('names the field and the problem', () => {
    expect(issueMessage(refusal({ text: 'much too long', votes: [] }))).toBe('text: Too long');
    expect(issueMessage(refusal({ text: 'ok', votes: [1.5] }))).toMatch(/^votes\.0: /);
  });

  it('leads with what was refused when asked, and names the whole input when no field is at fault', () => {
    expect(issueMessage(refusal({ text: 'much too long', votes: [] }), { about: 'Invalid answer' })).toBe('Invalid answer: text — Too long');
    expect(issueMessage(refusal('not an object'), { about: 'Malformed submit', whole: 'payload' })).toMatch(/^Malformed submit: payload — /);
  });

  it('names paths the way their readers know them', () => {
    const where = (path: PropertyKey[]) => (path[0] === 'votes' ? `vote ${Number(path[1]) + 1}` : path.join('.'));
    expect(issueMessage(refusal({ text: 'ok', votes: [1, 2.5] }), { where })).toMatch(/^vote 2: /);
  });
});
