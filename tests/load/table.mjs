#!/usr/bin/env node
// Print the bench's results (tests/load/results/latest.json or the file given) as the README's
// markdown table, with each target and whether it is met: `node tests/load/table.mjs [file]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fmt = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US') : '—');
const ok = (met) => (met === undefined ? '—' : met ? 'met' : '**not met**');

/** @param {any} r the results JSON */
export function table(r) {
  const big = [...r.fanout].sort((a, b) => b.participants - a.participants)[0];
  const lines = [];
  lines.push(`Run ${r.date} on ${r.machine}${r.quick ? ' (**--quick**: one size, short stages)' : ''}.`, '');
  lines.push('| participants | fan-out p50 ms | p99 ms | last-recipient p99 ms | baseline p99 ms | ratio p99 | ready p99 ms |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of r.fanout) lines.push(`| ${f.participants.toLocaleString('en-US')} | ${fmt(f.p50_ms)} | ${fmt(f.p99_ms)} | ${fmt(f.last_p99_ms)} | ${fmt(f.baseline_p99_ms)} | ${fmt(f.ratio_p99, 2)} | ${fmt(f.ready_p99_ms)} |`);
  lines.push('');
  const s = r.submissions;
  const m = r.multinode;
  const mem = r.memory.rss_bytes_per_participant;
  const rows = [
    [`fan-out, ${big.participants.toLocaleString('en-US')} in one room: last-recipient p99`, `${fmt(big.last_p99_ms)} ms`, '≤ 150 ms', big.participants >= 2000 ? ok(big.last_p99_ms <= 150) : '— (needs 2,000)'],
    ['fan-out p99 ratio to bare Socket.IO', fmt(big.ratio_p99, 2), '≤ 1.25', big.participants >= 2000 ? ok(big.ratio_p99 <= 1.25) : '— (needs 2,000)'],
    ['acknowledged submissions/s (Redis), ack p99', s.acked_per_s > 0 || !s.ramp?.length ? `${fmt(s.acked_per_s, 0)} (p99 ${fmt(s.p99_ack_ms)} ms)` : `< ${fmt(s.ramp[0].offered_per_s, 0)} (at ${fmt(s.ramp[0].offered_per_s, 0)}/s: p99 ${fmt(s.ramp[0].p99_ack_ms)} ms)`, '≥ 10,000', ok(s.acked_per_s >= 10000)],
    ['… ratio to bare Socket.IO ack echo', `${fmt(s.acked_per_s / s.baseline_acked_per_s, 2)} (baseline ${fmt(s.baseline_acked_per_s, 0)}/s)`, '≥ 0.5', ok(s.acked_per_s / s.baseline_acked_per_s >= 0.5)],
    ['server memory per participant', `${fmt(mem / 1024)} KB`, '≤ 50 KB', ok(mem <= 50 * 1024)],
    ['bytes per participant: step change', fmt(r.bytes.step_change, 0), '≤ 300', ok(r.bytes.step_change <= 300)],
    ['bytes per participant: submission + echo', fmt(r.bytes.submission_echo, 0), '—', undefined],
    ['bytes per participant: full state on join', fmt(r.bytes.full_state_join, 0), 'join/reconnect only', undefined],
    [`two nodes (${m.participants ?? big.participants}): fan-out p99`, `${fmt(m.p99_ms)} ms (× ${fmt(m.ratio_to_single, 2)} of one node)`, '≤ 1.5 ×', ok(m.ratio_to_single <= 1.5)],
  ];
  lines.push('| measure | result | target | |', '|---|---:|---:|---|');
  for (const [a, b, c, d] of rows) lines.push(`| ${a} | ${b} | ${c} | ${d ?? '—'} |`);
  if (r.drivers) {
    lines.push('', '| store driver | acked/s | ack p99 ms | fan-out p99 ms |', '|---|---:|---:|---:|');
    for (const [name, d] of Object.entries(r.drivers)) lines.push(`| ${name}${name === r.driver ? ' (default)' : ''} | ${fmt(d.acked_per_s, 0)} | ${fmt(d.p99_ack_ms)} | ${fmt(d.fanout_p99_ms)} |`);
  }
  if (r.generator) lines.push('', `Load generator: CPU ≤ ${fmt(r.generator.cpu_pct_max, 0)} % of one core, event-loop delay p99 ≤ ${fmt(r.generator.eld_p99_ms_max)} ms (max ${fmt(r.generator.eld_max_ms)} ms).`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? new URL('./results/latest.json', import.meta.url);
  console.log(table(JSON.parse(readFileSync(file, 'utf8'))));
}
