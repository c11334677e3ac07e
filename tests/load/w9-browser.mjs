#!/usr/bin/env node
// W9: how heavy the browser pages are in big meetings (tests/load/README.md, "W9"; run-w9.sh runs it).
//
//   node tests/load/w9-browser.mjs --server PATH --evload PATH --static-dir DIR
//        [--sizes=300,1000,5000] [--pages=console,participant,display] [--together] [--runs=1]
//        [--window=10] [--warmup=2] [--rate=10] [--throttle=4] [--live-timeout=90]
//        [--catchup-timeout=60] [--max-seconds=1500] [--raw=FILE] [--log-dir=DIR] [--profile=DIR] [--smoke]
//
// For each size N and each page (with --together: the three pages at once) it starts the real
// server on a free loopback port with a fresh data folder, creates a meeting (POST /api/meetings)
// and joins the page's person with the client's own joining.js (facilitator key, participant,
// room display). evload then joins N clients (W6) and is paused (SIGSTOP, in its W5 settle: its N
// connections stay open) while the page opens in Debian's Chromium, unthrottled, from its stored
// token: live_ms is the time from navigation to the page's first complete draw of the meeting.
// Then the page's CPU is throttled (--throttle, DevTools Emulation.setCPUThrottlingRate), evload
// resumes and runs W1 (client 0 raises and lowers its hand, --rate updates a second), and after
// --warmup seconds a --window of seconds is measured:
//   - each "update" message's synchronous handling (JSON parse, model, render) timed by a wrapper
//     around the page's WebSocket onmessage handler: p50, p95, max of those started in the window;
//   - main-thread time from DevTools Performance.getMetrics (TaskDuration; ScriptDuration,
//     LayoutDuration, RecalcStyleDuration) over the window: per update handled, and busy %;
//   - long tasks (PerformanceObserver 'longtask') that started in the window, and the longest;
//   - the elements in the document at the window's end; once the page is quiet again (after the
//     in-step check) and garbage is collected, all DOM nodes (DevTools Memory.getDOMCounters) and
//     the JS heap in use (Runtime.getHeapUsage).
// Once W1 has ended (evload: every update at every one of its clients), the page must be in step
// with the server within --catchup-timeout (unthrottled): it received every update, without a gap,
// up to the last seq of the meeting's event log (`everyvoice export-events`), its queue shows
// client 0 exactly when W1 ended with the hand up, and its people count is the meeting's.
// Prints a table and one RESULT line per page:
//   RESULT scenario=W9 run=1 page=console people=1000 ... p50_ms=.. p95_ms=.. max_ms=.. mean_total_ms=.. ...
// --profile=DIR: a CPU profile of each page over the window (DevTools Profiler, sampled every
// 100 µs), written to DIR/w9-<size>-<page>.cpuprofile (open in Chromium's DevTools) and summed:
// the 12 functions with the most self time are printed.
// --smoke: 300 people, the three pages together, a 3 s window; passes when every page is in step,
// evload lost nothing and no page had a script error. It asserts no time. Exit: 0 good, 1 a page
// not in step (or a loss, or a script error), 2 usage, 3 set-up failed or --max-seconds reached.
// Loopback only: the server listens on 127.0.0.1, the pages and evload connect to it, nothing else.
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PAGES = ['console', 'participant', 'display'];

