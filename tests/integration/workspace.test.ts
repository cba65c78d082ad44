/**
 * The workspace's packages depend on each other without a cycle (pnpm warns about one on every
 * install): the SDK gets the API's types from @canopy/api, never from the server, while the
 * server's tests may use the SDK.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function workspace(): Map<string, string[]> {
  const dirs = [...['apps', 'packages'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p))), join(root, 'tests')];
  const manifests = dirs.filter((d) => existsSync(join(d, 'package.json'))).map((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as Manifest);
  const names = new Set(manifests.map((m) => m.name));
  return new Map(manifests.map((m) => [m.name, Object.keys({ ...m.dependencies, ...m.devDependencies }).filter((n) => names.has(n))]));
}

/** A path that leaves a package and comes back to it, if any. */
function cycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return null;
    for (const dep of graph.get(name) ?? []) {
      const found = visit(dep, [...path, name]);
      if (found) return found;
    }
    done.add(name);
    return null;
  };
  for (const name of graph.keys()) {
    const found = visit(name, []);
    if (found) return found;
  }
  return null;
}

describe('the workspace', () => {
  it('has no dependency cycle between its packages', () => {
    const graph = workspace();
    expect(graph.get('@canopy/client')).toContain('@canopy/api');
    expect(graph.get('@canopy/client')).not.toContain('@canopy/server');
    expect(cycle(graph)).toBeNull();
  });

  it('would notice one', () => {
    const graph = workspace();
    graph.set('@canopy/client', [...(graph.get('@canopy/client') ?? []), '@canopy/server']);
    expect(cycle(graph)).toEqual(expect.arrayContaining(['@canopy/server', '@canopy/client']));
  });
});
