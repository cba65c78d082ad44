import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canAsk,
  castVote,
  emptyQuestionsMod,
  moderateQuestions,
  questionsBoard,
  questionsOutcomes,
  questionText,
  QUESTION_MAX_LENGTH,
  QUESTIONS_PER_PERSON,
  QUESTIONS_PER_ROOM,
  type QuestionRecord,
  type QuestionsMod,
} from './questions.js';

const q = (id: string, voters: string[] = [], at = 0, author = 'asker'): QuestionRecord => ({ id, text: `Question ${id}`, at, author, voters });

/** Apply a vote's writes to the records, as the server stores them. */
function applied(records: QuestionRecord[], writes: QuestionRecord[]): QuestionRecord[] {
  const byId = new Map(writes.map((w) => [w.id, w]));
  return records.map((r) => byId.get(r.id) ?? r);
}

function vote(records: QuestionRecord[], mod: QuestionsMod, id: string, voter: string, up: boolean): QuestionRecord[] {
  const out = castVote(records, mod, id, voter, up);
  if (!out.ok) throw new Error(out.error);
  return applied(records, out.value);
}

const votesOf = (records: QuestionRecord[], mod: QuestionsMod, id: string) =>
  questionsBoard({ on: true, records, mod, audience: 'console' }).questions.find((x) => x.id === id)?.votes;

const ids = ['qa', 'qb', 'qc', 'qd'];
const people = ['p1', 'p2', 'p3', 'p4', 'p5'];
const voteArb = fc.record({ id: fc.constantFrom(...ids), voter: fc.constantFrom(...people), up: fc.boolean() });
const mergeArb = fc.array(fc.record({ from: fc.constantFrom(...ids), into: fc.constantFrom(...ids) }), { maxLength: 4 });

describe('questions: votes', () => {
  it('each person counts once per question, whatever they press and whatever was merged', () => {
    fc.assert(
      fc.property(mergeArb, fc.array(voteArb, { maxLength: 40 }), (merges, votes) => {
        let mod = emptyQuestionsMod();
        let records = ids.map((id, i) => q(id, [], i));
        for (const m of merges) {
          const next = moderateQuestions(mod, { type: 'merge', ...m }, records);
          if (next.ok) mod = next.value;
        }
        // the last press of each person on each surviving question decides
        const last = new Map<string, boolean>();
        const board = () => questionsBoard({ on: true, records, mod, audience: 'console' });
        const canonical = (id: string) => board().questions.find((x) => x.id === id || x.from.includes(id))!.id;
        for (const v of votes) {
          records = vote(records, mod, v.id, v.voter, v.up);
          last.set(`${canonical(v.id)}|${v.voter}`, v.up);
        }
        for (const shown of board().questions) {
          const expected = people.filter((p) => last.get(`${shown.id}|${p}`) === true).length;
          expect(shown.votes).toBe(expected);
          expect(shown.votes).toBeLessThanOrEqual(people.length);
        }
      }),
    );
  });

  it('up then down leaves the question as it was', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...people)), fc.constantFrom(...people), (voters, me) => {
        const records = [q('qa', voters)];
        const mod = emptyQuestionsMod();
        const before = votesOf(records, mod, 'qa')!;
        const after = vote(vote(records, mod, 'qa', me, true), mod, 'qa', me, false);
        expect(votesOf(after, mod, 'qa')).toBe(voters.includes(me) ? before - 1 : before);
        expect(after[0]!.voters).not.toContain(me);
      }),
    );
  });

  it('sorts by votes, then the oldest first', () => {
    const records = [q('late', ['a', 'b'], 30), q('early', ['a', 'b'], 10), q('top', ['a', 'b', 'c'], 50), q('none', [], 0)];
    expect(questionsBoard({ on: true, records, mod: emptyQuestionsMod(), audience: 'public' }).questions.map((x) => x.id)).toEqual([
      'top',
      'early',
      'late',
      'none',
    ]);
  });
});