// --- options ---
function usage(msg) {
  if (msg) console.error(`w9: ${msg}`);
  console.error(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(2, 7).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(2);
}
const opt = {
  server: '', evload: '', staticDir: '', sizes: [300, 1000, 5000], pages: PAGES, together: false,
  window: 10, warmup: 2, rate: 10, throttle: 4, liveTimeout: 90, catchupTimeout: 60, maxSeconds: 1500,
  runs: 1, raw: '', logDir: '', profile: '', smoke: false, chromium: process.env.EVERYVOICE_CHROMIUM || '/usr/bin/chromium',
};
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    let [k, v] = args[i].split(/=(.*)/s, 2);
    const takes = ['--server', '--evload', '--static-dir', '--sizes', '--pages', '--window', '--warmup', '--rate',
      '--throttle', '--runs', '--live-timeout', '--catchup-timeout', '--max-seconds', '--raw', '--log-dir', '--chromium', '--profile'];
    if (v === undefined && takes.includes(k)) v = args[++i];
    const n = (lo, hi) => { const x = Number(v); if (!Number.isFinite(x) || x < lo || x > hi) usage(`${k} must be a number from ${lo} to ${hi}`); return x; };
    switch (k) {
      case '--server': opt.server = resolve(v); break;
      case '--evload': opt.evload = resolve(v); break;
      case '--static-dir': opt.staticDir = resolve(v); break;
      case '--sizes': opt.sizes = v.split(',').filter(Boolean).map((s) => { const x = Number(s); if (!Number.isInteger(x) || x < 1 || x > 9000) usage(`bad size ${s}`); return x; }); break;
      case '--pages': opt.pages = v.split(',').filter(Boolean); if (opt.pages.some((p) => !PAGES.includes(p))) usage(`--pages: ${PAGES.join(', ')}`); break;
      case '--together': opt.together = true; break;
      case '--window': opt.window = n(1, 120); break;
      case '--warmup': opt.warmup = n(0, 60); break;
      case '--rate': opt.rate = n(0.1, 100); break;
      case '--throttle': opt.throttle = n(1, 20); break;
      case '--runs': opt.runs = n(1, 20); break;
      case '--live-timeout': opt.liveTimeout = n(1, 600); break;
      case '--catchup-timeout': opt.catchupTimeout = n(1, 600); break;
      case '--max-seconds': opt.maxSeconds = n(10, 7200); break;
      case '--raw': opt.raw = resolve(v); break;
      case '--log-dir': opt.logDir = resolve(v); break;
      case '--chromium': opt.chromium = v; break;
      case '--profile': opt.profile = resolve(v); break;
      case '--smoke': opt.smoke = true; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${args[i]}`);
    }
  }
  if (opt.smoke) Object.assign(opt, { sizes: [300], together: true, window: 3, warmup: 1, catchupTimeout: 30 });
  for (const [name, path] of [['--server', opt.server], ['--evload', opt.evload], ['--chromium', opt.chromium]]) {
    if (!path || !existsSync(path)) usage(`${name}: no such file: '${path}'`);
  }
  if (!opt.staticDir || !existsSync(join(opt.staticDir, 'facilitator.html'))) usage(`--static-dir: not the client folder: '${opt.staticDir}'`);
}

// playwright-core comes from tests/e2e's node_modules (npm ci there; never a downloaded browser).
const requireE2e = createRequire(join(here, '..', 'e2e', 'package.json'));
let chromium;
try {
  const mod = await import(requireE2e.resolve('playwright-core'));
  chromium = mod.chromium || mod.default.chromium;
} catch (e) {
  console.error(`w9: playwright-core is missing: run npm ci in ${join(here, '..', 'e2e')} (${e.message})`);
  process.exit(3);
}

// --- the bounds: one deadline for the whole run; everything started here is stopped on exit ---
const started = Date.now();
const deadline = started + opt.maxSeconds * 1000;
const children = new Set();
let browser = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const left = () => deadline - Date.now();
class Deadline extends Error {}
function checkDeadline(what) { if (left() <= 0) throw new Deadline(`--max-seconds (${opt.maxSeconds}) reached ${what}`); }
// A promise with a time limit: rejects with `what` after ms (never past the deadline).
function within(ms, promise, what) {
  let timer;
  const limit = Math.max(1, Math.min(ms, left()));
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(limit / 1000)} s`)), limit); })])
    .finally(() => clearTimeout(timer));
}
function killAll() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGCONT'); } catch { /* gone */ }
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
}
process.on('exit', killAll);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { killAll(); process.exit(3); });
const hardStop = setTimeout(() => {
  console.error(`w9: --max-seconds (${opt.maxSeconds}) reached; stopping`);
  killAll();
  process.exit(3);
}, opt.maxSeconds * 1000 + 15000);
hardStop.unref();

const logDir = opt.logDir || mkdtempSync(join(tmpdir(), 'w9-logs-'));
mkdirSync(logDir, { recursive: true });
const say = (...a) => console.log(...a);

// --- the server and evload ---
const SERVER_FLAGS = ['--address=127.0.0.1', '--port=0', '--log-level=warn', '--threads=1',
  '--connections-per-ip=20000', '--participants-per-meeting=10000', '--commands-per-second=100000',
  '--command-burst=100000', '--meeting-creates-per-minute=100000',
  // evload is paused while the pages open: its connections must not be pinged out, and nobody is
  // marked away while the meeting is checked (no presence updates after the load stops).
  '--idle-timeout-seconds=3600', '--away-grace-seconds=3600'];

