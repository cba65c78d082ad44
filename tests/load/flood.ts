/**
 * The noisy neighbour's own process: `node --import tsx tests/load/flood.ts URL`, driven over
 * stdin ("go", "pause", "sent", "stop"), reporting JSON lines on stdout (see isolation.ts).
 */
import { createInterface } from 'node:readline';
import { runFlood } from './isolation.js';

const url = process.argv[2];
if (!url) throw new Error('usage: flood.ts SERVER_URL');
runFlood(url, (line) => process.stdout.write(JSON.stringify(line) + '\n'), createInterface({ input: process.stdin })).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
