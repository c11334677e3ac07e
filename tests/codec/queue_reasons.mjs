// The web client words each queue entry's reason itself, in the page's language, from reason_code
// and the parts the server sends beside the English sentence (PROTOCOL.md 7.3, since 1.1). In
// English its words must be the server's `reason` to the letter. This runs the client's own
// function (client-web/js/words.js, queueReason) outside a browser on:
//   1. every queue entry of every server message codec_dump writes (tests/codec/codec_dump.cpp drives
//      a meeting through progressive, hybrid and fifo, moves, away people and every hand kind),
//      with the policy each audience holds from the meeting section;
//   2. sentences the server writes that the dump does not reach (3 min 0 s, 1 h 2 min, 0 s, many
//      turns), and entries of a 1.0 server (no parts: `reason` as sent);
// then, in Spanish and Arabic, that every entry gets words of that language with nothing missing.
// Run: node tests/codec/queue_reasons.mjs --client client-web --dump build/tests/codec_dump [--lang es]
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const client = resolve(arg('--client') || new URL('../../client-web', import.meta.url).pathname);
const dump = arg('--dump');
const lang = arg('--lang') || 'en';
if (!dump) {
  console.error('usage: queue_reasons.mjs --client DIR --dump PATH_TO_codec_dump [--lang en|es|ar]');
  process.exit(2);
}

// What i18n.js reads of a browser: the address (?lang=), the languages, the catalogues, the document.
globalThis.location = { search: `?lang=${lang}`, href: `http://localhost/?lang=${lang}` };
Object.defineProperty(globalThis, 'navigator', { value: { languages: [lang] }, configurable: true });
globalThis.document = { documentElement: { dataset: {}, lang: '', dir: '' }, querySelectorAll: () => [] };
globalThis.fetch = async (url) => {
  try {
    const text = readFileSync(join(client, url), 'utf8');
    return { ok: true, json: async () => JSON.parse(text) };
  } catch {
    return { ok: false, json: async () => null };
  }
};
const { queueReason } = await import(pathToFileURL(join(client, 'js/words.js')).href);