function track(child, logFile) {
  children.add(child);
  child.exited = new Promise((r) => child.once('exit', (code, signal) => { children.delete(child); r(code ?? signal); }));
  if (logFile) {
    for (const s of [child.stdout, child.stderr]) s?.on('data', (d) => appendFileSync(logFile, d));
  }
  return child;
}

async function startServer(dir, label) {
  const portFile = join(dir, 'port');
  const proc = track(spawn(opt.server, [...SERVER_FLAGS, `--port-file=${portFile}`, `--data-dir=${join(dir, 'data')}`,
    `--static-dir=${opt.staticDir}`], { stdio: ['ignore', 'pipe', 'pipe'] }), join(logDir, `${label}.server.log`));
  for (let i = 0; i < 200; i++) {
    let port = '';
    try { port = readFileSync(portFile, 'utf8').trim(); } catch { /* not yet */ }
    if (port) {
      const base = `http://127.0.0.1:${Number(port)}`;
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { proc, base, dir };
    }
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`the server did not start (log: ${join(logDir, `${label}.server.log`)})`);
}

async function stopProc(proc, signal = 'SIGTERM') {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  try { process.kill(proc.pid, 'SIGCONT'); } catch { /* gone */ }
  proc.kill(signal);
  const how = await Promise.race([proc.exited, sleep(10000).then(() => 'timeout')]);
  if (how === 'timeout') { proc.kill('SIGKILL'); await proc.exited; }
}

// evload's stdout, line by line, with a way to wait for a line.
function lineWatcher(proc) {
  const lines = [];
  const waiters = [];
  let buf = '';
  proc.stdout.on('data', (d) => {
    buf += d;
    let at;
    while ((at = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
    }
  });
  return {
    lines,
    wait(re, ms, what) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return within(ms, Promise.race([
        new Promise((r) => waiters.push({ test: (l) => re.test(l), resolve: r })),
        proc.exited.then((code) => { throw new Error(`evload exited (${code}) before ${what}`); }),
      ]), what);
    },
  };
}

const resultFields = (line) => Object.fromEntries(line.split(/\s+/).slice(1).filter((x) => x.includes('=')).map((x) => x.split(/=(.*)/s, 2)));

// The meeting's last event seq, from its event log (the server's own export; one meeting per data
// folder here, so its id is 1).
function lastSeq(dir) {
  return new Promise((res, rej) => {
    execFile(opt.server, ['export-events', '1', `--data-dir=${join(dir, 'data')}`], { maxBuffer: 256 << 20, timeout: 30000 }, (err, out) => {
      if (err) return rej(new Error(`export-events: ${err.message}`));
      const lines = out.trim().split('\n');
      const last = JSON.parse(lines[lines.length - 1]);
      res(last.seq);
    });
  });
}

// --- the pages ---
const DEVICES = {
  console: { viewport: { width: 1280, height: 860 } },
  participant: { viewport: { width: 375, height: 740 }, hasTouch: true },
  display: { viewport: { width: 1280, height: 720 } },
};
const PATHS = { console: 'facilitator', participant: 'participant', display: 'display' };

