/**
 * Mental map (ally map). Each participant places the people around them on a radial map: four
 * directions (above, across, below, outside) × four rings of closeness (contact → colleague →
 * ally → core circle), with optional tags. Names are sensitive — they are about people who are not
 * in the room — so a label is ciphertext made in the participant's browser; the server only ever
 * sees its shape. Sector, ring and tags feed the room's live heatmap.
 */
import { z } from 'zod';
import { reduceEach, type ActivityModule, type Counters, type Outcome, type PresenterContext, type PreviewContext } from '../activity.js';
import { wholeNumber } from '../issues.js';
import { ofPeopleIn, paragraph, shareShown, type ActivityOutcomes, type OutcomesContext, type ReportBlock } from '../report.js';
import { baseLocale, m } from '@canopy/i18n';
import { say, type Locale } from '../say.js';

export const SECTORS = ['above', 'across', 'below', 'outside'] as const;
export const RINGS = ['contact', 'colleague', 'ally', 'core'] as const;
export const TAGS = ['trusted', 'influential', 'potential', 'uncontacted'] as const;
/**
 * Where a person stands in their organisation, chosen on their own map: someone new (or early in
 * their career) maps upward and across first; a seasoned leader looks below for talent others
 * overlook, and for people unlike themselves. It changes the prompts and insights they see, and
 * the room's heatmap can be split by it.
 */
export const LEVELS = ['newer', 'seasoned'] as const;
export type MapLevel = (typeof LEVELS)[number];
export const LEVEL_LABELS: Record<MapLevel, { name: string; hint: string }> = {
  newer: { name: 'New here or early in my career', hint: 'Map upward and across first.' },
  seasoned: { name: 'A seasoned leader', hint: 'Look below you for talent others overlook.' },
};
export type Sector = (typeof SECTORS)[number];
export type Ring = (typeof RINGS)[number];
export type Tag = (typeof TAGS)[number];

export const SECTOR_LABELS: Record<Sector, { name: string; hint: string }> = {
  above: { name: 'Above', hint: 'people senior to you' },
  across: { name: 'Across', hint: 'peers in other teams and functions' },
  below: { name: 'Below', hint: 'people you lead, rising talent' },
  outside: { name: 'Outside', hint: 'other organisations, former colleagues, clients' },
};
export const RING_LABELS: Record<Ring, { name: string; hint: string }> = {
  contact: { name: 'Contact', hint: 'you know each other' },
  colleague: { name: 'Colleague', hint: 'you work together' },
  ally: { name: 'Ally', hint: 'they back you, you back them' },
  core: { name: 'Core circle', hint: 'they would show up at 3 a.m.' },
};
export const TAG_LABELS: Record<Tag, string> = {
  trusted: 'Trusted',
  influential: 'Influential',
  potential: 'Potential ally',
  uncontacted: 'Not yet contacted',
};

/** AES-GCM output made in the browser: a 96-bit IV and the ciphertext with its tag, base64url. */
export const SealedLabelSchema = z.object({
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'must be a 12-byte IV in base64url'),
  ct: z.string().regex(/^[A-Za-z0-9_-]{22,700}$/, 'must be base64url ciphertext'),
});
export type SealedLabel = z.infer<typeof SealedLabelSchema>;

export const MapEntrySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{6,40}$/),
  label: SealedLabelSchema,
  sector: z.enum(SECTORS),
  ring: z.enum(RINGS),
  tags: z.array(z.enum(TAGS)).max(TAGS.length).default([]),
});
export type MapEntry = z.infer<typeof MapEntrySchema>;

export const MentalMapConfig = z.object({
  prompt: z.string().max(600).default('Who is around you at work? Place each person by direction and by how close you are.'),
  /** progress counts people who placed at least this many */
  target: wholeNumber(1, 30, 'the target (people to place)').default(5),
  /** a heatmap cell or share based on fewer than this many is not shown */
  minGroupSize: wholeNumber(1, 20, 'the minimum group size').default(3),
  maxEntries: z.number().int().min(1).max(60).default(40),
  /** ask each person where they stand (new or seasoned): their prompts and insights follow it, and the heatmap splits by it */
  askLevel: z.boolean().default(true),
  /** what each level is asked to look for (shown on the phone once a person has chosen) */
  levelPrompts: z
    .object({
      newer: z.string().max(600),
      seasoned: z.string().max(600),
    })
    .default({
      newer:
        'Start upward and across: which senior people and peers show, by what they say and do, that they raise talent and make room for different voices? They are your likeliest allies.',
      seasoned:
        'Look below you for potential nobody has noticed yet: people unlike you and the rest of the leadership, thoughtful but quiet when the pressure is on. Who should be considered for a bigger role?',
    }),
});
export type MentalMapConfig = z.infer<typeof MentalMapConfig>;

