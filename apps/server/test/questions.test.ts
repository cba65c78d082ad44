/**
 * The room's questions (issue #18), end to end on real servers sharing a real Redis: a phone asks,
 * others upvote (once each), the facilitator moderates — hide, remove, merge, answered, pin — and
 * the report lists what is left. Nobody learns who asked or who voted; every message is checked
 * for its sender's role and its shape; caps and the ask budget hold; deleting the room or one's
 * data takes the questions with it.
 */
import { describe, expect, it } from 'vitest';
import { QUESTIONS_PER_PERSON, type MyQuestionsBoard, type QuestionsBoard, type SessionData } from '@canopy/core';
import { pseudonym } from '../src/service/questions.js';
import { emitRaw, useWorkshops, WAIT_MS, type ParticipantScreen, type Screen, type Workshop, useRedis } from './support.js';

const { server, workshop } = useWorkshops();

const redis = useRedis();

const board = (s: Screen) => s.conn.state.questions as QuestionsBoard | null;
const texts = (s: Screen) => board(s)?.questions.map((q) => `${q.text} (${q.votes})`) ?? [];

/** A room with questions on, on a server with Redis; `people` phones joined. */
async function qaRoom(people: string[], overrides = {}): Promise<{ w: Workshop; phones: ParticipantScreen[]; display: Screen }> {
  const w = await workshop(await server({ REDIS_URL: redis.url, QUESTION_ASKS_PER_MIN: 1000, ...overrides }), { questions: true });
  const display = w.connect(w.displayToken);
  const phones = [];
  for (const name of people) phones.push(await w.join(name));
  await Promise.all(phones.map((p) => p.conn.until((s) => s.questions !== null, WAIT_MS)));
  return { w, phones, display };
}

async function asked(p: ParticipantScreen, text: string): Promise<string> {
  const res = await p.conn.askQuestion(text);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.id;
}

