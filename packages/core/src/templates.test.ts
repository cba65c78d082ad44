import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES, activities, type AnyActivity } from './activities/index.js';
import { BUILDING_ALLIES, BUILT_IN_TEMPLATES, checkTemplate, overrunningSteps, parseTemplate, SHORT_EXAMPLE, toTemplate } from './templates.js';

describe('agenda templates', () => {
  it('the built-in "Building allies" workshop is valid as shipped and runs about 90 minutes', () => {
    const res = checkTemplate(JSON.parse(JSON.stringify(BUILDING_ALLIES)));
    expect(res.ok).toBe(true);
    const minutes = BUILDING_ALLIES.agenda.reduce((m, s) => m + s.durationSec / 60, 0);
    expect(minutes).toBe(90);
    expect(BUILDING_ALLIES.agenda.map((s) => s.type)).toEqual([
      'slide',
      'open-prompt',
      'self-assessment',
      'mental-map',
      'slide',
      'partnership',
      'adversaries',
      'commitments',
      'slide',
    ]);
  });

  it('every built-in step leaves room for its activity’s own schedule (prompts × rounds, steelman turns, phases)', () => {
    expect(BUILT_IN_TEMPLATES).toContain(SHORT_EXAMPLE);
    for (const t of BUILT_IN_TEMPLATES) {
      expect(checkTemplate(JSON.parse(JSON.stringify(t))).ok).toBe(true);
      const over = overrunningSteps(t.agenda).map((o) => `${t.title}: ${o.step.title} needs ${o.needSec / 60} min, has ${o.step.durationSec / 60}`);
      expect(over).toEqual([]);
    }
  });

  it('every activity’s defaults fit the step the built-in workshop gives it', () => {
    const used = new Map(BUILDING_ALLIES.agenda.map((s) => [s.type, s]));
    for (const type of ACTIVITY_TYPES) {
      const mod: AnyActivity = activities[type];
      const own = mod.scheduleSeconds(mod.defaultConfig());
      expect(own, type).toBeGreaterThanOrEqual(0);
      const step = used.get(type);
      if (step) expect(own, `${type}: ${own / 60} min in a ${step.durationSec / 60}-minute step`).toBeLessThanOrEqual(step.durationSec);
    }
    // the partnership meetings: two rounds of five 3-minute questions, a minute to find your group each
    expect(activities.partnership!.scheduleSeconds(activities.partnership!.defaultConfig())).toBe(2 * (5 * 3 + 1) * 60);
    // the built-in workshop's own six questions (admire … who else) take as long: 2 × (15 + 1) minutes
    const partners = BUILDING_ALLIES.agenda.find((s) => s.type === 'partnership')!;
    expect(overrunningSteps([partners])).toEqual([]);
    expect(activities.partnership!.scheduleSeconds(activities.partnership!.configSchema.parse(partners.config))).toBe(32 * 60);
    // the worthy adversaries: four statements, pairing, a trio's four 3-minute turns, re-rating
    expect(activities.adversaries!.scheduleSeconds(activities.adversaries!.defaultConfig())).toBe((4 + 1 + 12 + 2) * 60);
    // … and a fifth statement of the facilitator's own still fits the built-in step
    const adv = BUILDING_ALLIES.agenda.find((s) => s.type === 'adversaries')!;
    const own = activities.adversaries!.configSchema.parse({
      statements: [...activities.adversaries!.configSchema.parse(adv.config).statements, { id: 'own', text: 'Our own assumption' }],
    });
    expect(overrunningSteps([{ ...adv, config: own }])).toEqual([]);
  });

  it('a step that cannot hold its activity’s schedule is found (the issue’s 40 minutes in a 25-minute step)', () => {
    const prompts = [4, 4, 4, 5, 3].map((minutes, i) => ({ id: `q${i}`, title: `Q${i}`, hint: '', minutes }));
    const over = overrunningSteps([{ id: 'p', type: 'partnership', title: 'Partners', durationSec: 25 * 60, config: { rounds: 2, prompts } }]);
    expect(over).toEqual([expect.objectContaining({ index: 0, needSec: 2 * 21 * 60 })]);
    expect(overrunningSteps([{ id: 'p', type: 'partnership', title: 'Partners', durationSec: 0, config: { rounds: 2, prompts } }])).toEqual([]); // no timer
  });

  it('the discussion slide does not promise a picture the display will not show', () => {
    // moving to a slide replaces the activity's picture on the display
    for (const t of BUILT_IN_TEMPLATES) for (const s of t.agenda.filter((x) => x.type === 'slide')) expect(s.notes).not.toMatch(/keep the \w+ on the display/i);
  });

  it('every built-in step ships a short script for the facilitator: what to say, and how long', () => {
    for (const t of BUILT_IN_TEMPLATES)
      for (const s of t.agenda) {
        expect(s.notes?.length ?? 0, `${t.title}: ${s.title}`).toBeGreaterThan(80);
        expect(s.notes?.length ?? 0, `${t.title}: ${s.title}`).toBeLessThan(700);
        expect(s.notes, `${t.title}: ${s.title} says how long`).toMatch(/\d+ minutes\.$/);
      }
  });

  it('a saved agenda keeps each step’s notes', () => {
    const saved = JSON.stringify(
      toTemplate({ title: 'T', agenda: [{ id: 'a', type: 'mental-map', title: 'Map', durationSec: 60, config: {}, notes: 'Read the blind spot aloud.' }] }),
    );
    const res = parseTemplate(saved);
    expect(res.ok && res.template.agenda[0]?.notes).toBe('Read the blind spot aloud.');
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
