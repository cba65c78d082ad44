#!/usr/bin/env node
// The languages check (part of `npm test`): fails when
//   1. a catalogue file in packages/i18n/messages/<locale>/ misses a key English has, has one English lacks, or a
//      translation uses other {placeholders} than English;
//   2. a web screen shows text that is not from the catalogues: text in Svelte markup, a static
//      `aria-label`/`title`/`placeholder`/`alt`/`label`, or a sentence-like string in a script or
//      in a markup expression (a capital letter, then words with spaces, as a person would read it).
// Text that is not words for people (a brand name, a unit, a test id) is listed in ALLOWED; a line
// with `i18n-ignore` in a comment is skipped, for strings a person never reads (log lines, errors
// for developers).
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { parse } = createRequire(join(root, 'apps/web/package.json'))('svelte/compiler');

const MESSAGES = join(root, 'packages/i18n/messages');
const SCREENS = join(root, 'apps/web/src');
/** Words that stay as they are in every language. */
const ALLOWED = new Set(['Canopy', 'CSV', 'PDF', 'JSON', 'SVG', 'PNG', 'ZIP', 'QR', 'OK', 'Markdown']);
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'placeholder',
  'alt',
  'label',
]);

const problems = [];

// --- 1. the catalogues have the same keys and placeholders --------------------------------------
// messages/<locale>/<area>.json: each area's file holds the same keys in every language
const readJson = (path) => {
  const { $schema: _, ...messages } = JSON.parse(readFileSync(path, 'utf8'));
  return messages;
};
const placeholders = (value) => {
  const found = new Set();
  const visit = (v) => {
    if (typeof v === 'string') for (const [, name] of v.matchAll(/\{([A-Za-z_][\w]*)\}/g)) found.add(name);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      // a message with variants: its declared inputs count, the matchers' own keys do not
      if (Array.isArray(v.declarations)) for (const d of v.declarations) if (d.startsWith('input ')) found.add(d.slice(6).trim());
      if (v.match) Object.values(v.match).forEach(visit);
    }
  };
  visit(value);
  return [...found].sort().join(',');
};
const locales = readdirSync(MESSAGES).filter((d) => statSync(join(MESSAGES, d)).isDirectory());
const areas = readdirSync(join(MESSAGES, 'en')).filter((f) => f.endsWith('.json'));
const english = {};
for (const area of areas) {
  const messages = readJson(join(MESSAGES, 'en', area));
  for (const key of Object.keys(messages)) if (key in english) problems.push(`messages/en/${area}: "${key}" is also in another file`);
  Object.assign(english, messages);
}
for (const locale of locales.filter((l) => l !== 'en')) {
  for (const area of areas) {
    const file = `messages/${locale}/${area}`;
    if (!existsSync(join(MESSAGES, locale, area))) {
      problems.push(`${file} is missing`);
      continue;
    }
    const source = readJson(join(MESSAGES, 'en', area));
    const other = readJson(join(MESSAGES, locale, area));
    for (const key of Object.keys(source)) {
      if (!(key in other)) problems.push(`${file} misses "${key}" (English: ${JSON.stringify(source[key]).slice(0, 80)})`);
      else if (placeholders(other[key]) !== placeholders(source[key]))
        problems.push(`${file} "${key}" uses {${placeholders(other[key])}} where English uses {${placeholders(source[key])}}`);
      else if (JSON.stringify(other[key]).trim() === '""') problems.push(`${file} "${key}" is empty`);
    }
    for (const key of Object.keys(other)) if (!(key in source)) problems.push(`${file} has "${key}", which English lacks there`);
  }
  for (const f of readdirSync(join(MESSAGES, locale))) if (!areas.includes(f)) problems.push(`messages/${locale}/${f} has no English counterpart`);
}

// --- 2. no text outside the catalogues on the screens -------------------------------------------
const words = (text) =>
  text
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 1 && !ALLOWED.has(w));
const SENTENCE = /^\p{Lu}[\p{L}’']*(\s+[\p{L}’',:;…—-]+)+[.…!?:]?$/u;