export const MentalMapInput = z.discriminatedUnion('op', [
  /** add a person, or replace them (move, relabel, retag): an upsert, so a replay changes nothing */
  z.object({ op: z.literal('put'), entry: MapEntrySchema }),
  z.object({ op: z.literal('remove'), id: z.string().max(40) }),
  /** where the person stands (null: not saying) */
  z.object({ op: z.literal('level'), level: z.enum(LEVELS).nullable() }),
]);
export type MentalMapInput = z.infer<typeof MentalMapInput>;

export interface MentalMapRecord {
  entries: MapEntry[];
  /** where the person says they stand; absent until they choose */
  level?: MapLevel | null;
}

const isAllyRing = (r: Ring) => r === 'ally' || r === 'core';

/** One participant's share of the room's counters. */
export function mapContribution(rec: MentalMapRecord, config: Pick<MentalMapConfig, 'target'>): Counters {
  const c: Counters = {};
  const inc = (k: string) => (c[k] = (c[k] ?? 0) + 1);
  for (const e of rec.entries) {
    inc(`cell:${e.sector}:${e.ring}`);
    for (const t of e.tags) inc(`tag:${t}`);
  }
  if (rec.entries.length > 0) c['people:mapping'] = 1;
  if (rec.entries.length >= config.target) c['people:target'] = 1;
  for (const s of SECTORS) if (rec.entries.some((e) => e.sector === s && isAllyRing(e.ring))) c[`people:ally:${s}`] = 1;
  c.entries = rec.entries.length;
  if (rec.level) {
    c[`level:${rec.level}:people`] = 1;
    for (const e of rec.entries) inc(`level:${rec.level}:cell:${e.sector}:${e.ring}`);
  }
  for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
  return c;
}

// --- personal insights -------------------------------------------------------------------------

export interface Insight {
  kind: 'no-ally' | 'core' | 'uncontacted' | 'potential' | 'lopsided' | 'start' | 'level';
  text: string;
  /** a commitment it suggests, in one tap: about someone on the map (or someone new), and what to do */
  suggest?: { entryId?: string; what: string };
}

/**
 * Prompts for action computed from the participant's own map (structure only; labels stay
 * encrypted), in `locale` (the server words them in English; a phone words them in its own language).
 */
export function mapInsights(rec: MentalMapRecord, locale: Locale = 'en'): Insight[] {
  const n = rec.entries.length;
  if (n === 0) return [{ kind: 'start', text: say('insight_start', locale) }, ...levelInsights(rec, locale)];
  const out: Insight[] = levelInsights(rec, locale);
  for (const s of SECTORS) {
    if (rec.entries.some((e) => e.sector === s && isAllyRing(e.ring))) continue;
    // the closest person in that direction is the one to grow into an ally (or someone new)
    const closest = rec.entries.filter((e) => e.sector === s).sort((a, b) => RINGS.indexOf(b.ring) - RINGS.indexOf(a.ring))[0];
    out.push({
      kind: 'no-ally',
      text: say(`insight_no_ally_${s}`, locale),
      suggest: { ...(closest ? { entryId: closest.id } : {}), what: say(`insight_step_${s}`, locale) },
    });
  }
  const core = rec.entries.filter((e) => e.ring === 'core').length;
  out.push({
    kind: 'core',
    text:
      core === 0
        ? say('insight_core_empty', locale)
        : core <= 4
          ? say('insight_core_few', locale, { count: core })
          : say('insight_core_many', locale, { count: core }),
  });
  const notContacted = rec.entries.filter((e) => e.tags.includes('uncontacted'));
  const uncontacted = notContacted.length;
  if (uncontacted > 0) {
    out.push({
      kind: 'uncontacted',
      text: say('insight_uncontacted', locale, { count: uncontacted }),
      suggest: { entryId: notContacted[0]!.id, what: say('insight_uncontacted_step', locale) },
    });
  }
  const potential = rec.entries.filter((e) => e.tags.includes('potential')).length;
  if (potential > 0) out.push({ kind: 'potential', text: say('insight_potential', locale, { count: potential }) });
  const bySector = SECTORS.map((s) => ({ s, k: rec.entries.filter((e) => e.sector === s).length })).sort((a, b) => b.k - a.k);
  const top = bySector[0];
  if (top && n >= 4 && top.k / n >= 0.7) out.push({ kind: 'lopsided', text: say(`insight_lopsided_${top.s}`, locale) });
  return out;
}

