// The web client's message catalogues (client-web/i18n/*.json) against the code that uses them.
// Fails, naming each key, when:
//   - the code uses a key that English lacks, or English has a key no page uses;
//   - a complete catalogue (@meta.complete, Spanish) lacks a key of English or has one English lacks;
//   - Arabic (incomplete) lacks a key used by the participant's pages (participant.html and every
//     module it loads, and the start and join pages, where a language is picked), or has a key
//     English lacks;
//   - a translation drops or invents a {placeholder}, or lacks a plural form its language needs
//     (Intl.PluralRules: Arabic needs zero, one, two, few, many and other);
//   - js/i18n.js's LANGUAGES disagree with the catalogues' @meta.complete (a page in a complete
//     language does not load English);
//   - the code computes a key (t(prefix + kind)): keys are written out in full so this test can
//     see them.
// Run: node tests/i18n/check-catalogues.mjs [--client client-web]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--client');
const client = resolve(at >= 0 ? args[at + 1] : new URL('../../client-web', import.meta.url).pathname);
const failures = [];
const fail = (text) => failures.push(text);

const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const isPlural = (v) => v && typeof v === 'object' && 'other' in v && Object.keys(v).every((k) => PLURAL_FORMS.has(k));

// key -> string or plural object, for every leaf (keys starting with "@" are notes, not words).
function leaves(node, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('@')) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' || isPlural(v)) out.set(key, v);
    else if (v && typeof v === 'object') leaves(v, key, out);
    else fail(`${key}: neither words nor a section`);
  }
  return out;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(js|html)$/.test(name)) out.push(path);
  }
  return out;
}

const KEY = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
function keysIn(path) {
  const text = readFileSync(path, 'utf8');
  const keys = new Set();
  for (const m of text.matchAll(/\bt\(\s*(['"`])([^'"`]*)\1/g)) keys.add(m[2]);
  for (const m of text.matchAll(/\bt\((?!\s*['"`])/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    fail(`${relative(client, path)}:${line}: t() with a key that is not written out`);
  }
  for (const m of text.matchAll(/\bt\(\s*`[^`]*\$\{/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    fail(`${relative(client, path)}:${line}: t() with a computed key`);
  }
  for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]*)"/g)) keys.add(m[1]);
  for (const key of keys) if (!KEY.test(key)) fail(`${relative(client, path)}: "${key}" is not a catalogue key`);
  return keys;
}

// The files a page loads: its HTML, its scripts, and every module they import (also dynamically).
function pageFiles(html) {
  const seen = new Set([html]);
  const queue = [];
  for (const m of readFileSync(html, 'utf8').matchAll(/<script[^>]*src="\/([^"?]+)/g)) queue.push(join(client, m[1]));
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g)) queue.push(resolve(dirname(file), m[1]));
    for (const m of text.matchAll(/import\s*\(\s*`(\.[^`$]*)\$\{[^}]*\}([^`]*)`/g)) {
      // import(`../panels/${name}.js`): every file that pattern can name.
      const dir = resolve(dirname(file), dirname(m[1] + 'x'));
      for (const name of readdirSync(dir)) if (name.endsWith(m[2])) queue.push(join(dir, name));
    }
  }
  return [...seen];
}

const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
const texts = (v) => (typeof v === 'string' ? [v] : Object.values(v));

const catalogues = {};
for (const name of readdirSync(join(client, 'i18n'))) {
  if (!name.endsWith('.json')) continue;
  const language = name.slice(0, -5);
  try {
    const json = JSON.parse(readFileSync(join(client, 'i18n', name), 'utf8'));
    catalogues[language] = { meta: json['@meta'] || {}, keys: leaves(json) };
  } catch (e) {
    fail(`i18n/${name}: ${e.message}`);
  }
}
const english = catalogues.en;
if (!english) fail('i18n/en.json is missing');

const used = new Map();  // key -> first file using it
for (const file of walk(client).filter((f) => !f.endsWith('/js/i18n.js'))) for (const key of keysIn(file)) if (!used.has(key)) used.set(key, relative(client, file));

if (english) {
  for (const [key, file] of used) if (!english.keys.has(key)) fail(`en: "${key}" (used in ${file}) is missing`);
  for (const key of english.keys.keys()) if (!used.has(key)) fail(`en: "${key}" is not used by any page`);
}

const participantKeys = new Set();
for (const page of ['participant.html', 'join.html', 'index.html']) {
  for (const file of pageFiles(join(client, page)).filter((f) => !f.endsWith('/js/i18n.js'))) for (const key of keysIn(file)) participantKeys.add(key);
}

for (const [language, { meta, keys }] of Object.entries(catalogues)) {
  if (language === 'en' || !english) continue;
  if (meta.language !== language) fail(`${language}: @meta.language says "${meta.language}"`);
  let forms;
  try { forms = new Intl.PluralRules(language).resolvedOptions().pluralCategories; } catch { forms = ['other']; }
  const needed = meta.complete ? [...english.keys.keys()] : [...participantKeys].filter((k) => english.keys.has(k));
  for (const key of needed) if (!keys.has(key)) fail(`${language}: "${key}" is missing`);
  for (const [key, value] of keys) {
    const base = english.keys.get(key);
    if (base === undefined) { fail(`${language}: "${key}" is not in English (renamed or removed?)`); continue; }
    if (isPlural(base) !== isPlural(value)) { fail(`${language}: "${key}" must ${isPlural(base) ? '' : 'not '}have plural forms`); continue; }
    if (isPlural(value)) {
      for (const form of forms) if (!(form in value) && !(form === 'many' && language === 'es')) fail(`${language}: "${key}" lacks the plural form "${form}"`);
    }
    const want = placeholders(texts(base).join(' '));
    for (const text of texts(value)) {
      for (const p of placeholders(text).split(',').filter(Boolean)) if (!want.split(',').includes(p)) fail(`${language}: "${key}" has {${p}}, which English does not`);
    }
    if (!isPlural(value) && placeholders(value) !== placeholders(base)) fail(`${language}: "${key}" has placeholders {${placeholders(value)}} but English has {${placeholders(base)}}`);
    if (typeof value === 'string' && !value.trim() && String(base).trim()) fail(`${language}: "${key}" is empty`);
  }
}

// The page trusts i18n.js's LANGUAGES[..].complete to skip loading English: it must say what the
// catalogue's @meta says (and every catalogue must be offered there).
const offered = new Map([...readFileSync(join(client, 'js', 'i18n.js'), 'utf8')
  .matchAll(/^\s+(\w+): \{ name: '[^']*', dir: '(?:ltr|rtl)', complete: (true|false) \},$/gm)].map((m) => [m[1], m[2] === 'true']));
for (const [language, { meta }] of Object.entries(catalogues)) {
  if (!offered.has(language)) fail(`js/i18n.js LANGUAGES does not offer "${language}"`);
  else if (offered.get(language) !== !!meta.complete) fail(`js/i18n.js says ${language} is ${offered.get(language) ? '' : 'not '}complete; its @meta says otherwise`);
}
for (const language of offered.keys()) if (!catalogues[language]) fail(`js/i18n.js offers "${language}", which has no catalogue`);

const summary = Object.entries(catalogues).map(([l, c]) => `${l} ${c.keys.size}`).join(', ');
if (failures.length) {
  console.error(failures.join('\n'));
  console.error(`\n${failures.length} problems (catalogues: ${summary}; ${used.size} keys used; ${participantKeys.size} on the participant's pages)`);
  process.exit(1);
}
console.log(`catalogues ok: ${summary}; ${used.size} keys used, ${participantKeys.size} on the participant's pages`);
