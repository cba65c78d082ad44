#!/usr/bin/env node
// Print the bench's results (tests/load/results/latest.json or the file given) as the README's
// markdown table, with each target and whether it is met: `node tests/load/table.mjs [file]`;
// with `--readme` it also replaces the table in README.md's Performance section.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fmt = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US') : '—');
const ok = (met) => (met === undefined ? '—' : met ? 'met' : '**not met**');

/** @param {any} r the results JSON */
export function table(r) {
  const lines = [];
  lines.push(`Run ${r.date} on ${r.machine}${r.quick ? ' (**--quick**: one size, short stages)' : ''}.`, '');
  if (!r.fanout) {
    // --only without `core`: the parts that ran
    if (r.multinode) lines.push(`Two nodes (${r.multinode.participants}): fan-out p99 ${fmt(r.multinode.p99_ms)} ms.`, '');
    if (r.rooms) lines.push(...roomsTable(r.rooms), '');
    if (r.cluster) lines.push(...clusterTable(r.cluster));
    if (r.isolation) lines.push(...isolationTable(r.isolation));
    return lines.join('\n');
  }
  const big = [...r.fanout].sort((a, b) => b.participants - a.participants)[0];
  lines.push('| participants | fan-out p50 ms | p99 ms | last-recipient p99 ms | baseline p99 ms | ratio p99 | ready p99 ms |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of r.fanout)
    lines.push(
      `| ${f.participants.toLocaleString('en-US')} | ${fmt(f.p50_ms)} | ${fmt(f.p99_ms)} | ${fmt(f.last_p99_ms)} | ${fmt(f.baseline_p99_ms)} | ${fmt(f.ratio_p99, 2)} | ${fmt(f.ready_p99_ms)} |`,
    );
  lines.push('');
  const s = r.submissions;
  const m = r.multinode ?? {};
  const mem = r.memory.rss_bytes_per_participant;
  const rows = [
    [
      `fan-out, ${big.participants.toLocaleString('en-US')} in one room: last-recipient p99`,
      `${fmt(big.last_p99_ms)} ms`,
      '≤ 150 ms',
      big.participants >= 2000 ? ok(big.last_p99_ms <= 150) : '— (needs 2,000)',
    ],
    ['fan-out p99 ratio to bare Socket.IO', fmt(big.ratio_p99, 2), '≤ 1.1', big.participants >= 2000 ? ok(big.ratio_p99 <= 1.1) : '— (needs 2,000)'],
    [
      'acknowledged submissions/s (Redis), ack p99',
      s.acked_per_s > 0 || !s.ramp?.length
        ? `${fmt(s.acked_per_s, 0)} (p99 ${fmt(s.p99_ack_ms)} ms)`
        : `< ${fmt(s.ramp[0].offered_per_s, 0)} (at ${fmt(s.ramp[0].offered_per_s, 0)}/s: p99 ${fmt(s.ramp[0].p99_ack_ms)} ms)`,
      '≥ 10,000',
      ok(s.acked_per_s >= 10000),
    ],
    [
      '… ratio to bare Socket.IO ack echo',
      `${fmt(s.acked_per_s / s.baseline_acked_per_s, 2)} (baseline ${fmt(s.baseline_acked_per_s, 0)}/s)`,
      '≥ 0.5',
      ok(s.acked_per_s / s.baseline_acked_per_s >= 0.5),
    ],
    [
      'server CPU per acknowledged answer',
      r.cpu_per_answer_us
        ? `${fmt(r.cpu_per_answer_us.canopy, 0)} µs (× ${fmt(r.cpu_per_answer_us.ratio, 1)} of the echo's ${fmt(r.cpu_per_answer_us.echo, 0)} µs)`
        : '—',
      '—',
      undefined,
    ],
    [
      `server memory per participant (RSS at ${(r.memory.participants ?? big.participants).toLocaleString('en-US')}, 10 s after the last join)`,
      `${fmt(mem / 1024)} KB${r.memory.baseline_rss_bytes_per_participant ? ` (bare Socket.IO ${fmt(r.memory.baseline_rss_bytes_per_participant / 1024)} KB)` : ''}${
        r.memory.rss_bytes_per_participant_after_join !== undefined
          ? `; 2 s after it ${fmt(r.memory.rss_bytes_per_participant_after_join / 1024)} KB (bare ${fmt(r.memory.baseline_rss_bytes_per_participant_after_join / 1024)} KB)`
          : ''
      }`,
      '≤ 40 KB',
      ok(mem <= 40 * 1024),
    ],
    [
      'bytes per participant: step change',
      `${fmt(r.bytes.step_change, 0)}${
        r.bytes.step_change_by_type
          ? ` (${Object.entries(r.bytes.step_change_by_type)
              .map(([t, b]) => `${t} ${fmt(b, 0)}`)
              .join(', ')})`
          : ''
      }`,
      '≤ 300 each type',
      ok(Math.max(r.bytes.step_change, ...Object.values(r.bytes.step_change_by_type ?? {})) <= 300),
    ],
    ['bytes per participant: submission + echo', fmt(r.bytes.submission_echo, 0), '—', undefined],
    ['bytes per participant: full state on join', fmt(r.bytes.full_state_join, 0), 'join/reconnect only', undefined],
    [
      `two nodes (${m.participants ?? big.participants}): fan-out p99`,
      `${fmt(m.p99_ms)} ms (× ${fmt(m.ratio_to_single, 2)} of one node)`,
      '≤ 1.5 ×',
      m.ratio_to_single === undefined ? undefined : ok(m.ratio_to_single <= 1.5),
    ],
  ];
  lines.push('| measure | result | target | |', '|---|---:|---:|---|');
  for (const [a, b, c, d] of rows) lines.push(`| ${a} | ${b} | ${c} | ${d ?? '—'} |`);
  if (r.drivers) {
    lines.push('', '| store driver | acked/s | ack p99 ms | fan-out p99 ms |', '|---|---:|---:|---:|');
    for (const [name, d] of Object.entries(r.drivers))
      lines.push(`| ${name}${name === r.driver ? ' (default)' : ''} | ${fmt(d.acked_per_s, 0)} | ${fmt(d.p99_ack_ms)} | ${fmt(d.fanout_p99_ms)} |`);
  }
  if (r.rooms) lines.push('', ...roomsTable(r.rooms));
  if (r.cluster) lines.push('', ...clusterTable(r.cluster));
  if (r.isolation) lines.push('', ...isolationTable(r.isolation));
  if (r.generator)
    lines.push(
      '',
      `Load generator: CPU ≤ ${fmt(r.generator.cpu_pct_max, 0)} % of one core, event-loop delay p99 ≤ ${fmt(r.generator.eld_p99_ms_max)} ms (max ${fmt(r.generator.eld_max_ms)} ms).`,
    );
  return lines.join('\n');
}

/** Many rooms at once (`rooms` in the JSON) as lines of markdown. */
function roomsTable(x) {
  const out = [
    `Many rooms of ${x.people_per_room} (each moves on every ${fmt(x.step_every_ms / 1000)} s; people answer within ${fmt(x.burst_ms / 1000)} s):`,
    '',
    '| nodes | rooms | people | fan-out p50 / p99 ms | ack p50 / p99 ms | answers | failed | server CPU % |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const held = [];
  for (const [key, nodes] of [
    ['one_node', 1],
    ['two_nodes', 2],
  ]) {
    const n = x[key];
    if (!n) continue;
    held.push(`${nodes} node${nodes > 1 ? 's' : ''}: ${n.max_rooms_within_100ms}`);
    for (const l of n.levels)
      out.push(
        `| ${nodes} | ${l.rooms} | ${l.participants.toLocaleString('en-US')} | ${fmt(l.fanout_p50_ms)} / ${fmt(l.fanout_p99_ms)} | ${fmt(l.ack_p50_ms)} / ${fmt(l.ack_p99_ms)} | ${l.answers.toLocaleString('en-US')} | ${l.failed} | ${fmt(l.server_cpu_pct, 0)} |`,
      );
  }
  out.push('', `Most rooms held with fan-out and ack p99 ≤ 100 ms: ${held.join('; ')}.`);
  return out;
}

/** The Redis Cluster's measures (`cluster` in the JSON) as lines of markdown. */
function clusterTable(c) {
  const sub = (x) => `${fmt(x.acked_per_s, 0)}/s (p99 ${fmt(x.p99_ack_ms)} ms)`;
  return [
    `On a Redis Cluster (${c.masters} masters, ${c.replicas_per_master} replica each, ${c.participants.toLocaleString('en-US')} participants):`,
    '',
    '| cluster measure | result |',
    '|---|---:|',
    `| fan-out p99, one node | ${fmt(c.fanout.p99_ms)} ms${Number.isFinite(c.fanout.ratio_to_one_redis) ? ` (× ${fmt(c.fanout.ratio_to_one_redis, 2)} of one Redis)` : ''} |`,
    `| acknowledged submissions | ${sub(c.submissions)} |`,
    `| … acks waiting for a replica (REDIS_WAIT_REPLICAS=1) | ${sub(c.wait_replicas_1)} |`,
    ...(c.store_writes ?? []).flatMap((w) => [
      `| store alone, ${w.writers} writer${w.writers > 1 ? 's' : ''}: writes/s, p50 / p99 | ${fmt(w.no_wait.writes_per_s, 0)}/s, ${fmt(w.no_wait.p50_ms, 2)} / ${fmt(w.no_wait.p99_ms, 2)} ms |`,
      `| … with \`waitReplicas: 1\` | ${fmt(w.wait_replicas_1.writes_per_s, 0)}/s, ${fmt(w.wait_replicas_1.p50_ms, 2)} / ${fmt(w.wait_replicas_1.p99_ms, 2)} ms |`,
    ]),
    ...Object.entries(c.adapters_two_nodes).map(
      ([name, a]) => `| two nodes, ${name} adapter: fan-out p99 | ${fmt(a.p99_ms)} ms (last recipient ${fmt(a.last_p99_ms)} ms) |`,
    ),
  ];
}

/** The noisy neighbour (`isolation` in the JSON) as lines of markdown. */
function isolationTable(x) {
  const row = (name, key, ratio) =>
    `| ${name} | ${fmt(x.quiet[key])} ms | ${fmt(x.flooded[key])} ms | ${ratio === undefined ? '—' : `× ${fmt(ratio, 2)}`} | ${ratio === undefined ? '—' : ok(ratio <= 2)} |`;
  return [
    `A second room of ${x.phones} phones beside a room flooding every event at its limits (median of ${x.rounds} rounds' p95; ${x.failed.length} answers failed; server RSS ≤ ${fmt(x.server_rss_mb.max_during_flood, 0)} MB):`,
    '',
    '| second room, p95 | quiet | flooded | ratio | ≤ 2 × |',
    '|---|---:|---:|---:|---|',
    row('join to welcome', 'join_to_welcome_p95_ms', x.ratio.join_to_welcome),
    row('answer acknowledged', 'ack_p95_ms', x.ratio.ack),
    row('step change', 'step_change_p95_ms'),
  ];
}

const START = '<!-- bench:start (node tests/load/table.mjs FILE --readme rewrites this block) -->';
const END = '<!-- bench:end -->';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? new URL('./results/latest.json', import.meta.url);
  const text = table(JSON.parse(readFileSync(file, 'utf8')));
  console.log(text);
  if (args.includes('--readme')) {
    // put this table into the README's Performance section, between the markers
    const readme = new URL('../../README.md', import.meta.url);
    const old = readFileSync(readme, 'utf8');
    const a = old.indexOf(START);
    const b = old.indexOf(END);
    if (a < 0 || b < a) throw new Error('README.md has no bench block to replace');
    writeFileSync(readme, `${old.slice(0, a + START.length)}\n${text}\n${old.slice(b)}`);
    console.error('README.md updated');
  }
}
