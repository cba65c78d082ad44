/**
 * A whole workshop with every activity type, run through the real server by real Socket.IO
 * clients (`@canopy/client`): four people with accented, Chinese and emoji nicknames map their
 * allies (names sealed in their "browser" with their own key), rate themselves, answer and vote,
 * meet in partnership groups, pair up as worthy adversaries and write commitments (whom and what sealed).
 * Used by the server's outcome tests and by the facilitator's browser story; it knows nothing of
 * vitest or Playwright.
 */
import { connectRoom, createApi, importSealKey, newParticipantToken, newSealKey, randomId, seal, type RoomConnection } from '@canopy/client';
import type { FollowUpSettings, NewRoom, OpenPromptParticipantView } from '@canopy/core';
import type { Locale } from '@canopy/i18n';

const WAIT = 10_000;

export const EVERY_ACTIVITY_TITLE = 'Allies day — Zoë’s team 🌱';

export const EVERY_ACTIVITY_AGENDA: NewRoom['agenda'] = [
  {
    id: 'welcome',
    type: 'slide',
    title: 'Welcome',
    durationSec: 0,
    config: { body: 'Why allies matter, and how today works.' },
    notes: 'Facilitator only: start on time',
  },
  { id: 'map', type: 'mental-map', title: 'Your ally map', durationSec: 0, config: { minGroupSize: 3, target: 2 } },
  {
    id: 'self',
    type: 'self-assessment',
    title: 'How do you build allies?',
    durationSec: 0,
    config: {
      minGroupSize: 3,
      statements: [
        { id: 'help', text: 'I offer help before I am asked.' },
        { id: 'thanks', text: 'I thank people for small favours.' },
      ],
    },
  },
  {
    id: 'ideas',
    type: 'open-prompt',
    title: 'What makes a real ally?',
    durationSec: 0,
    config: { question: 'What makes someone a real ally at work?', votes: 2 },
  },
  { id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 1 } },
  {
    id: 'adv',
    type: 'adversaries',
    title: 'Worthy adversaries',
    durationSec: 0,
    config: { minGroupSize: 3, statements: [{ id: 'credit', text: 'People must know which results were yours.' }] },
  },
  { id: 'commit', type: 'commitments', title: 'Commitments', durationSec: 0, config: {} },
];

export const PEOPLE = [
  { nickname: 'Zoë Ångström', department: 'Sales', stance: 1, rerate: 3 },
  { nickname: 'José Núñez', department: 'Finance', stance: 7, rerate: 6 },
  { nickname: '陈静', department: 'Product', stance: 2, rerate: 2 },
  { nickname: 'Priya 🌱', department: 'Operations', stance: 6, rerate: 5 },
] as const;

/** The names people put on their maps and in their commitments (and what they will do): none may reach the facilitator. */
export const PRIVATE_LABELS = [
  'Hélène Dubois-Marchetti',
  'Kwame Mensah-Boateng',
  '王芳芳（前同事）',
  'Tomás Rivera 🎯',
  'Ingrid Solberg',
  'Obi Nwankwo-Eze',
  'Maëlle Fontaine',
  'Yusuf Demirtaş',
];

export const SHARED_TEXTS = {
  answers: ['Listens before pitching an idea', 'Shares credit in public', 'Tells you the hard truth kindly', 'Shows up when it counts'],
  note: 'Both teams want fewer surprises at launch — let’s share the roadmap',
  action: 'Share the release calendar every month',
  learned: 'Visibility can help the whole team, not just me',
};

/** What each person will do in their commitment: sealed like whom, private to them. */
export const PRIVATE_WHAT = 'Ask how the launch went';

export interface EveryActivitySession {
  url: string;
  roomId: string;
  code: string;
  facilitatorToken: string;
  cohostToken: string;
  displayToken: string;
  /** the participants' own bearer tokens, in PEOPLE order */
  participantTokens: string[];
  /** the participants' sealing keys as their resume links carry them (`k=`), in PEOPLE order */
  sealKeys: string[];
  /** the participants' ids, in PEOPLE order */
  participantIds: string[];
  /** every plain label and every ciphertext the participants' records hold */
  secrets: string[];
  close(): void;
}

