#!/usr/bin/env node
// What one join costs on the wire in a big meeting (issue 15; tests/load/README.md, "Bytes per join").
//
//   node tests/load/join-bytes.mjs --server PATH --evload PATH [--sizes=300,5000] [--max-seconds=300]
//
// For each size N: starts the real server on a free loopback port with a fresh data folder, creates
// a meeting (POST /api/meetings), joins its facilitator, lets evload join N - 1 more people (W6) and
// hold them (its W5 settle, 60 s at most), then joins a participant, a facilitator (with the key) and a room display,
// one after another, and counts the bytes of every frame each receives until its snapshot is in
// (welcome, snapshot and anything between). Prints one RESULT line per audience:
//   RESULT scenario=join_bytes people=5000 audience=participant bytes=850 frames=2 people_listed=1
// and one per audience for the web client's join page, which asks for no snapshot (protocol 1.2),
// keeps the token and closes (its next page resumes and gets the snapshot then):
//   RESULT scenario=join_page_bytes people=5000 audience=participant bytes=310 frames=1
// Loopback only. Exit: 0 done, 2 usage, 3 set-up failed or --max-seconds reached.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const opt = { server: '', evload: '', sizes: [300, 5000], maxSeconds: 300 };
for (const arg of process.argv.slice(2)) {
  const [k, v] = arg.split(/=(.*)/s, 2);
  if (k === '--server') opt.server = v;
  else if (k === '--evload') opt.evload = v;
  else if (k === '--sizes') opt.sizes = v.split(',').map(Number);
  else if (k === '--max-seconds') opt.maxSeconds = Number(v);
  else { console.error(`join-bytes: unknown option ${arg}`); process.exit(2); }
}
if (!opt.server || !opt.evload || opt.sizes.some((n) => !(n >= 2 && n <= 10000))) {
  console.error('usage: join-bytes.mjs --server=PATH --evload=PATH [--sizes=300,5000] (2 to 10000 people)');
  process.exit(2);
}
setTimeout(() => { console.error(`join-bytes: --max-seconds (${opt.maxSeconds}) reached`); process.exit(3); }, opt.maxSeconds * 1000).unref();

// Node 18 has no WebSocket of its own: the one bundled in playwright-core (tests/e2e, npm ci).
const requireE2e = createRequire(join(here, '..', 'e2e', 'package.json'));
const { ws: WebSocket } = requireE2e('playwright-core/lib/utilsBundle');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = new Set();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

async function startServer(dir) {
  const portFile = join(dir, 'port');
  const proc = spawn(opt.server, ['--address=127.0.0.1', '--port=0', `--port-file=${portFile}`, `--data-dir=${join(dir, 'data')}`,
    '--log-level=warn', '--connections-per-ip=20000', '--participants-per-meeting=10000', '--commands-per-second=100000',
    '--command-burst=100000'], { stdio: 'ignore' });
  children.add(proc);
  for (let i = 0; i < 200; i++) {
    let port = '';
    try { port = readFileSync(portFile, 'utf8').trim(); } catch { /* not yet */ }
    if (port && await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return { proc, port: Number(port) };
    await sleep(50);
  }
  throw new Error('the server did not start');
}

// Joins and counts what arrives until the snapshot (or the welcome, for a join that asks for no
// snapshot); `keep` leaves the socket open (the facilitator).
function join1(port, body, keep = false) {
  return new Promise((resolve, reject) => {
    const s = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Origin: `http://127.0.0.1:${port}` } });
    let bytes = 0, frames = 0;
    s.on('open', () => s.send(JSON.stringify({ type: 'join', id: 'j1', location: 'remote', ...body })));
    s.on('message', (d) => {
      bytes += d.length; frames++;
      const m = JSON.parse(d.toString());
      if (m.type === 'error') reject(new Error(`${body.name}: ${m.code} ${m.message}`));
      if (m.type === 'welcome' && body.snapshot === false) {
        s.close();
        resolve({ bytes, frames });
      } else if (m.type === 'snapshot') {
        if (!keep) s.close();
        resolve({ bytes, frames, listed: m.view.people.length, complete: m.view.people_complete !== false, socket: s });
      }
    });
    s.on('error', reject);
  });
}

for (const size of opt.sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'join-bytes-'));
  let server, evload;
  try {
    server = await startServer(dir);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/meetings`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Town hall' }) });
    const created = await res.json();
    if (!res.ok) throw new Error(`POST /api/meetings: ${res.status}`);
    const host = await join1(server.port, { code: created.code, name: 'Host', facilitator_key: created.facilitator_key }, true);
    evload = spawn(opt.evload, [`--port=${server.port}`, `--code=${created.code}`, `--clients=${size - 1}`, '--phases=W6,W5',
      '--w5-settle=60', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(evload);
    // Wait until the meeting holds everyone: the host's updates carry people_count.
    let count = 0;
    host.socket.on('message', (d) => { const m = JSON.parse(d.toString()); if (m.meeting && typeof m.meeting.people_count === 'number') count = m.meeting.people_count; });
    const deadline = Date.now() + opt.maxSeconds * 1000;
    while (count < size && Date.now() < deadline && evload.exitCode === null) await sleep(200);
    if (count < size) throw new Error(`only ${count} of ${size} people joined`);
    await sleep(1000);  // the last joins' updates are out
    for (const [audience, body] of [['participant', { name: 'Newcomer' }], ['facilitator', { name: 'Co-host', facilitator_key: created.facilitator_key }],
      ['display', { name: 'Screen', role: 'observer' }]]) {
      const r = await join1(server.port, { code: created.code, ...body });
      console.log(`RESULT scenario=join_bytes people=${size} audience=${audience} bytes=${r.bytes} frames=${r.frames} people_listed=${r.listed} people_complete=${r.complete ? 1 : 0}`);
      const page = await join1(server.port, { code: created.code, ...body, name: `${body.name} (join page)`, snapshot: false });
      console.log(`RESULT scenario=join_page_bytes people=${size} audience=${audience} bytes=${page.bytes} frames=${page.frames}`);
    }
    host.socket.close();
  } catch (e) {
    console.error(`join-bytes: ${size} people: ${e.message}`);
    process.exitCode = 3;
  } finally {
    for (const p of [evload, server?.proc]) if (p && p.exitCode === null) { p.kill('SIGTERM'); children.delete(p); }
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(process.exitCode || 0);