/** What someone new and a seasoned leader should look for, from the shape of their map. */
function levelInsights(rec: MentalMapRecord, locale: Locale): Insight[] {
  const inSector = (s: Sector) => rec.entries.filter((e) => e.sector === s);
  if (rec.level === 'newer') {
    const out: Insight[] = [];
    if (inSector('above').length < 2) out.push({ kind: 'level', text: say('insight_newer_above', locale) });
    if (inSector('across').length < 2) out.push({ kind: 'level', text: say('insight_newer_across', locale) });
    return out;
  }
  if (rec.level === 'seasoned') {
    const below = inSector('below');
    const out: Insight[] = [];
    if (!below.some((e) => e.tags.includes('potential'))) out.push({ kind: 'level', text: say('insight_seasoned_potential', locale) });
    out.push({ kind: 'level', text: say('insight_seasoned_unlike', locale) });
    return out;
  }
  return [];
}

/** The room's blind spot in words, in `locale`: "40% of you have no ally among peers." */
export function blindSpotText(spot: { sector: Sector; share: number }, locale: Locale = 'en'): string {
  return say(`map_blind_spot_${spot.sector}`, locale, { percent: Math.round((1 - spot.share) * 100) });
}

/** The map's directions, rings, tags and levels in `locale` (the English constants above are `mapLabels('en')`). */
export function mapLabels(locale: Locale): {
  sectors: Record<Sector, { name: string; hint: string }>;
  rings: Record<Ring, { name: string; hint: string }>;
  tags: Record<Tag, string>;
  levels: Record<MapLevel, { name: string; hint: string }>;
} {
  const named = <K extends string>(ids: readonly K[], kind: string) =>
    Object.fromEntries(ids.map((id) => [id, { name: say(`map_${kind}_${id}_name`, locale), hint: say(`map_${kind}_${id}_hint`, locale) }])) as Record<
      K,
      { name: string; hint: string }
    >;
  return {
    sectors: named(SECTORS, 'sector'),
    rings: named(RINGS, 'ring'),
    tags: Object.fromEntries(TAGS.map((t) => [t, say(`map_tag_${t}`, locale)])) as Record<Tag, string>,
    levels: named(LEVELS, 'level'),
  };
}

// --- the room's picture ------------------------------------------------------------------------

export interface MentalMapPresenterView {
  phase: string;
  /** false while collecting on the display: show progress, not the heatmap */
  revealed: boolean;
  participants: number;
  mapping: number;
  reachedTarget: number;
  target: number;
  minGroupSize: number;
  /** sector → ring → number of people placed there; null when fewer than minGroupSize */
  cells: Record<Sector, Record<Ring, number | null>> | null;
  /**
   * sector → share (0–1) of mapping participants with at least one ally there; null when too few
   * map, and a sector's share is null when it counts 1 to minGroupSize − 1 people (`shareShown`:
   * in a room of four, 25 % is one person)
   */
  allyShare: Record<Sector, number | null> | null;
  /** the direction where the fewest have an ally */
  blindSpot: { sector: Sector; share: number; text: string } | null;
  /**
   * the heatmap split by where people stand: a level's cells are shown only when at least
   * minGroupSize people of that level map, and each cell only from minGroupSize (null otherwise);
   * null while the heatmap is not revealed or the step does not ask for levels
   */
  byLevel: Array<{ level: MapLevel; people: number; cells: Record<Sector, Record<Ring, number | null>> | null }> | null;
}