describe('the room’s questions', () => {
  it('a phone asks, two others upvote: everyone sees it by votes, and nobody learns who asked or voted', async () => {
    const { w, phones, display } = await qaRoom(['Ana', 'Ben', 'Chloé', 'Dev']);
    const [ana, ben, chloe, dev] = phones as [ParticipantScreen, ParticipantScreen, ParticipantScreen, ParticipantScreen];
    const early = await asked(dev, 'Can we get the slides afterwards?');
    const q = await asked(ana, '  How do I find   an ally in another department?  ');
    expect(await ben.conn.voteQuestion(q, true)).toMatchObject({ ok: true });
    expect(await chloe.conn.voteQuestion(q, true)).toMatchObject({ ok: true });

    const expected = ['How do I find an ally in another department? (2)', 'Can we get the slides afterwards? (0)'];
    for (const s of [...phones, display, w.console]) await s.conn.until(() => JSON.stringify(texts(s)) === JSON.stringify(expected), WAIT_MS);
    // the asker sees it as theirs; the voters see their vote; nobody else does
    expect((ana.conn.state.questions as MyQuestionsBoard).mine).toEqual([q]);
    expect((ben.conn.state.questions as MyQuestionsBoard).voted).toEqual([q]);
    expect((dev.conn.state.questions as MyQuestionsBoard).mine).toEqual([early]);

    // Every message any screen received: no participant's id, name or pseudonym, no author or voter field.
    for (const s of [...phones, display, w.console]) {
      const seen = JSON.stringify(s.events.filter((e) => e.event === 'questions'));
      for (const p of phones) {
        if (s !== w.console) expect(seen).not.toContain(p.id);
        expect(seen).not.toContain(pseudonym(w.roomId, p.id));
      }
      expect(seen).not.toMatch(/"author"|"voters"|Ana|Ben|Chloé/);
    }
    expect(JSON.stringify(await w.console.conn.questionsList())).not.toMatch(new RegExp(phones.map((p) => pseudonym(w.roomId, p.id)).join('|')));
  });

  it('one vote per person: a second upvote changes nothing, the same button takes it back', async () => {
    const { phones } = await qaRoom(['Ana', 'Ben']);
    const [ana, ben] = phones as [ParticipantScreen, ParticipantScreen];
    const q = await asked(ana, 'Who decides the team’s priorities?');
    const votes = async () => (await ben.conn.questionsList()).ok && board(ben)!.questions[0]!.votes;
    await ben.conn.voteQuestion(q, true);
    await ben.conn.voteQuestion(q, true);
    expect(await votes()).toBe(1);
    // the asker may upvote their own too (Slido does), once
    await ana.conn.voteQuestion(q, true);
    expect(await votes()).toBe(2);
    await ben.conn.voteQuestion(q, false);
    expect(await votes()).toBe(1);
    expect((ben.conn.state.questions as MyQuestionsBoard).voted).toEqual([]);
  });

  it('the facilitator hides, merges (votes combined, each person once), marks answered and pins; the display shows the pinned question; the report lists what is left', async () => {
    const { w, phones, display } = await qaRoom(['Ana', 'Ben', 'Chloé']);
    const [ana, ben, chloe] = phones as [ParticipantScreen, ParticipantScreen, ParticipantScreen];
    const a = await asked(ana, 'How do we keep allies when we change teams?');
    const b = await asked(ben, 'What if my ally changes team?');
    const spam = await asked(chloe, 'Buy my course!');
    const c = await asked(chloe, 'Where do I start on Monday?');
    await ben.conn.voteQuestion(a, true);
    await chloe.conn.voteQuestion(a, true);
    await chloe.conn.voteQuestion(b, true); // Chloé voted for both: after the merge she counts once
    await ana.conn.voteQuestion(b, true);

    expect(await w.console.conn.moderateQuestion({ type: 'hide', id: spam, hidden: true })).toMatchObject({ ok: true });
    expect(await w.console.conn.moderateQuestion({ type: 'merge', from: b, into: a })).toMatchObject({ ok: true });
    expect(await w.console.conn.moderateQuestion({ type: 'merge', from: a, into: b })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await w.console.conn.moderateQuestion({ type: 'answered', id: c, answered: true })).toMatchObject({ ok: true });
    expect(await w.console.conn.moderateQuestion({ type: 'pin', id: a })).toMatchObject({ ok: true });

    const merged = (s: Screen) => board(s)?.questions.find((q) => q.id === a);
    for (const s of [...phones, display]) {
      await s.conn.until(() => merged(s)?.votes === 3 && board(s)!.questions.length === 2 && board(s)!.pinned?.id === a, WAIT_MS);
    }
    expect(display.conn.state.questions!.pinned).toMatchObject({ text: 'How do we keep allies when we change teams?', votes: 3 });
    // the console still sees the hidden one, marked; phones and the display do not
    await w.console.conn.until(() => board(w.console)?.questions.find((q) => q.id === spam)?.hidden === true, WAIT_MS);
    expect(JSON.stringify(board(ana))).not.toContain('Buy my course');
    // Ben's question lives on in Ana's: his phone shows his vote there, a second vote there is refused as a repeat
    expect(merged(ben)?.from).toEqual([b]);
    await chloe.conn.voteQuestion(b, true);
    expect(board(chloe)!.questions.find((q) => q.id === a)?.votes).toBe(3);

    // a phone cannot vote for a hidden question
    expect(await ana.conn.voteQuestion(spam, true)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // unpin
    expect(await w.console.conn.moderateQuestion({ type: 'pin', id: null })).toMatchObject({ ok: true });
    await display.conn.until((s) => s.questions?.pinned === null, WAIT_MS);

    // The report: the two questions left, with votes and answered; the hidden one is not there.
    const get = (path: string) => fetch(`${w.server.url}/api/rooms/${w.roomId}/${path}`, { headers: { Authorization: `Bearer ${w.facilitatorToken}` } });
    const data = (await (await get('data.json')).json()) as SessionData;
    expect(data.questions?.tables[0]?.rows).toEqual([
      ['How do we keep allies when we change teams?', 3, 0],
      ['Where do I start on Monday?', 0, 1],
    ]);
    const md = await (await get('report.md')).text();
    expect(md).toContain('## Questions');
    expect(md).toContain('| How do we keep allies when we change teams? | 3 | no |');
    expect(md).not.toContain('Buy my course');
    expect(md).not.toContain('What if my ally changes team');

    // Removing takes the text out of the store, and the questions merged into it with it.
    expect(await w.console.conn.moderateQuestion({ type: 'remove', id: a })).toMatchObject({ ok: true });
    await ana.conn.until(() => board(ana)?.questions.length === 1, WAIT_MS);
    const stored = JSON.stringify(await redis.admin.sendCommand(['KEYS', `*${w.roomId}*`]));
    let values = '';
    for (const key of JSON.parse(stored) as string[]) if ((await redis.admin.type(key)) === 'hash') values += JSON.stringify(await redis.admin.hGetAll(key));
    expect(values).toContain('Where do I start on Monday?');
    expect(values).not.toContain('How do we keep allies');
    expect(values).not.toContain('What if my ally changes team');
  });

  it('only facilitators moderate, only participants ask, vote and withdraw (their own); questions off or the session over refuse', async () => {
    const { w, phones, display } = await qaRoom(['Ana', 'Ben']);
    const [ana, ben] = phones as [ParticipantScreen, ParticipantScreen];
    const q = await asked(ana, 'Is this anonymous?');
    const cohost = w.connect(w.cohostToken);
    await cohost.conn.until((s) => s.questions !== null, WAIT_MS);

    expect(await emitRaw(ben.conn, 'questions:moderate', { action: { type: 'pin', id: q } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitRaw(display.conn, 'questions:moderate', { action: { type: 'pin', id: q } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitRaw(w.console.conn, 'questions:ask', { submissionId: 'console-question', text: 'Me too?' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await emitRaw(display.conn, 'questions:vote', { id: q, up: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ben.conn.withdrawQuestion(q)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await cohost.conn.moderateQuestion({ type: 'answered', id: q, answered: true })).toMatchObject({ ok: true });

    // off: phones can no longer ask or vote; what was asked stays for the console
    expect(await w.console.conn.command({ type: 'questions', on: false })).toMatchObject({ ok: true });
    await ana.conn.until((s) => !s.stage?.questions, WAIT_MS);
    expect(await ana.conn.askQuestion('One more?')).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'Questions are off in this room.' } });
    expect(await ben.conn.voteQuestion(q, true)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await w.console.conn.until(() => board(w.console)?.questions.length === 1 && board(w.console)?.on === false, WAIT_MS);
    await w.console.conn.command({ type: 'questions', on: true });
    await w.console.conn.command({ type: 'close' });
    expect(await ana.conn.askQuestion('After the end?')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // the asker withdraws their own
    expect(await ana.conn.withdrawQuestion(q)).toMatchObject({ ok: true });
    expect(board(ana)?.questions).toEqual([]);
  });

  it('malformed messages are refused, naming the field, and nothing is saved', async () => {
    const { phones, w } = await qaRoom(['Ana']);
    const [ana] = phones as [ParticipantScreen];
    for (const [event, payload, field] of [
      ['questions:ask', { submissionId: 'x', text: 'Too short an id' }, 'submissionId'],
      ['questions:ask', { submissionId: 'question-1', text: 'x'.repeat(2000) }, 'text'],
      ['questions:ask', { submissionId: 'question-1' }, 'text'],
      ['questions:vote', { id: 'question-1', up: 'yes' }, 'up'],
      ['questions:withdraw', { id: '../../etc' }, 'id'],
      ['questions:list', { everything: true }, ''],
    ] as const) {
      const res = await emitRaw(ana.conn, event, payload);
      expect(res).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!res.ok) expect(res.error.message).toContain(field);
    }
    expect(await emitRaw(w.console.conn, 'questions:moderate', { action: { type: 'delete-all' } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // only spaces: nothing to ask
    expect(await ana.conn.askQuestion('   \u200b ')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'Type a question first.' } });
    expect((await ana.conn.questionsList()).ok && board(ana)?.questions).toEqual([]);
  });

  it('a person has at most a few questions at once, a retried question is saved once, and asking too fast is slowed down', async () => {
    const { phones } = await qaRoom(['Ana', 'Ben'], { QUESTION_ASKS_PER_MIN: 30 });
    const [ana, ben] = phones as [ParticipantScreen, ParticipantScreen];
    const first = await ana.conn.askQuestion('Question 1', 'question-one');
    expect(await ana.conn.askQuestion('Question 1', 'question-one')).toMatchObject({ ok: true, duplicate: true, id: 'question-one' });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    // someone else's id is not theirs to take
    expect(await ben.conn.askQuestion('Mine now', 'question-one')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    for (let i = 2; i <= QUESTIONS_PER_PERSON; i++) await asked(ana, `Question ${i}`);
    const over = await ana.conn.askQuestion('One too many');
    expect(over).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!over.ok) expect(over.error.message).toContain(`${QUESTIONS_PER_PERSON} questions`);
    expect(board(ana)?.questions).toHaveLength(QUESTIONS_PER_PERSON);

    // the ask budget: at 3 a minute (a burst of 1), a second question at once is slowed down
    const { phones: fast } = await qaRoom(['Eve'], { QUESTION_ASKS_PER_MIN: 3 });
    const eve = fast[0]!;
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await emitRaw(eve.conn, 'questions:ask', { submissionId: `eve-question-${i}`, text: `Eve ${i}` }));
    expect(answers[0]).toMatchObject({ ok: true });
    expect(answers[1]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('a second node and a reconnecting phone see the same questions; deleting one’s data or the room takes them', async () => {
    const { w, phones } = await qaRoom(['Ana', 'Ben']);
    const [ana, ben] = phones as [ParticipantScreen, ParticipantScreen];
    const q = await asked(ana, 'Will this be in the report?');
    await asked(ben, 'Who else is here from sales?');
    await ben.conn.voteQuestion(q, true);

    const other = await server({ REDIS_URL: redis.url });
    const { connectRoom } = await import('@canopy/client');
    const display2 = connectRoom({ url: other.url, roomId: w.roomId, token: w.displayToken });
    try {
      await display2.until((s) => s.questions?.questions.length === 2, WAIT_MS);
      // Ben's second device (his resume link) gets his marks from the store (a broadcast may bring the
      // room's board, without anyone's marks, before the welcome and his own board)
      const laptop = w.connect(ben.token);
      await laptop.conn.until((s) => (s.questions as Partial<MyQuestionsBoard> | null)?.voted?.includes(q) === true, WAIT_MS);

      // Ben deletes his data: his question goes, his vote is taken back — on the other node too
      expect(await ben.conn.forgetMe()).toMatchObject({ ok: true });
      await display2.until((s) => s.questions?.questions.length === 1 && s.questions.questions[0]!.votes === 0, WAIT_MS);

      expect(await w.console.conn.deleteRoom(w.code)).toMatchObject({ ok: true });
      const left = (await redis.admin.sendCommand(['KEYS', `*${w.roomId}*`])) as string[];
      expect(left).toEqual([]);
    } finally {
      display2.close();
    }
  });
});
