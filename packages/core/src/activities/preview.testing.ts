/**
 * Test support for every activity's `preview` (used by the activities' tests only): a small model
 * of what the server does with one participant's submissions — choose the record (`scope`), check
 * the phase, reduce, store; a refused submission changes nothing — and of the view it sends back
 * (`participantView` or `ownView` over the stored records, through JSON as on the wire). The
 * property each activity checks: the phone's preview of its pending inputs, from the view it has,
 * is the view the server sends once those inputs are stored.
 */
import { ownScope } from '../activity.js';
import { activities, previewParticipantView, type ActivityType, type AnyActivity, type ConfigOf, type ParticipantViewOf } from './index.js';

export interface Situation<T extends ActivityType> {
  type: T;
  config: ConfigOf<T>;
  phase: string;
  participantId: string;
  /** the step's shared state (groups, pairs, the ballot…) */
  shared?: unknown;
  /** what is stored, by scope (absent scopes are the module's `initial`) */
  records: Record<string, unknown>;
  now: number;
}

const json = <V>(v: V): V => JSON.parse(JSON.stringify(v)) as V;

/** The records after the server has taken `inputs` from this participant, one submission at a time. */
export function submitted<T extends ActivityType>(s: Situation<T>, inputs: readonly unknown[]): Record<string, unknown> {
  const mod: AnyActivity = activities[s.type];
  const spec = mod.input;
  const records = { ...s.records };
  if (!spec) return records;
  for (const raw of inputs) {
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success || !spec.acceptIn.includes(s.phase)) continue;
    const input: unknown = parsed.data;
    let scope = ownScope(s.participantId);
    if (spec.scope) {
      const chosen = spec.scope(input, { config: s.config, participantId: s.participantId, shared: s.shared });
      if (!chosen.ok) continue;
      scope = chosen.value;
    }
    const prev = records[scope] ?? spec.initial(scope);
    const next = spec.reduce(prev, input, {
      config: s.config,
      phase: s.phase,
      now: s.now,
      participantId: s.participantId,
      shared: s.shared,
    });
    if (next.ok) records[scope] = json(next.value);
  }
  return records;
}

/** The view the server sends this participant with these records stored (as it arrives on the phone). */
export function serverView<T extends ActivityType>(s: Situation<T>, records: Record<string, unknown>): ParticipantViewOf<T> {
  const mod: AnyActivity = activities[s.type];
  const spec = mod.input;
  const own = records[ownScope(s.participantId)] ?? spec?.initial(ownScope(s.participantId));
  if (mod.participantView) {
    const scopes = mod.readScopes ? mod.readScopes(s.participantId, s.shared, s.config) : [];
    const scoped = Object.fromEntries(scopes.map((scope) => [scope, records[scope] ?? spec?.initial(scope)]));
    return json(mod.participantView({ config: s.config, phase: s.phase, participantId: s.participantId, own: own, scoped, shared: s.shared }));
  }
  return json(spec?.ownView ? spec.ownView(own) : own);
}

/** What the phone shows (its preview of `pending` over the view it has) and what the server sends once they are stored. */
export function previewAndStored<T extends ActivityType>(s: Situation<T>, pending: readonly unknown[]): { preview: unknown; stored: unknown } {
  const mod: AnyActivity = activities[s.type];
  const before = serverView(s, s.records);
  const preview = previewParticipantView(s.type, before, json(pending), {
    config: json(mod.participantConfig(s.config)),
    phase: s.phase,
    now: s.now,
    participantId: s.participantId,
  });
  return { preview, stored: serverView(s, submitted(s, pending)) };
}
