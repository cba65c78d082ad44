import { describe, expect, it } from 'vitest';
import { BUILDING_ALLIES, checkTemplate, parseTemplate, toTemplate } from './templates.js';

describe('agenda templates', () => {
  it('the built-in "Building allies" workshop is valid as shipped and runs about 90 minutes', () => {
    const res = checkTemplate(JSON.parse(JSON.stringify(BUILDING_ALLIES)));
    expect(res.ok).toBe(true);
    const minutes = BUILDING_ALLIES.agenda.reduce((m, s) => m + s.durationSec / 60, 0);
    expect(minutes).toBeGreaterThanOrEqual(80);
    expect(minutes).toBeLessThanOrEqual(100);
    expect(BUILDING_ALLIES.agenda.map((s) => s.type)).toEqual([
      'slide',
      'self-assessment',
      'mental-map',
      'slide',
      'partnership',
      'adversaries',
      'commitments',
      'slide',
    ]);
  });

  it('a saved agenda loads back exactly, every activity setting filled in', () => {
    const saved = JSON.stringify(
      toTemplate({ title: 'Team day', agenda: [{ id: 'map', type: 'mental-map', title: 'Map', durationSec: 600, config: { target: 4 } }] }),
    );
    const res = parseTemplate(saved);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.template.agenda[0]?.config).toMatchObject({ target: 4, minGroupSize: 3 });
  });

  it('a bad file gets one clear reason, naming the step and the field', () => {
    const good = toTemplate({ title: 'T', agenda: [{ id: 'a', type: 'slide', title: 'One', durationSec: 0, config: {} }] });
    expect(parseTemplate('{"kind": "canopy.agenda", ')).toEqual({ ok: false, error: expect.stringMatching(/^This file is not valid JSON/) });
    expect(parseTemplate('[]')).toEqual({ ok: false, error: 'This is not a Canopy agenda template.' });
    expect(parseTemplate(JSON.stringify({ ...good, schemaVersion: 2 }))).toEqual({
      ok: false,
      error: 'This template has format version 2; this Canopy reads version 1.',
    });
    expect(parseTemplate(JSON.stringify({ ...good, agenda: [] }))).toEqual({ ok: false, error: 'agenda: the agenda has no steps' });
    expect(parseTemplate(JSON.stringify({ ...good, agenda: [good.agenda[0], { id: 'b', type: 'slide', title: '', durationSec: 0 }] }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^Step 2, title: /),
    });
    expect(
      parseTemplate(JSON.stringify({ ...good, agenda: [{ id: 'm', type: 'mental-map', title: 'Map', durationSec: 0, config: { target: 'five' } }] })),
    ).toEqual({
      ok: false,
      error: expect.stringMatching(/^Step 1 \(Map\): target — /),
    });
    expect(parseTemplate(JSON.stringify({ ...good, agenda: [{ id: 'x', type: 'karaoke', title: 'Sing', durationSec: 0, config: {} }] }))).toEqual({
      ok: false,
      error: 'Step 1: unknown activity type "karaoke"',
    });
  });
});