// Runs in every page before its own scripts: times each WebSocket message's handling, notes the
// last seq, watches long tasks, and marks the first complete draw of the meeting ("live").
function instrument(cfg) {
  if (window.__w9) return;
  const MAX = 200000;  // records kept (bounded)
  const W = { msgs: [], handled: 0, lastSeq: 0, gaps: 0, liveAt: 0, pending: false, longtasks: [], cur: 0, snapshots: 0 };
  window.__w9 = W;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (W.longtasks.length < MAX) W.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no long task timing */ }
  const $ = (s) => document.querySelector(s);
  const text = (s) => ($(s) ? $(s).textContent : '');
  const liveConn = () => $('#conn') && $('#conn').dataset.state === 'live';
  // The page's first complete draw: set by its render, which runs once the snapshot is in.
  const drawn = {
    // Counts may be written with group separators ("People (1,001)").
    console: () => liveConn() && $('#console') && !$('#console').hidden && /^People \([\d,.\s\u202f]+\)$/.test(text('#people-h')),
    participant: () => liveConn() && text('#me-name') !== '' && text('#people-count') !== '0',
    display: () => liveConn() && text('#meeting-title') === cfg.title,
  }[cfg.kind];
  // The message's type and seq come from the page's own JSON.parse of it (no second parse).
  const KINDS = { update: 0, snapshot: 1, figures: 2 };
  const parse = JSON.parse;
  let want = null;
  let got = null;
  JSON.parse = function w9Parse(text, reviver) {
    const v = parse.call(this, text, reviver);
    if (want !== null && text === want) { got = v; want = null; }
    return v;
  };
  function after(t0, t1) {
    const msg = got && typeof got === 'object' ? got : {};
    want = got = null;
    const kind = msg.type in KINDS ? KINDS[msg.type] : 3;
    if (kind <= 1 && typeof msg.seq === 'number') {
      // An update's seq follows the last one seen (here every event goes to every page); a
      // snapshot (the first one, or a resync after the server dropped updates) covers all before it.
      if (kind === 0 && W.lastSeq > 0 && msg.seq > W.lastSeq + 1) W.gaps += msg.seq - W.lastSeq - 1;
      W.lastSeq = Math.max(W.lastSeq, msg.seq);
      if (kind === 0) W.handled++; else W.snapshots++;
    }
    if (W.msgs.length < MAX) W.msgs.push([t0, t1 - t0, kind]);
    if (!W.liveAt && !W.pending && drawn && drawn()) {
      W.pending = true;
      // After the frame that shows it: a task queued from the next animation frame.
      requestAnimationFrame(() => setTimeout(() => { W.liveAt = performance.now(); }, 0));
    }
  }
  const wrap = (fn) => function w9Handler(e) {
    want = typeof e.data === 'string' ? e.data : null;
    got = null;
    const t0 = performance.now();
    W.cur = t0;
    try { return fn.call(this, e); } finally { W.cur = 0; after(t0, performance.now()); }
  };
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true, enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(fn) { desc.set.call(this, typeof fn === 'function' ? wrap(fn) : fn); },
  });
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, fn, ...rest) {
    return add.call(this, type, type === 'message' && typeof fn === 'function' ? wrap(fn) : fn, ...rest);
  };
}

// In the page: what happened between two wall-clock times (ms since the epoch).
function readWindow([from, to]) {
  const W = window.__w9;
  const a = from - performance.timeOrigin;
  const b = to - performance.timeOrigin;
  const upd = W.msgs.filter(([t, , k]) => k === 0 && t >= a && t < b).map(([, d]) => d);
  const other = W.msgs.filter(([t, , k]) => k >= 2 && t >= a && t < b).map(([, d]) => d);
  const lt = W.longtasks.filter(([t]) => t >= a && t < b).map(([, d]) => d);
  const ltAfterLive = W.longtasks.filter(([t]) => W.liveAt && t >= W.liveAt).length;
  return {
    upd, otherN: other.length, otherMs: other.reduce((x, y) => x + y, 0), otherMax: Math.max(0, ...other),
    longN: lt.length, longMax: Math.max(0, ...lt), longAfterLive: ltAfterLive,
    busyNow: W.cur ? performance.now() - W.cur : 0,
    elements: document.getElementsByTagName('*').length, handled: W.handled, lastSeq: W.lastSeq, snapshots: W.snapshots,
  };
}

// What the page shows, for the in-step check.
function readShown(kind) {
  const $ = (s) => document.querySelector(s);
  const text = (s) => ($(s) ? $(s).textContent.trim() : null);
  return {
    lastSeq: window.__w9.lastSeq,
    snapshots: window.__w9.snapshots,
    gaps: window.__w9.gaps,
    queue: [...document.querySelectorAll('#queue .entry .name')].map((e) => e.textContent),
    // The count as a number, whatever the page's group separators ("1,001").
    people: kind === 'console' ? ((/^People \(([\d,.\s\u202f]+)\)$/.exec(text('#people-h') || '') || [])[1] ?? '').replace(/\D/g, '') || null
      : kind === 'participant' ? (text('#people-count') || '').replace(/\D/g, '') || null : null,
    conn: $('#conn') ? $('#conn').dataset.state : null,
  };
}