export function mapPresenterView(ctx: PresenterContext<MentalMapConfig>): MentalMapPresenterView {
  const { counters: c, config } = ctx;
  const revealed = ctx.audience === 'console' || ctx.phase !== 'collect';
  const mapping = c['people:mapping'] ?? 0;
  const base = {
    phase: ctx.phase,
    revealed,
    participants: ctx.participants,
    mapping,
    reachedTarget: c['people:target'] ?? 0,
    target: config.target,
    minGroupSize: config.minGroupSize,
  };
  if (!revealed) return { ...base, cells: null, allyShare: null, blindSpot: null, byLevel: null };
  const k = config.minGroupSize;
  const cells = heatCells(c, '', k);
  const byLevel = config.askLevel
    ? LEVELS.map((level) => {
        const people = c[`level:${level}:people`] ?? 0;
        return { level, people, cells: people >= k ? heatCells(c, `level:${level}:`, k) : null };
      })
    : null;
  const enough = mapping >= k;
  if (!enough) return { ...base, cells, allyShare: null, blindSpot: null, byLevel };
  const allyShare = Object.fromEntries(
    SECTORS.map((s) => {
      const n = c[`people:ally:${s}`] ?? 0;
      return [s, shareShown(n, mapping, k) ? n / mapping : null];
    }),
  ) as Record<Sector, number | null>;
  const shown = SECTORS.filter((s) => allyShare[s] !== null);
  const worst = shown.sort((a, b) => allyShare[a]! - allyShare[b]!)[0];
  if (worst === undefined) return { ...base, cells, allyShare, blindSpot: null, byLevel };
  const blindSpot = { sector: worst, share: allyShare[worst]!, text: blindSpotText({ sector: worst, share: allyShare[worst]! }) };
  return { ...base, cells, allyShare, blindSpot, byLevel };
}

/** sector → ring → people placed there (counters under `prefix`), null below the minimum group size */
function heatCells(c: Counters, prefix: string, k: number): Record<Sector, Record<Ring, number | null>> {
  return Object.fromEntries(
    SECTORS.map((s) => [
      s,
      Object.fromEntries(
        RINGS.map((r) => {
          const n = c[`${prefix}cell:${s}:${r}`] ?? 0;
          return [r, n >= k ? n : null];
        }),
      ),
    ]),
  ) as Record<Sector, Record<Ring, number | null>>;
}

/**
 * The ally map in the report: the room's heatmap (cells below the minimum group size hidden, as on
 * the display), where allies are and the blind spot, tags. Counters only: no label, no ciphertext,
 * nobody's own map.
 */
