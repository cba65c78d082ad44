#!/usr/bin/env node
// The server as it ships: one JavaScript file, dist/main.js, bundled by esbuild from src/main.ts
// together with the workspace packages it imports (@canopy/*, which ship TypeScript sources).
// Every other package stays an ordinary `import` of node_modules, so production runs plain
// `node dist/main.js` on the production dependencies, without tsx or a TypeScript toolchain.
//
// `node apps/server/build.mjs` builds; `ensureServerBuild()` builds only when a source is newer.
// Plain Node: esbuild is loaded only when a build runs, so scripts/run.mjs can import this module
// before dependencies are installed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
export const SERVER_ENTRY = join(here, 'dist/main.js');

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
/** the newest modification time of anything under `p` */
export function newest(p) {
  if (!existsSync(p)) return 0;
  if (!statSync(p).isDirectory()) return mtime(p);
  let t = 0;
  for (const e of readdirSync(p, { withFileTypes: true })) if (e.name !== 'node_modules') t = Math.max(t, newest(join(p, e.name)));
  return t;
}

/** What the bundle is made of: the server's sources, every workspace package's sources, this script and the manifests. */
function sourcesTime() {
  const packages = join(root, 'packages');
  const pkgSources = existsSync(packages) ? readdirSync(packages).flatMap((d) => [join(packages, d, 'src'), join(packages, d, 'package.json')]) : [];
  return Math.max(...[join(here, 'src'), join(here, 'package.json'), join(here, 'build.mjs'), ...pkgSources].map(newest));
}

export function serverBuildIsFresh() {
  return mtime(SERVER_ENTRY) > sourcesTime();
}

/** The package a bare import names: `@scope/name/x` → `@scope/name`, `name/x` → `name`. */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

export async function buildServer() {
  const { build } = await import('esbuild');
  const started = performance.now();
  const result = await build({
    entryPoints: [join(here, 'src/main.ts')],
    outfile: SERVER_ENTRY,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [
      {
        name: 'workspace-inside-npm-outside',
        setup(b) {
          // bare imports: our workspace packages are bundled, everything else (node:*, npm) is imported at run time
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@canopy/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });

  // Every npm package the bundle imports must be a production dependency of the server, or the
  // production install (which has only those) would not have it.
  const deps = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies ?? {};
  const imported = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => packageOf(i.path)),
  );
  const missing = [...imported].filter((p) => !(p in deps));
  if (missing.length)
    throw new Error(
      `The server bundle imports ${missing.join(', ')}, which apps/server/package.json does not list in "dependencies": add ${missing.length > 1 ? 'them' : 'it'} there (catalog:).`,
    );
  // ...and the workspace packages are inside the bundle: as "dependencies" they would ship twice.
  const workspace = Object.keys(deps).filter((p) => p.startsWith('@canopy/'));
  if (workspace.length)
    throw new Error(
      `${workspace.join(', ')} ${workspace.length > 1 ? 'are' : 'is'} bundled into dist/main.js: list ${workspace.length > 1 ? 'them' : 'it'} under "devDependencies" of apps/server/package.json, not "dependencies".`,
    );

  // Written next to their final names, then renamed: a server started meanwhile never reads half a file.
  mkdirSync(dirname(SERVER_ENTRY), { recursive: true });
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return {
    ms: Math.round(performance.now() - started),
    bytes: result.outputFiles.find((f) => f.path === SERVER_ENTRY)?.contents.length ?? 0,
    imports: [...imported].sort(),
  };
}

export async function ensureServerBuild() {
  if (serverBuildIsFresh()) return null;
  return buildServer();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildServer();
  console.log(`› apps/server/dist/main.js: ${(r.bytes / 1024).toFixed(0)} KB in ${r.ms} ms (imports at run time: ${r.imports.join(', ')})`);
}
