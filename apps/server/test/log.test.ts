/**
 * The server's log: an operator who sets LOG_LEVEL=debug sees every request and message the server
 * handles; an error comes with its stack; and nothing a person typed (nicknames, titles, answers,
 * room codes, tokens) ever reaches the log, whatever the level.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenPromptParticipantView } from '@canopy/core';
import { startServer, type CanopyServer } from '../src/index.js';
import { CENSOR, createLogger, LOG_LEVELS, redactUrl, type LogLevel } from '../src/log.js';
import { testConfig, useWorkshops, WAIT_MS } from './support.js';

/** A logger writing into memory, and its lines parsed. */
function capture(level: LogLevel) {
  let text = '';
  const log = createLogger(level, { destination: { write: (s: string) => void (text += s) } });
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { level: string; msg: string; time: string; err?: { type: string; message: string; stack: string; cause?: { message: string } } },
      );
  return { log, lines, text: () => text };
}

describe('the log levels', () => {
  it('writes what each level lets through, as JSON lines with an ISO time', () => {
    const written = Object.fromEntries(
      LOG_LEVELS.map((level) => {
        const c = capture(level);
        c.log.debug('d');
        c.log.info('i');
        c.log.warn('w');
        c.log.error('e');
        return [level, c.lines().map((l) => `${l.level}:${l.msg}`)];
      }),
    );
    expect(written).toEqual({
      silent: [],
      error: ['error:e'],
      warn: ['warn:w', 'error:e'],
      info: ['info:i', 'warn:w', 'error:e'],
      debug: ['debug:d', 'info:i', 'warn:w', 'error:e'],
    });
    const line = capture('info');
    line.log.info('started', { port: 3000 });
    expect(line.lines()[0]).toMatchObject({ level: 'info', msg: 'started', port: 3000, pid: process.pid });
    expect(new Date(line.lines()[0]!.time).toISOString()).toBe(line.lines()[0]!.time);
  });

  it('the configuration accepts every level and refuses anything else', async () => {
    const { loadConfig } = await import('../src/config.js');
    for (const level of LOG_LEVELS) expect(loadConfig({ LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
});

describe('an error in the log', () => {
  it('keeps its type, message, stack and cause', () => {
    const c = capture('info');
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    c.log.error('push failed', new Error('could not read the step', { cause }), { room: 'r1' });
    const [line] = c.lines();
    expect(line).toMatchObject({ level: 'error', msg: 'push failed', room: 'r1', err: { type: 'Error', message: 'could not read the step' } });
    expect(line!.err!.stack).toContain('log.test.ts');
    expect(line!.err!.cause).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
  });

  it('leaves out whatever else an error carries (it may hold the input that caused it)', () => {
    const c = capture('info');
    c.log.error('handler submit failed', Object.assign(new Error('bad'), { input: { text: 'Léa’s secret answer' }, issues: ['Léa’s secret answer'] }));
    expect(c.text()).not.toContain('Léa');
    c.log.error('rejected', 'a plain string');
    expect(c.lines()[1]).toMatchObject({ err: { type: 'string', message: 'a plain string' } });
  });
});

describe('what a person typed never reaches the log', () => {
  it('redacts typed and secret fields at the top level and one level down, and the secrets in URLs', () => {
    const c = capture('debug');
    c.log.info('join', {
      room: 'r1',
      token: 'tok-secret',
      nickname: 'Léa',
      joinCode: 'K7FQ2MXD',
      participant: { id: 'p1', nickname: 'Zoë', department: 'Finance' },
      input: { text: 'my answer' },
      path: '/j/K7FQ2MXD',
      url: '/p/r1?token=tok-query#t=tok-frag&k=key-frag',
      referer: 'https://canopy.example/j/W3RTYUPA#seen',
    });
    const out = c.text();
    for (const secret of ['tok-secret', 'Léa', 'K7FQ2MXD', 'Zoë', 'Finance', 'my answer', 'tok-query', 'tok-frag', 'key-frag', 'W3RTYUPA', 'seen'])
      expect(out).not.toContain(secret);
    expect(c.lines()[0]).toMatchObject({
      room: 'r1',
      token: CENSOR,
      participant: { id: 'p1', nickname: CENSOR },
      path: `/j/${CENSOR}`,
      url: `/p/r1?token=${CENSOR}#t=${CENSOR}&k=${CENSOR}`,
    });
    // room ids stay: they name a room but open nothing
    expect(redactUrl('/c/r1')).toBe('/c/r1');
  });

  const { workshop } = useWorkshops();
  let server: CanopyServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('a whole session at debug level: every request and message is logged, none of what people typed', async () => {
    const c = capture('debug');
    server = await startServer(testConfig({ LOG_LEVEL: 'debug' }), c.log);
    const w = await workshop(server, {
      title: 'Canary workshop title',
      agenda: [{ id: 'ideas', type: 'open-prompt', title: 'Canary prompt', durationSec: 0, config: {} }],
    });
    const lea = await w.join('Canary Léa', { department: 'Canary department' });
    await w.console.conn.command({ type: 'next' });
    await lea.conn.until((s) => s.activity?.stepId === 'ideas', WAIT_MS);
    expect(await lea.conn.submit('ideas', { op: 'answer', id: 'a1', text: 'Canary answer text' })).toMatchObject({ ok: true });
    await lea.conn.until((s) => (s.activity?.data as OpenPromptParticipantView | undefined)?.answers.length === 1, WAIT_MS);
    // the join link as someone would open it (no web build here: a 404, logged all the same)
    await fetch(`${server.url}/j/${w.code}`);
    await fetch(`${server.url}/healthz`);
    lea.conn.close();

    const lines = c.lines();
    const debug = lines.filter((l) => l.level === 'debug').map((l) => l.msg);
    expect(debug).toEqual(expect.arrayContaining(['http request', 'socket connected', 'handled a message']));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request', method: 'GET', path: `/j/${CENSOR}`, status: 404 }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request', path: '/healthz', status: 200 }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'handled a message', event: 'submit', room: w.roomId, role: 'participant' }));

    const out = c.text();
    expect(out).not.toContain('Canary');
    for (const secret of [w.code, w.facilitatorToken, w.cohostToken, w.displayToken, lea.token]) expect(out).not.toContain(secret);
  });
});