export function mapOutcomes(ctx: OutcomesContext<MentalMapConfig>): ActivityOutcomes {
  const view = mapPresenterView({
    config: ctx.config,
    phase: ctx.phase ?? 'collect',
    audience: 'console',
    counters: ctx.counters,
    participants: ctx.participants,
  });
  const k = ctx.config.minGroupSize;
  const c = ctx.counters;
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const words = locale === baseLocale ? { sectors: SECTOR_LABELS, rings: RING_LABELS, tags: TAG_LABELS, levels: LEVEL_LABELS } : mapLabels(locale);
  const blocks: ReportBlock[] = [
    paragraph(
      m.server_report_map_summary({ people: ofPeopleIn(view.mapping, view.participants, locale), reached: view.reachedTarget, target: view.target }, opts),
    ),
  ];
  blocks.push({
    kind: 'heatmap',
    title: m.server_report_map_heatmap({}, opts),
    rows: SECTORS.map((s) => words.sectors[s].name),
    columns: RINGS.map((r) => words.rings[r].name),
    cells: SECTORS.map((s) => RINGS.map((r) => view.cells?.[s][r] ?? null)),
    note: m.server_report_map_cells_hidden({ k }, opts),
  });
  const shares = SECTORS.flatMap((s) => {
    const v = view.allyShare?.[s];
    return v === null || v === undefined ? [] : [{ label: words.sectors[s].name, value: Math.round(v * 100) }];
  });
  if (shares.length > 0) {
    blocks.push({ kind: 'bars', title: m.server_report_map_ally_share({}, opts), bars: shares, max: 100, unit: '%' });
  }
  if (shares.length < SECTORS.length) {
    blocks.push(
      paragraph(
        shares.length
          ? m.server_report_map_shares_hidden_some({ k, hidden: SECTORS.length - shares.length, all: SECTORS.length }, opts)
          : m.server_report_map_shares_hidden({ k }, opts),
      ),
    );
  }
  if (view.blindSpot) blocks.push(paragraph(m.server_report_map_blind_spot({ text: blindSpotText(view.blindSpot, locale) }, opts)));
  for (const l of view.byLevel ?? []) {
    if (!l.cells) continue;
    const cells = l.cells;
    blocks.push({
      kind: 'heatmap',
      title: m.server_report_map_level({ level: words.levels[l.level].name, count: l.people }, opts),
      rows: SECTORS.map((s) => words.sectors[s].name),
      columns: RINGS.map((r) => words.rings[r].name),
      cells: SECTORS.map((s) => RINGS.map((r) => cells[s][r])),
      note: m.server_report_map_level_note({ k }, opts),
    });
  }
  const tagged = TAGS.map((t) => ({ t, n: c[`tag:${t}`] ?? 0 }));
  if (tagged.some((x) => x.n >= k))
    blocks.push({
      kind: 'bars',
      title: m.server_report_map_tags({}, opts),
      bars: tagged.filter((x) => x.n >= k).map((x) => ({ label: words.tags[x.t], value: x.n })),
    });
  const rows = SECTORS.flatMap((s) => RINGS.map((r) => [s, r, view.cells?.[s][r] ?? null]));
  return {
    section: { title: ctx.step.title, blocks },
    tables: [
      { name: 'ally_map_cells', columns: ['sector', 'ring', 'people_placed'], rows },
      {
        name: 'ally_map_directions',
        columns: ['sector', 'share_with_ally'],
        rows: SECTORS.map((s) => {
          const v = view.allyShare?.[s];
          return [s, v === null || v === undefined ? null : Math.round(v * 1000) / 1000];
        }),
      },
    ],
  };
}

export interface MentalMapOwnView extends MentalMapRecord {
  insights: Insight[];
}

export function reduceMentalMap(rec: MentalMapRecord, input: MentalMapInput, config: Pick<MentalMapConfig, 'maxEntries'>): Outcome<MentalMapRecord> {
  if (input.op === 'level') return { ok: true, value: { ...rec, level: input.level } };
  if (input.op === 'remove') return { ok: true, value: { ...rec, entries: rec.entries.filter((e) => e.id !== input.id) } };
  const i = rec.entries.findIndex((e) => e.id === input.entry.id);
  if (i === -1 && rec.entries.length >= config.maxEntries) return { ok: false, error: `A map holds at most ${config.maxEntries} people.` };
  const entries = i === -1 ? [...rec.entries, input.entry] : rec.entries.map((e, j) => (j === i ? input.entry : e));
  return { ok: true, value: { ...rec, entries } };
}

export const mapOwnView = (rec: MentalMapRecord): MentalMapOwnView => ({ ...rec, insights: mapInsights(rec) });

/** The map as it will be once the pending changes are stored: the record is the view without its insights. */
export function previewMentalMap(view: MentalMapOwnView, pending: readonly MentalMapInput[], ctx: PreviewContext<MentalMapConfig>): MentalMapOwnView {
  const { insights: _insights, ...rec } = view;
  return mapOwnView(reduceEach<MentalMapRecord, MentalMapInput>(rec, pending, (r, input) => reduceMentalMap(r, input, ctx.config)));
}

export const mentalMap: ActivityModule<MentalMapConfig, MentalMapInput, MentalMapRecord, never, never, MentalMapConfig, MentalMapOwnView> = {
  type: 'mental-map',
  label: 'Ally map',
  configSchema: MentalMapConfig,
  defaultConfig: () => MentalMapConfig.parse({}),
  phases: ['collect', 'reveal', 'discuss'],
  // mapping, the reveal and the talk all run on the step's timer
  scheduleSeconds: () => 0,
  participantConfig: (config) => config,
  input: {
    schema: MentalMapInput,
    acceptIn: ['collect', 'reveal', 'discuss'],
    initial: () => ({ entries: [] }),
    reduce: (rec, input, { config }) => reduceMentalMap(rec, input, config),
    contribution: mapContribution,
    ownView: mapOwnView,
  },
  preview: previewMentalMap,
  presenterView: mapPresenterView,
  outcomes: mapOutcomes,
};
