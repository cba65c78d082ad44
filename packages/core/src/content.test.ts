import { describe, expect, it } from 'vitest';
import { locales, type Locale } from '@canopy/i18n';
import { ACTIVITY_TYPES, getActivity } from './activities/index.js';
import { ADVERSARY_SCALE } from './activities/adversaries.js';
import { CADENCE_LABELS } from './activities/commitments.js';
import {
  blindSpotText,
  LEVEL_LABELS,
  mapInsights,
  mapLabels,
  RING_LABELS,
  SECTOR_LABELS,
  TAG_LABELS,
  type MapEntry,
  type MentalMapRecord,
} from './activities/mental-map.js';
import { DEFAULT_THEMES } from './activities/self-assessment.js';
import { activityTexts, adversaryScale, cadenceLabels, defaultConfigIn, practiceNames } from './content.js';
import { builtInTemplates, BUILDING_ALLIES, checkTemplate, overrunningSteps, SHORT_EXAMPLE, type Template } from './templates.js';
import type { Step } from './room.js';

const OTHERS = locales.filter((l): l is Exclude<Locale, 'en'> => l !== 'en');
/** a word each language's workshop is sure to use, and one English word it must not */
const KNOWN: Record<Exclude<Locale, 'en'>, RegExp> = { es: /aliad/i, de: /Verbündete/, ar: /حليف|حلفاء/ };

/** every string a person reads in a step, with where it is: title, notes and the activity's config as it runs (defaults filled in) */
function texts(step: Step): Array<[where: string, text: string]> {
  const mod = getActivity(step.type)!;
  const config = mod.configSchema.parse(step.config);
  const out: Array<[string, string]> = [
    [`${step.id}.title`, step.title],
    [`${step.id}.notes`, step.notes ?? ''],
  ];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (!/\.id$/.test(path) && !/noStance$/.test(path)) out.push([path, v]);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(config, `${step.id}.config`);
  return out;
}

function templateTexts(t: Template): Map<string, string> {
  return new Map([['title', t.title], ['description', t.description], ...t.agenda.flatMap(texts)]);
}

describe('the built-in workshop in every language', () => {
  it('in English is exactly the workshop the activities and the tests have always known', () => {
    expect(builtInTemplates('en')).toEqual({ buildingAllies: BUILDING_ALLIES, shortExample: SHORT_EXAMPLE });
    expect(BUILDING_ALLIES.title).toBe('Building allies');
    expect(BUILDING_ALLIES.agenda[1]!.config).toEqual({ question: 'What makes someone an ally you would go to at 3 a.m.?', maxAnswersPerPerson: 3, votes: 3 });
  });

  for (const locale of OTHERS) {
    describe(locale, () => {
      const { buildingAllies, shortExample } = builtInTemplates(locale);
      const english = builtInTemplates('en');

      it('is valid step by step, runs as long as the English one, and keeps the same template and step ids', () => {
        for (const [t, en] of [
          [buildingAllies, english.buildingAllies],
          [shortExample, english.shortExample],
        ] as const) {
          const res = checkTemplate(JSON.parse(JSON.stringify(t)));
          expect(res.ok, res.ok ? '' : res.error).toBe(true);
          for (const s of t.agenda) expect(getActivity(s.type)!.configSchema.safeParse(s.config).success, `${locale}: ${s.id}`).toBe(true);
          expect(overrunningSteps(t.agenda)).toEqual([]);
          expect(t.agenda.map((s) => [s.id, s.type, s.durationSec])).toEqual(en.agenda.map((s) => [s.id, s.type, s.durationSec]));
          expect(t.join).toEqual(en.join);
        }
        // the partnership questions keep their ids and minutes: 32 minutes in every language
        const partners = buildingAllies.agenda.find((s) => s.type === 'partnership')!;
        expect(getActivity('partnership')!.scheduleSeconds(getActivity('partnership')!.configSchema.parse(partners.config))).toBe(32 * 60);
      });

      it('leaves no English in what people read: every title, note, slide, question, statement and hint is written in the language', () => {
        for (const [t, en] of [
          [buildingAllies, english.buildingAllies],
          [shortExample, english.shortExample],
        ] as const) {
          const ours = templateTexts(t);
          const theirs = templateTexts(en);
          expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
          for (const [where, text] of ours) {
            expect(text.trim(), `${locale} ${where}`).not.toBe('');
            expect(text, `${locale} ${where} is still English`).not.toBe(theirs.get(where));
            if (locale === 'ar') expect(text, `${where} in Arabic script`).toMatch(/[\u0600-\u06FF]/);
          }
        }
        expect(buildingAllies.title + buildingAllies.description).toMatch(KNOWN[locale]);
        expect(JSON.stringify(buildingAllies)).not.toMatch(/\b(the|you|your|and|people)\b/i);
      });

      it('gives every step a script for the facilitator that says how long it takes', () => {
        for (const t of [buildingAllies, shortExample])
          for (const s of t.agenda) {
            expect(s.notes?.length ?? 0, `${locale}: ${s.id}`).toBeGreaterThan(80);
            expect(s.notes?.length ?? 0, `${locale}: ${s.id}`).toBeLessThan(900);
            expect(s.notes, `${locale}: ${s.id}`).toMatch(/\d+ \S+\.$/);
          }
      });

      it('names the same five practices and keeps each statement in its practice', () => {
        const step = buildingAllies.agenda.find((s) => s.type === 'self-assessment')!;
        const config = getActivity('self-assessment')!.configSchema.parse(step.config) as { statements: Array<{ id: string; theme: string }> };
        const english = getActivity('self-assessment')!.defaultConfig() as { statements: Array<{ id: string; theme: string }> };
        const names = practiceNames(locale);
        const fromEnglish = Object.fromEntries(Object.entries(DEFAULT_THEMES).map(([id, name]) => [name, names[id as keyof typeof DEFAULT_THEMES]]));
        expect(config.statements.map((s) => [s.id, s.theme])).toEqual(english.statements.map((s) => [s.id, fromEnglish[s.theme]]));
        expect(new Set(config.statements.map((s) => s.theme)).size).toBe(5);
      });
    });
  }
});