describe('questions: merge and moderation', () => {
  it('merging combines the voters (union, each person once) and hands the pin and "answered" to the question kept', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...people)), fc.uniqueArray(fc.constantFrom(...people)), (a, b) => {
        const records = [q('qa', a, 1), q('qb', b, 2)];
        const mod = { ...emptyQuestionsMod(), pinned: 'qb', answered: ['qb'] };
        const merged = moderateQuestions(mod, { type: 'merge', from: 'qb', into: 'qa' }, records);
        expect(merged.ok).toBe(true);
        if (!merged.ok) return;
        const board = questionsBoard({ on: true, records, mod: merged.value, audience: 'public' });
        expect(board.questions.map((x) => x.id)).toEqual(['qa']);
        expect(board.questions[0]!.votes).toBe(new Set([...a, ...b]).size);
        expect(board.questions[0]!.from).toEqual(['qb']);
        expect(board.pinned?.id).toBe('qa');
        expect(board.questions[0]!.answered).toBe(true);
      }),
    );
  });

  it('never makes a loop, and refuses merging into itself or a question gone', () => {
    fc.assert(
      fc.property(mergeArb, (merges) => {
        const records = ids.map((id, i) => q(id, [], i));
        let mod = emptyQuestionsMod();
        for (const m of merges) {
          const next = moderateQuestions(mod, { type: 'merge', ...m }, records);
          if (m.from === m.into) expect(next.ok).toBe(false);
          if (next.ok) mod = next.value;
        }
        // every question still stands for exactly one shown question
        const board = questionsBoard({ on: true, records, mod, audience: 'public' });
        const covered = board.questions.flatMap((x) => [x.id, ...x.from]).sort();
        expect(covered).toEqual([...ids].sort());
      }),
    );
    const records = [q('qa'), q('qb')];
    const removed = moderateQuestions(emptyQuestionsMod(), { type: 'remove', id: 'qb' }, records);
    expect(removed.ok && moderateQuestions(removed.value, { type: 'merge', from: 'qa', into: 'qb' }, records)).toMatchObject({ ok: false });
  });

  it('hidden questions: on the console only, not pinnable, not votable; hiding the pinned one takes it down', () => {
    const records = [q('qa'), q('qb')];
    let mod: QuestionsMod = { ...emptyQuestionsMod(), pinned: 'qa' };
    const hid = moderateQuestions(mod, { type: 'hide', id: 'qa', hidden: true }, records);
    if (!hid.ok) throw new Error(hid.error);
    mod = hid.value;
    expect(mod.pinned).toBeNull();
    expect(questionsBoard({ on: true, records, mod, audience: 'public' }).questions.map((x) => x.id)).toEqual(['qb']);
    expect(questionsBoard({ on: true, records, mod, audience: 'console' }).questions.find((x) => x.id === 'qa')?.hidden).toBe(true);
    expect(moderateQuestions(mod, { type: 'pin', id: 'qa' }, records)).toMatchObject({ ok: false });
    expect(castVote(records, mod, 'qa', 'p1', true)).toMatchObject({ ok: false });
  });

  it('the report keeps visible questions only, with votes and answered', () => {
    expect(questionsOutcomes([], emptyQuestionsMod())).toBeNull();
    const records = [q('qa', ['p1'], 1), q('qb', ['p2', 'p3'], 2), q('qc', [], 3), q('qd', ['p1'], 4)];
    const mod = { ...emptyQuestionsMod(), hidden: ['qc'], removed: ['qd'], answered: ['qb'] };
    const out = questionsOutcomes(records, mod)!;
    expect(out.tables[0]!.rows).toEqual([
      ['Question qb', 2, 1],
      ['Question qa', 1, 0],
    ]);
    expect(out.section.title).toBe('Questions');
  });
});

describe('questions: asking', () => {
  it('normalizes and caps the text; an empty question is refused', () => {
    expect(questionText('  what   about\u202e us? ')).toEqual({ ok: true, value: 'what about us?' });
    const long = questionText('x'.repeat(QUESTION_MAX_LENGTH + 50));
    expect(long.ok && long.value.length).toBe(QUESTION_MAX_LENGTH);
    expect(questionText(' \n ')).toMatchObject({ ok: false });
  });

  it('caps per person and per room', () => {
    const mine = Array.from({ length: QUESTIONS_PER_PERSON }, (_, i) => q(`m${i}`, [], i, 'me'));
    expect(canAsk(mine, 'me')).toMatchObject({ ok: false });
    expect(canAsk(mine, 'you')).toEqual({ ok: true, value: true });
    const full = Array.from({ length: QUESTIONS_PER_ROOM }, (_, i) => q(`r${i}`, [], i, `a${i}`));
    const refused = canAsk(full, 'you');
    expect(refused.ok || refused.error).toContain(`${QUESTIONS_PER_ROOM} questions`);
  });
});
