#!/usr/bin/env node
// Compiles the message catalogues (messages/<locale>/<area>.json) into typed message functions in
// src/paraglide (not in git). Runs after `pnpm install`, before the tests, and in the web build
// (through Vite); plain Node so it works from the root's postinstall. `--if-stale` skips the work
// when the output is newer than every catalogue and the settings.
import { compile } from '@inlang/paraglide-js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PROJECT = join(here, 'project.inlang');
export const OUTDIR = join(here, 'src/paraglide');
/** The locale comes from the caller: the web app sets it from the room or the device; the server passes it to each message. */
export const STRATEGY = ['globalVariable', 'baseLocale'];

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
/** messages/<locale>/<area>.json: one catalogue file per part of the product, so parts change without touching each other */
const sources = () => [
  join(PROJECT, 'settings.json'),
  ...readdirSync(join(here, 'messages')).flatMap((locale) => readdirSync(join(here, 'messages', locale)).map((f) => join(here, 'messages', locale, f))),
];

export async function compileCatalogues({ ifStale = false } = {}) {
  const built = mtime(join(OUTDIR, 'runtime.js'));
  if (ifStale && built > Math.max(...sources().map(mtime))) return false;
  await compile({ project: PROJECT, outdir: OUTDIR, strategy: STRATEGY, emitTsDeclarations: true, emitReadme: false });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await compileCatalogues({ ifStale: process.argv.includes('--if-stale') });
  // the inlang SDK leaves timers behind for half a minute after the work is done
  process.exit(0);
}