function ignoredLines(source) {
  const lines = new Set();
  source.split('\n').forEach((l, i) => l.includes('i18n-ignore') && lines.add(i + 1));
  return lines;
}

function walk(node, visit, parent) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit, parent));
  if (typeof node.type === 'string') visit(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'metadata') continue;
    if (value && typeof value === 'object') walk(value, visit, node);
  }
}

/** A string literal in a script that a person would read: not an import, a key, a log line or a thrown error. */
function scriptStrings(program, lineOf, found) {
  walk(program, (node, parent) => {
    let text;
    if (node.type === 'Literal' && typeof node.value === 'string') text = node.value;
    else if (node.type === 'TemplateLiteral') text = node.quasis.map((q) => q.value.cooked ?? '').join(' x ');
    else return;
    if (!parent) return;
    if (parent.type === 'ImportDeclaration' || parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportAllDeclaration') return;
    if (parent.type === 'Property' && parent.key === node) return;
    if (parent.type === 'NewExpression' && parent.callee?.name?.endsWith('Error')) return;
    if (parent.type === 'CallExpression' && parent.callee?.type === 'MemberExpression' && parent.callee.object?.name === 'console') return;
    if (parent.type === 'TSLiteralType') return;
    if (SENTENCE.test(text.trim()) && words(text).length >= 2) found.push([lineOf(node), text.trim()]);
  });
}

function svelteProblems(file) {
  const source = readFileSync(file, 'utf8');
  const ignored = ignoredLines(source);
  const lineAt = (offset) => source.slice(0, offset).split('\n').length;
  const found = [];
  let ast;
  try {
    ast = parse(source, { modern: true });
  } catch (e) {
    return [[0, `cannot parse: ${e.message}`]];
  }
  walk(ast.fragment, (node, parent) => {
    if (node.type === 'Text' && parent?.type === 'Fragment' && words(node.data).length > 0) found.push([lineAt(node.start), node.data.trim()]);
    if (node.type === 'Attribute' && TEXT_ATTRIBUTES.has(node.name) && Array.isArray(node.value)) {
      const text = node.value
        .filter((v) => v.type === 'Text')
        .map((v) => v.data)
        .join(' ');
      if (words(text).length > 0) found.push([lineAt(node.start), `${node.name}="${text.trim()}"`]);
    }
  });
  // sentences inside markup's own expressions: {done ? 'All set' : …}, attr={…}
  walk(ast.fragment, (node) => {
    if (node.type === 'ExpressionTag' && node.expression) scriptStrings({ type: 'Wrapper', expression: node.expression }, (n) => lineAt(n.start), found);
  });
  for (const script of [ast.instance, ast.module]) if (script) scriptStrings(script.content, (n) => lineAt(n.start), found);
  return found.filter(([line]) => !ignored.has(line));
}

function scriptProblems(file) {
  const source = readFileSync(file, 'utf8');
  const ignored = ignoredLines(source);
  const wrapped = `<script lang="ts">${source}</script>`;
  const offset = '<script lang="ts">'.length;
  const found = [];
  try {
    const ast = parse(wrapped, { modern: true });
    scriptStrings(ast.instance.content, (n) => source.slice(0, n.start - offset).split('\n').length, found);
  } catch (e) {
    return [[0, `cannot parse: ${e.message}`]];
  }
  return found.filter(([line]) => !ignored.has(line));
}

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (/\.svelte$|(?<!\.test|\.d)\.ts$/.test(name)) out.push(path);
  }
  return out;
}

for (const file of files(SCREENS)) {
  const name = relative(root, file);
  const found = file.endsWith('.svelte') ? svelteProblems(file) : scriptProblems(file);
  for (const [line, text] of found) problems.push(`${name}:${line} shows text outside the catalogues: ${JSON.stringify(text.slice(0, 80))}`);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n✗ languages: ${problems.length} problem(s)`);
  process.exitCode = 1;
} else {
  console.log(`✓ languages: ${locales.length} catalogues with ${Object.keys(english).length} messages each; no screen text outside them`);
}