describe('the activities’ default texts', () => {
  it('in English are the activities’ own defaults, word for word', () => {
    for (const type of ACTIVITY_TYPES) {
      const mod = getActivity(type)!;
      expect(mod.configSchema.parse(activityTexts(type, 'en')), type).toEqual(mod.defaultConfig());
      expect(defaultConfigIn(type, 'en')).toEqual(mod.defaultConfig());
    }
    expect(practiceNames('en')).toEqual(DEFAULT_THEMES);
    expect(cadenceLabels('en')).toEqual(CADENCE_LABELS);
    expect(adversaryScale('en')).toEqual([...ADVERSARY_SCALE]);
    expect(mapLabels('en')).toEqual({ sectors: SECTOR_LABELS, rings: RING_LABELS, tags: TAG_LABELS, levels: LEVEL_LABELS });
  });

  it('in every other language are complete, valid, and differ from English in every text', () => {
    for (const locale of OTHERS)
      for (const type of ACTIVITY_TYPES) {
        const mod = getActivity(type)!;
        const config = defaultConfigIn(type, locale);
        expect(mod.configSchema.safeParse(config).success, `${locale} ${type}`).toBe(true);
        const step = (c: unknown): Step => ({ id: type, type, title: '-', durationSec: 0, config: c as object });
        const ours = new Map(texts(step(config)));
        const en = new Map(texts(step(mod.defaultConfig())));
        for (const [where, text] of ours) if (text && where.includes('.config')) expect(text, `${locale} ${where}`).not.toBe(en.get(where));
      }
    for (const locale of OTHERS) {
      expect(Object.values(cadenceLabels(locale))).not.toEqual(Object.values(CADENCE_LABELS));
      expect(adversaryScale(locale)).toHaveLength(7);
    }
  });
});

describe('the ally map’s insights and blind spot in every language', () => {
  const person = (id: string, sector: MapEntry['sector'], ring: MapEntry['ring'], tags: MapEntry['tags'] = []): MapEntry => ({
    id,
    label: { iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAA' },
    sector,
    ring,
    tags,
  });
  const maps: MentalMapRecord[] = [
    { entries: [] },
    { entries: [], level: 'newer' },
    { entries: [person('a000001', 'above', 'core')] },
    { entries: [person('a000001', 'above', 'core'), person('a000002', 'above', 'core', ['uncontacted', 'potential'])], level: 'seasoned' },
    { entries: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => person(`${x}000001`, 'across', 'core', ['uncontacted', 'potential'])) },
    { entries: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].map((x) => person(`${x}000001`, 'below', 'contact', ['potential'])) },
  ];

  it('say the same things, with the same suggestions, in each language’s own words', () => {
    for (const rec of maps) {
      const en = mapInsights(rec, 'en');
      expect(en).toEqual(mapInsights(rec));
      for (const locale of OTHERS) {
        const ours = mapInsights(rec, locale);
        expect(ours.map((i) => [i.kind, i.suggest?.entryId])).toEqual(en.map((i) => [i.kind, i.suggest?.entryId]));
        ours.forEach((i, n) => {
          expect(i.text, `${locale} ${i.kind}`).not.toBe(en[n]!.text);
          if (i.suggest) expect(i.suggest.what).not.toBe(en[n]!.suggest!.what);
          if (locale === 'ar') expect(i.text).toMatch(/[\u0600-\u06FF]/);
        });
        // a count in the text is the map's own number, in the language's plural
        const core = ours.find((i) => i.kind === 'core')!;
        const n = rec.entries.filter((e) => e.ring === 'core').length;
        if (n >= 3) expect(core.text).toContain(String(n));
      }
    }
  });

  it('words the blind spot with its percentage', () => {
    expect(blindSpotText({ sector: 'across', share: 0.6 })).toBe('40% of you have no ally among peers.');
    expect(blindSpotText({ sector: 'across', share: 0.6 }, 'de')).toBe('40 % von euch haben keine Verbündeten auf gleicher Ebene.');
    expect(blindSpotText({ sector: 'outside', share: 0.25 }, 'es')).toContain('75');
    expect(blindSpotText({ sector: 'below', share: 0 }, 'ar')).toContain('100%');
  });
});