async function ok<T extends { ok: boolean }>(p: Promise<T>, what: string): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(`${what}: ${JSON.stringify(res)}`);
  return res;
}

function ready(conn: RoomConnection) {
  return conn.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, WAIT);
}

export interface SessionHooks {
  /** the room is open and the four are in: e.g. someone joins from a real browser */
  lobby?(room: { roomId: string; code: string }): Promise<void>;
  /** the four have done this step; the facilitator moves on when it resolves */
  step?(stepId: string): Promise<void>;
  /** check-ins after the session (none by default) */
  followUp?: FollowUpSettings;
  /** the room's language (English by default) */
  language?: Locale;
  /** the room's questions on from the start (off by default) */
  questions?: boolean;
  /** the steps' titles by step id, e.g. in the room's language (EVERY_ACTIVITY_AGENDA's by default) */
  titles?: Record<string, string>;
}

/** Create the room, run every step with four people (and whoever the hooks bring), close the session. */
export async function runEveryActivitySession(url: string, hooks: SessionHooks = {}): Promise<EveryActivitySession> {
  const api = createApi(url);
  const created = await api.rooms.create.mutate({
    title: EVERY_ACTIVITY_TITLE,
    agenda: EVERY_ACTIVITY_AGENDA.map((s) => ({ ...s, title: hooks.titles?.[s.id] ?? s.title })),
    join: { askDepartment: true, askLevel: false, departments: [], levels: [], maxParticipants: 50 },
    ...(hooks.followUp ? { followUp: hooks.followUp } : {}),
    ...(hooks.language ? { language: hooks.language } : {}),
    ...(hooks.questions ? { questions: true } : {}),
  });
  const conns: RoomConnection[] = [];
  const facilitator = connectRoom({ url, roomId: created.roomId, token: created.facilitatorToken });
  conns.push(facilitator);
  await ready(facilitator);
  const people = [];
  for (const p of PEOPLE) {
    const token = newParticipantToken();
    const res = await api.rooms.join.mutate({ code: created.code, nickname: p.nickname, department: p.department, token, deviceId: randomId() });
    const conn = connectRoom({ url, roomId: created.roomId, token });
    conns.push(conn);
    await ready(conn);
    const encoded = await newSealKey();
    people.push({ ...p, id: res.participant.id, token, conn, encoded, key: await importSealKey(encoded) });
  }
  const secrets: string[] = [];
  const sealed = async (key: Awaited<ReturnType<typeof importSealKey>>, text: string) => {
    const s = await seal(key, text);
    secrets.push(text, s.ct);
    return s;
  };
  await hooks.lobby?.({ roomId: created.roomId, code: created.code });
  const command = (cmd: Parameters<RoomConnection['command']>[0]) => ok(facilitator.command(cmd), JSON.stringify(cmd));
  const submit = (conn: RoomConnection, step: string, input: unknown) => ok(conn.submit(step, input), `${step} ${JSON.stringify(input)}`);
  const act = (step: string, action: unknown) => ok(facilitator.act(step, action), `${step} ${JSON.stringify(action)}`);

  await command({ type: 'next' }); // welcome
  await command({ type: 'next' }); // ally map: everyone has an ally across, and one more person somewhere
  const more = [
    ['above', 'core'],
    ['below', 'colleague'],
    ['outside', 'contact'],
    ['above', 'ally'],
  ] as const;
  for (const [i, p] of people.entries()) {
    await submit(p.conn, 'map', {
      op: 'put',
      entry: { id: `peer-${i}-aaaa`, label: await sealed(p.key, PRIVATE_LABELS[i]!), sector: 'across', ring: 'ally', tags: ['trusted'] },
    });
    await submit(p.conn, 'map', {
      op: 'put',
      entry: { id: `more-${i}-aaaa`, label: await sealed(p.key, PRIVATE_LABELS[i + 4]!), sector: more[i]![0], ring: more[i]![1], tags: [] },
    });
  }
  await hooks.step?.('map');
  await command({ type: 'phase', phase: 'reveal' });

  await command({ type: 'next' }); // self-assessment
  for (const [i, p] of people.entries()) {
    await submit(p.conn, 'self', { op: 'rate', statementId: 'help', value: 3 + (i % 3) });
    await submit(p.conn, 'self', { op: 'rate', statementId: 'thanks', value: 5 - (i % 2) });
  }
  await command({ type: 'phase', phase: 'results' });

  await command({ type: 'next' }); // open prompt: answers, then votes
  for (const [i, p] of people.entries()) await submit(p.conn, 'ideas', { op: 'answer', id: `a${i}`, text: SHARED_TEXTS.answers[i]! });
  // the vote opens, then the ballot is made: the ballot's new revision brings every phone its view
  await command({ type: 'phase', phase: 'vote' });
  await act('ideas', { type: 'open-vote' });
  // "Shares credit in public" gets 3 votes, two others 2, the last 1
  const votesFor = [
    [1, 2],
    [2, 3],
    [1, 3],
    [1, 0],
  ];
  for (const [i, p] of people.entries()) {
    const snap = await p.conn.until((s) => ((s.activity?.data as OpenPromptParticipantView | undefined)?.ballot.length ?? 0) === 4, WAIT);
    const ballot = (snap.activity!.data as OpenPromptParticipantView).ballot;
    for (const a of votesFor[i]!) await submit(p.conn, 'ideas', { op: 'vote', entry: ballot.find((b) => b.text === SHARED_TEXTS.answers[a])!.id, count: 1 });
  }
  await command({ type: 'phase', phase: 'results' });

  await command({ type: 'next' }); // partnership: one round of pairs, notes and actions
  await act('meet', { type: 'start-round' });
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  for (const [i, p] of people.entries()) {
    if (i % 2 === 0) await submit(p.conn, 'meet', { op: 'add-note', promptId: 'purpose', id: `note-${i}-aaaa`, text: `${SHARED_TEXTS.note} (${i})` });
    else await submit(p.conn, 'meet', { op: 'put-action', id: `act-${i}-aaaa`, text: `${SHARED_TEXTS.action} (${i})`, owner: p.id, due });
  }
  await command({ type: 'phase', phase: 'wrap-up' });

  await command({ type: 'next' }); // worthy adversaries
  for (const p of people) await submit(p.conn, 'adv', { op: 'stance', statementId: 'credit', value: p.stance });
  await command({ type: 'phase', phase: 'pairing' });
  await act('adv', { type: 'pair', statementId: 'credit' });
  await command({ type: 'phase', phase: 'steelman' });
  for (const [i, p] of people.entries()) {
    await submit(p.conn, 'adv', { op: 'learned', text: `${SHARED_TEXTS.learned} (${i})` });
    await submit(p.conn, 'adv', { op: 'rerate', statementId: 'credit', value: p.rerate });
  }
  await command({ type: 'phase', phase: 'results' });

  await command({ type: 'next' }); // commitments: whom and what sealed
  for (const [i, p] of people.entries()) {
    const whom = ['Hana Dvořák', 'Kwame from Legal', '王老师（法务部）', 'Tomás 🎯 Ruiz'][i]!;
    await submit(p.conn, 'commit', {
      op: 'put',
      item: {
        id: `commit-${i}-aa`,
        whom: await sealed(p.key, whom),
        what: await sealed(p.key, `${PRIVATE_WHAT} (${i})`),
        start: due,
        cadence: i % 2 ? 'monthly' : 'biweekly',
      },
    });
  }
  await command({ type: 'close' });

  return {
    url,
    roomId: created.roomId,
    code: created.code,
    facilitatorToken: created.facilitatorToken,
    cohostToken: created.cohostToken,
    displayToken: created.displayToken,
    participantTokens: people.map((p) => p.token),
    sealKeys: people.map((p) => p.encoded),
    participantIds: people.map((p) => p.id),
    secrets,
    close: () => conns.forEach((c) => c.close()),
  };
}