// --profile: DevTools' sampling profiler over the window, and its functions by self time.
async function startProfile(p) {
  await p.cdp.send('Profiler.enable');
  await p.cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await p.cdp.send('Profiler.start');
}
async function stopProfile(p, size) {
  const { profile } = await p.cdp.send('Profiler.stop');
  mkdirSync(opt.profile, { recursive: true });
  const file = join(opt.profile, `w9-${size}-${p.kind}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const gaps = profile.timeDeltas || [];
  (profile.samples || []).forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? f.url.replace(/^.*\//, '') : ''}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + (gaps[i + 1] ?? 0) / 1000);
  });
  const top = [...self].filter(([k]) => !/^\(idle\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 12);
  say(`  ${p.kind} profile (${file}), self time in the window, ms:`);
  for (const [k, ms] of top) say(`    ${ms.toFixed(1).padStart(8)}  ${k}`);
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

// One sample for the window's edges: the DevTools metrics with the page's count of handled
// updates just before and after (a busy page may handle one in between: the mean is taken).
async function sample(p) {
  const before = await p.page.evaluate(() => window.__w9.handled);
  const m = await metrics(p.cdp);
  const after = await p.page.evaluate(() => window.__w9.handled);
  return { m, handled: (before + after) / 2, at: Date.now() };
}

// A browser context for a page, and its person: joined once with the client's own code (as the
// start page, the join page and the display do), so that the page itself later opens as someone
// already in the meeting, from its stored token. Done before evload's clients join: evload
// predicts every seq of W1 from the meeting's seq at the end of its set-up.
async function joinPage(kind, meeting, label) {
  const context = await browser.newContext({ ...DEVICES[kind], reducedMotion: 'reduce', locale: 'en-GB' });
  const page = await context.newPage();
  const p = { kind, context, page, errors: [], label };
  page.on('pageerror', (e) => p.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) p.errors.push(m.text()); });
  await context.addInitScript(instrument, { kind, title: meeting.title });
  await within(30000, page.goto(`${meeting.base}/join?code=${meeting.code}`), `${label}: the join page`);
  const request = {
    console: { code: meeting.code, name: 'W9 facilitator', location: 'in_room', facilitatorKey: meeting.key },
    participant: { code: meeting.code, name: 'W9 participant', location: 'remote', preference: 'none' },
    display: { code: meeting.code, name: 'Room display', role: 'observer', location: 'in_room' },
  }[kind];
  const seat = { console: 'facilitator', participant: 'participant', display: 'display' }[kind];
  p.joinMs = await within(30000, page.evaluate(async ([req, seatName, key]) => {
    const t0 = performance.now();
    const { joinMeeting } = await import('/js/joining.js');
    const { saveKey } = await import('/js/storage.js');
    if (key) saveKey(req.code, key);
    await joinMeeting(req, seatName);
    return performance.now() - t0;
  }, [request, seat, kind === 'console' ? meeting.key : null]), `${label}: joining`);
  p.cdp = await context.newCDPSession(page);
  await p.cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  return p;
}

// Opens the page, unthrottled; live_ms: from navigation to the first complete draw.
async function openPage(p, meeting) {
  const { kind, page, label } = p;
  await within(opt.liveTimeout * 1000, page.goto(`${meeting.base}/${PATHS[kind]}?code=${meeting.code}`, { waitUntil: 'commit' }), `${label}: opening`);
  try {
    await page.waitForFunction(() => window.__w9 && window.__w9.liveAt > 0, null, { timeout: Math.min(opt.liveTimeout * 1000, Math.max(1000, left())), polling: 200 });
  } catch {
    const state = await within(5000, page.evaluate(() => ({ conn: document.querySelector('#conn')?.dataset.state, handled: window.__w9?.handled })), 'state').catch(() => ({}));
    throw new Error(`${label}: not live within ${opt.liveTimeout} s (connection ${state.conn}, ${state.handled} updates handled)`);
  }
  p.liveMs = await page.evaluate(() => window.__w9.liveAt);
}

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : NaN);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'na');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'na');

// --- one run: a server, a meeting of N, the pages; returns one result per page ---
async function run(size, kinds, runNo) {
  const label = `w9-${size}-${kinds.join('+')}-run${runNo}`;
  say(`\n== ${size} people: ${kinds.join(', ')}${kinds.length > 1 ? ' (together)' : ''}${opt.runs > 1 ? `, run ${runNo} of ${opt.runs}` : ''}`);
  const dir = mkdtempSync(join(tmpdir(), 'w9-'));
  let server = null;
  let evload = null;
  const pages = [];
  try {
    checkDeadline('before a run');
    server = await startServer(dir, label);
    const title = `W9 benchmark ${size}`;
    const res = await fetch(`${server.base}/api/meetings`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title }) });
    const created = await res.json();
    if (!res.ok || !created.code) throw new Error(`POST /api/meetings answered ${res.status}: ${JSON.stringify(created)}`);
    const meeting = { base: server.base, code: created.code, key: created.facilitator_key, title };

    if (!browser || !browser.isConnected()) {
      browser = await chromium.launch({
        executablePath: opt.chromium, headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
          '--disable-component-update', '--no-first-run', '--disable-sync'],
      });
      const b = browser;
      b.on('disconnected', () => { if (browser === b) { browser = null; say('  (the browser closed)'); } });
    }
    for (const kind of kinds) pages.push(await joinPage(kind, meeting, `${label} ${kind}`));

    // evload: N clients join (W6); it is paused in W5 (idle, connections open) while the pages
    // open; W1 runs when it is resumed. W1 lasts the warm-up, the window and a little more.
    const w1 = opt.warmup + opt.window + 0.5;
    const evArgs = ['--target=everyvoice', '--host=127.0.0.1', `--port-file=${join(dir, 'port')}`, `--server-pid=${server.proc.pid}`,
      `--code=${meeting.code}`, `--clients=${size}`, '--phases=W6,W5,W1', '--w5-settle=5', `--rate=${opt.rate}`,
      `--duration=${w1}`, `--connect-concurrency=${size >= 2000 ? 500 : 200}`, '--setup-timeout=600',
      `--max-seconds=${Math.max(60, Math.floor(left() / 1000))}`];
    evload = track(spawn(opt.evload, evArgs, { stdio: ['ignore', 'pipe', 'pipe'] }), join(logDir, `${label}.evload.log`));
    const out = lineWatcher(evload);
    const joined = await out.wait(/^W6 /, 600000, 'the join storm (W6)');
    process.kill(evload.pid, 'SIGSTOP');
    say(`  evload: ${joined.replace(/^W6 everyvoice: /, '')}; paused`);

    for (const p of pages) {
      await openPage(p, meeting);
      say(`  ${p.kind}: joined in ${f1(p.joinMs)} ms; live ${f1(p.liveMs)} ms after navigation (unthrottled)`);
    }
    await sleep(1000);
    for (const p of pages) {
      p.atLive = await within(60000, p.page.evaluate(() => document.getElementsByTagName('*').length), 'DOM size');
      await within(60000, p.cdp.send('Emulation.setCPUThrottlingRate', { rate: opt.throttle }), 'throttling');
    }

    // W1 starts when W5 ends (its line is printed as W1 begins).
    process.kill(evload.pid, 'SIGCONT');
    await out.wait(/^W5 /, 15000, 'the end of W5');
    const w1Start = Date.now();
    const w0 = w1Start + opt.warmup * 1000;
    await sleep(w0 - Date.now());
    if (opt.profile) for (const p of pages) await startProfile(p);
    const s0 = await within(120000, Promise.all(pages.map((p) => sample(p))), 'window start');
    const wEnd = w0 + opt.window * 1000;
    await sleep(Math.max(0, wEnd - Date.now()));
    const s1 = await within(120000, Promise.all(pages.map((p) => sample(p))), 'window end');
    if (opt.profile) for (const p of pages) await stopProfile(p, size);
    const readouts = await within(180000, Promise.all(pages.map(async (p) => {
      const r = await p.page.evaluate(readWindow, [w0, wEnd]);
      r.domBeforeGc = await p.cdp.send('Memory.getDOMCounters');
      return r;
    })), 'reading the window');
    for (const p of pages) await within(120000, p.cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 }), 'unthrottling');

    // W1's end: evload reports it once every update is at every client (or given up).
    const w1Line = await out.wait(/^RESULT .*phase=W1 /, (w1 + 30) * 1000, 'the end of W1');
    const w1r = resultFields(w1Line);
    const w1Done = Date.now();
    const evStatus = await within(30000, evload.exited, 'evload exiting');

    // In step: the last seq of the meeting's event log, the queue as W1 left it, everyone counted.
    const seq = await lastSeq(dir);
    const updates = Number(w1r.updates);
    const queue = updates % 2 === 1 ? ['load 0'] : [];
    const peopleCount = size + kinds.filter((k) => k !== 'display').length;
    const want = (kind) => ({ lastSeq: seq, gaps: 0, queue, people: kind === 'display' ? null : String(peopleCount) });
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const until = Date.now() + opt.catchupTimeout * 1000;
    const shown = new Map();
    const matches = (s, w) => !!s && same({ lastSeq: s.lastSeq, gaps: s.gaps, queue: s.queue, people: s.people }, w);
    await Promise.all(pages.map(async (p) => {
      const w = want(p.kind);
      let s = null;
      while (Date.now() < until && left() > 0) {
        s = await within(Math.max(1000, until - Date.now()), p.page.evaluate(readShown, p.kind), 'reading the page').catch(() => s);
        if (matches(s, w)) break;
        await sleep(250);
      }
      shown.set(p, s);
      p.inStep = matches(s, w);
      p.catchupS = p.inStep ? (Date.now() - w1Done) / 1000 : NaN;
      p.stepDetail = s ? `seq ${s.lastSeq} of ${seq}, ${s.gaps} missed, queue [${s.queue.join(', ')}] (want [${queue.join(', ')}]), people ${s.people ?? '-'} (want ${w.people ?? '-'})` : 'page not readable';
    }));

    // The live heap and DOM once the page is quiet: after full garbage collections (the redraws
    // leave much garbage behind; nodes_before_gc at the window's end shows how much).
    for (const p of pages) {
      p.mem = await within(60000, (async () => {
        for (let k = 0; k < 2; k++) await p.cdp.send('HeapProfiler.collectGarbage');
        return { dom: await p.cdp.send('Memory.getDOMCounters'), heap: await p.cdp.send('Runtime.getHeapUsage') };
      })(), 'heap and DOM after GC').catch(() => ({ dom: { nodes: NaN, jsEventListeners: NaN }, heap: { usedSize: NaN } }));
    }

    const results = pages.map((p, i) => {
      const r = readouts[i];
      const a = s0[i];
      const b = s1[i];
      const d = (k) => (b.m[k] - a.m[k]) * 1000;  // ms
      const wallMs = (b.m.Timestamp - a.m.Timestamp) * 1000;
      const handledIn = b.handled - a.handled;
      const upd = r.upd.slice().sort((x, y) => x - y);
      const per = (k) => (handledIn > 0 ? d(k) / handledIn : NaN);
      return {
        scenario: 'W9', run: runNo, page: p.kind, people: size, together: kinds.length > 1 ? 1 : 0, throttle: opt.throttle,
        rate: opt.rate, window_s: opt.window, sent: Math.round(opt.rate * opt.window), updates: upd.length,
        p50_ms: f2(pct(upd, 0.5)), p95_ms: f2(pct(upd, 0.95)), max_ms: f2(upd.length ? upd[upd.length - 1] : NaN),
        busy_now_ms: f1(r.busyNow),
        mean_total_ms: f2(per('TaskDuration')), mean_script_ms: f2(per('ScriptDuration')),
        mean_layout_ms: f2(per('LayoutDuration')), mean_style_ms: f2(per('RecalcStyleDuration')),
        busy_pct: f1(100 * d('TaskDuration') / wallMs),
        other_msgs: r.otherN, other_ms: f1(r.otherMs), other_max_ms: f1(r.otherMax),
        long_tasks: r.longN, longest_task_ms: f1(r.longMax), long_tasks_since_live: r.longAfterLive,
        dom_nodes: r.elements, dom_nodes_at_live: p.atLive, dom_nodes_all: p.mem.dom.nodes, nodes_before_gc: r.domBeforeGc.nodes, js_listeners: p.mem.dom.jsEventListeners,
        heap_mb: f1(p.mem.heap.usedSize / 1048576), live_ms: f1(p.liveMs), join_ms: f1(p.joinMs),
        resyncs: Math.max(0, (shown.get(p)?.snapshots ?? 1) - 1),
        seq_gaps: shown.get(p)?.gaps ?? -1, in_step: p.inStep ? 1 : 0, catchup_s: f1(p.catchupS), behind: Math.max(0, seq - (shown.get(p)?.lastSeq ?? 0)),
        page_errors: p.errors.length, w1_updates: updates, w1_losses: w1r.losses, evload_exit: evStatus,
        step_detail: p.stepDetail,
      };
    });
    for (const r of results) {
      say(`  ${r.page}: ${r.updates} of ${r.sent} updates handled in the ${opt.window} s window; per update p50 ${r.p50_ms} p95 ${r.p95_ms} max ${r.max_ms} ms, `
        + `main thread ${r.mean_total_ms} ms per update, busy ${r.busy_pct} %; long tasks ${r.long_tasks} (longest ${r.longest_task_ms} ms); `
        + `DOM ${r.dom_nodes} elements (${r.dom_nodes_all} nodes after GC, ${r.nodes_before_gc} before); heap ${r.heap_mb} MB; `
        + `${r.in_step ? 'in step' : 'NOT in step'} (${r.step_detail})`);
      const line = 'RESULT ' + Object.entries(r).filter(([k]) => k !== 'step_detail').map(([k, v]) => `${k}=${v}`).join(' ');
      say(line);
      if (opt.raw) appendFileSync(opt.raw, line + '\n');
      if (r.page_errors) say(`  ${r.page}: page errors: ${pages.find((p) => p.kind === r.page).errors.slice(0, 3).join(' | ')}`);
    }
    return results;
  } finally {
    for (const p of pages) await within(20000, p.context.close(), 'closing a page').catch(() => {});
    if (evload) await stopProc(evload, 'SIGKILL');
    if (server) await stopProc(server.proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- all runs ---
let status = 0;
const all = [];
try {
  say(`W9 browser benchmark: sizes ${opt.sizes.join(', ')}; pages ${opt.pages.join(', ')}${opt.together ? ' together' : ', one at a time'}; `
    + `CPU throttled ${opt.throttle}x; W1 at ${opt.rate} updates/s; window ${opt.window} s after ${opt.warmup} s; logs in ${logDir}`);
  for (let runNo = 1; runNo <= opt.runs; runNo++) for (const size of opt.sizes) {
    const groups = opt.together ? [opt.pages] : opt.pages.map((p) => [p]);
    for (const kinds of groups) {
      // A browser that went away under a run (it crashed, or was ended from outside) is started
      // again, and that run tried once more.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          all.push(...await run(size, kinds, runNo));
          break;
        } catch (e) {
          if (e instanceof Deadline) throw e;
          const lost = /has been closed|browser.*(closed|disconnected)|Target crashed|crash/i.test(e.message);
          console.error(`w9: ${size} people, ${kinds.join('+')}: ${e.message}${lost && attempt === 1 ? ' (the browser went away: once more)' : ''}`);
          if (lost && attempt === 1) {
            const b = browser;
            browser = null;
            if (b) await within(20000, b.close(), 'closing the browser').catch(() => {});
            continue;
          }
          status = Math.max(status, 3);
          if (opt.smoke) throw e;
          break;
        }
      }
    }
  }
} catch (e) {
  console.error(`w9: ${e.message}`);
  status = 3;
} finally {
  const b = browser;
  browser = null;
  if (b) await within(20000, b.close(), 'closing the browser').catch(() => {});
}

// --- the table ---
if (all.length) {
  const cols = [['page', 'page'], ['people', 'people'], ['updates', 'updates'], ['p50_ms', 'p50'], ['p95_ms', 'p95'], ['max_ms', 'max'],
    ['mean_total_ms', 'main/upd'], ['busy_pct', 'busy%'], ['long_tasks', 'long'], ['longest_task_ms', 'longest'],
    ['dom_nodes', 'DOM'], ['dom_nodes_all', 'nodes'], ['heap_mb', 'heap MB'], ['live_ms', 'live ms'], ['in_step', 'in step']];
  const rows = [cols.map(([, t]) => t), ...all.map((r) => cols.map(([k]) => String(r[k])))];
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  say(`\nW9, per update in ms (CPU ${opt.throttle}x slower, ${opt.rate} updates/s, ${opt.window} s window); live ms unthrottled:`);
  for (const r of rows) say('  ' + r.map((c, i) => c.padStart(widths[i])).join('  '));
}
for (const r of all) {
  if (!r.in_step) {
    console.error(`w9: ${r.page} at ${r.people} people was not in step with the server ${opt.catchupTimeout} s after the load stopped (${r.step_detail})`);
    if (opt.smoke) status = Math.max(status, 1);
  }
  if (r.page_errors && opt.smoke) { console.error(`w9: ${r.page}: ${r.page_errors} script errors`); status = Math.max(status, 1); }
  if (Number(r.w1_losses) > 0 || r.evload_exit !== 0) {
    console.error(`w9: evload's W1 at ${r.people} people: ${r.w1_losses} missing, exit ${r.evload_exit}`);
    if (opt.smoke) status = Math.max(status, 1);
  }
}
if (opt.smoke && status === 0) say(`w9 smoke: ${all.length} pages in step with the server`);
say(`w9: took ${Math.round((Date.now() - started) / 1000)} s; exit ${status}`);
clearTimeout(hardStop);
process.exit(status);
