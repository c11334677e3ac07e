// A server of a test's own, for tests that stop and start it (a restart keeps the port and the
// data folder, as an operator's restart would). run.sh passes the binary and the client folder in
// EVERYVOICE_SERVER and EVERYVOICE_STATIC_DIR; without them (tests run against a server started
// by hand) such tests are skipped.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.EVERYVOICE_SERVER;
const STATIC = process.env.EVERYVOICE_STATIC_DIR;
export const canRunServer = !!(BIN && STATIC);

export class TestServer {
  // `flags`: more server flags, e.g. ['--create-key=...'].
  constructor(flags = []) {
    this.flags = flags;
    this.dir = mkdtempSync(join(tmpdir(), 'everyvoice-e2e-'));
    this.port = 0;
    this.proc = null;
    this.log = '';
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  // Starts the server (on a free port the first time, then on the same one) with the same data.
  async start() {
    const portFile = join(this.dir, 'port');
    rmSync(portFile, { force: true });
    this.proc = spawn(BIN, [`--port=${this.port}`, `--port-file=${portFile}`, `--static-dir=${STATIC}`,
      `--data-dir=${join(this.dir, 'data')}`, '--away-grace-seconds=2', '--log-level=warn',
      '--meeting-creates-per-minute=600', ...this.flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.proc.stdout, this.proc.stderr]) s.on('data', (d) => { this.log += d; });
    const exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 200; i++) {
      let port = '';
      try { port = readFileSync(portFile, 'utf8').trim(); } catch { /* not yet */ }
      if (port) {
        this.port = Number(port);
        const ok = await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false);
        if (ok) return this;
      }
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 50))]);
      if (code !== undefined) throw new Error(`the server exited (${code}):\n${this.log}`);
    }
    throw new Error(`the server did not start:\n${this.log}`);
  }

  // Stops it as an operator would (SIGTERM) and waits for it to exit.
  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return null;
    const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve(code ?? sig)));
    proc.kill(signal);
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    if (how === 'timeout') { proc.kill('SIGKILL'); await exited; }
    this.proc = null;
    return how;
  }

  async remove() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