// Every queue entry the codec writes, with the policy its audience holds at that moment.
const entries = [];
const policy = {};  // now: the meeting's policy as last sent
for (const line of execFileSync(dump, { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n')) {
  if (!line.trim()) continue;
  const msg = JSON.parse(line);
  const view = msg.type === 'snapshot' ? msg.view : msg.type === 'update' ? msg : null;
  if (!view) continue;
  // The dump writes each change for every audience in turn; the queue is the same for all, and so
  // is the policy, so the last meeting section seen by anyone is what every audience holds.
  if (view.meeting && view.meeting.policy) policy.now = view.meeting.policy;
  if (!Array.isArray(view.queue)) continue;
  for (const e of view.queue) entries.push({ e, policy: policy.now || 'progressive' });
}
assert.ok(entries.length > 0, 'codec_dump wrote no queue entries');

const failures = [];
const seen = new Set();
const worded = (e, p) => {
  const text = queueReason(e, p);
  if (typeof text !== 'string' || !text) failures.push(`no words for ${JSON.stringify(e)}`);
  return text;
};

if (lang === 'en') {
  for (const { e, policy: p } of entries) {
    const text = worded(e, p);
    if (text !== e.reason) failures.push(`${JSON.stringify(e)} (policy ${p}):\n  client: ${JSON.stringify(text)}\n  server: ${JSON.stringify(e.reason)}`);
    seen.add(e.reason_code);
    if (e.away) seen.add('away');
    if (e.alternating) seen.add('alternating');
    if (e.turns > 0) seen.add('turns > 0');
    if (e.reason_code === 'clarifying_question' || e.reason_code === 'direct_reply') seen.add(`${e.reason_code} under ${p === 'fifo' ? 'fifo' : 'progressive or hybrid'}`);
  }
  // The dump must reach every case the client words, or this test proves less than it says.
  for (const c of ['moved_by_facilitator', 'point_of_process', 'clarifying_question', 'direct_reply', 'not_spoken_yet',
    'spoken_before', 'first_come', 'away', 'alternating', 'turns > 0', 'clarifying_question under progressive or hybrid',
    'direct_reply under progressive or hybrid', 'direct_reply under fifo', 'clarifying_question under fifo']) {
    if (!seen.has(c)) failures.push(`codec_dump wrote no queue entry with ${c}`);
  }

  // Sentences the server writes (server/core/speaking_queue.cpp reason_sentence, core/text.cpp
  // spoken_duration; tests/core/speaking_queue_test.cpp ReasonSentence) that the dump does not reach.
  const cases = [
    [{ reason_code: 'spoken_before', turns: 1, spoken_ms: 300 }, 'progressive', '1 turn so far, 0 s'],
    [{ reason_code: 'spoken_before', turns: 2, spoken_ms: 180_999 }, 'progressive', '2 turns so far, 3 min 0 s'],
    [{ reason_code: 'spoken_before', turns: 2, spoken_ms: 59_999 }, 'progressive', '2 turns so far, 59 s'],
    [{ reason_code: 'spoken_before', turns: 12, spoken_ms: 3_725_000, alternating: true, away: true }, 'hybrid',
      'in-room and remote take turns; 12 turns so far, 1 h 2 min (away: passed over until back)'],
    [{ reason_code: 'spoken_before', turns: 1234, spoken_ms: 36_000_000 }, 'progressive', '1234 turns so far, 10 h 0 min'],
    [{ reason_code: 'clarifying_question', turns: 0, alternating: true }, 'hybrid',
      'clarifying question goes before replies and new points; in-room and remote take turns; has not spoken yet'],
    [{ reason_code: 'direct_reply', turns: 3, spoken_ms: 45_500 }, 'progressive', 'direct reply goes before new points; 3 turns so far, 45 s'],
    [{ reason_code: 'direct_reply', away: true }, 'fifo', 'direct reply goes before new points; first come, first served (away: passed over until back)'],
    [{ reason_code: 'moved_by_facilitator', moved_reason: 'needs {braces} and 100% kept', away: true }, 'progressive',
      'moved by the facilitator: needs {braces} and 100% kept (away: passed over until back)'],
  ];
  for (const [e, p, want] of cases) {
    const text = worded({ kind: 'new_point', away: false, ...e, reason: want }, p);
    if (text !== want) failures.push(`${JSON.stringify(e)} (policy ${p}): client ${JSON.stringify(text)}, server ${JSON.stringify(want)}`);
  }
  // A 1.0 server sends no parts: the client shows its sentence as sent whenever it needs a part.
  const old = [
    [{ reason_code: 'moved_by_facilitator', reason: 'moved by the facilitator: x' }, 'progressive'],
    [{ reason_code: 'not_spoken_yet', reason: 'in-room and remote take turns; has not spoken yet' }, 'hybrid'],
    [{ reason_code: 'spoken_before', reason: '1 turn so far, 3 s' }, 'progressive'],
    [{ reason_code: 'clarifying_question', reason: 'clarifying question goes before replies and new points; has not spoken yet' }, 'progressive'],
    [{ reason_code: 'a_code_from_the_future', reason: 'a sentence' }, 'progressive'],
  ];
  for (const [e, p] of old) {
    const text = worded({ kind: 'new_point', away: false, ...e }, p);
    if (text !== e.reason) failures.push(`1.0 entry ${JSON.stringify(e)}: client ${JSON.stringify(text)}, want the sentence as sent`);
  }
} else {
  // Another language: words of its own for every entry, every key found, every placeholder filled.
  for (const { e, policy: p } of entries) {
    const text = worded(e, p);
    if (/common\.reason|\{(policy|history|reason|turns|duration|count)\}/.test(text)) failures.push(`${lang}: ${JSON.stringify(text)} for ${JSON.stringify(e)}`);
    if (text === e.reason) failures.push(`${lang}: English left for ${JSON.stringify(e)}`);
  }
}

if (failures.length) {
  console.error(failures.join('\n'));
  console.error(`\n${failures.length} problems (${lang}; ${entries.length} queue entries)`);
  process.exit(1);
}
console.log(`queue reasons ok (${lang}): ${entries.length} entries from codec_dump worded as the server does`);

// English runs the other languages too, each in a fresh process (i18n.js picks its language once).
if (lang === 'en') {
  let status = 0;
  for (const other of ['es', 'ar']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--client', client, '--dump', dump, '--lang', other], { stdio: 'inherit' });
    if (r.status !== 0) status = 1;
  }
  process.exit(status);
}
