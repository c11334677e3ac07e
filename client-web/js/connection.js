// The one connection module: opens the WebSocket at /ws/{code}, resumes as this browser's person (token
// kept by storage.js) from the last seq it saw, reconnects with backoff, and says what state it is
// in: connecting; live (commands can be sent); lost (a retry is scheduled, or waits for the
// network); closed (no retry: removed, no such meeting, or this browser must join).
// Events: "state" {state, why}, "message" (all but ack, error, pong: for the MeetingModel),
// "need-join", "removed", "no-meeting", "server-error". A resume gets welcome, then nothing, an
// update with what was missed, or a snapshot (PROTOCOL.md 3.5).
import { resume, ping, normalizeCode } from './protocol.js';
import { loadSeat, saveSeat, clearSeat } from './storage.js';

// /ws/{code} when the code can be one (PROTOCOL.md 3.1: a load balancer sends it to the server that
// holds the meeting); /ws otherwise, so that a mistyped code is answered "wrong_code" by the join.
const CODE = /^[ACDEFHJKMNPQRTUVWXY34679]{6}$/;
export const socketUrl = (code) => {
  const c = normalizeCode(code);
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws${CODE.test(c) ? `/${c}` : ''}`;
};

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];  // then 15 s, each with up to 30% jitter
const QUIET_PING_MS = 25000;  // the server sends a heartbeat every 15 s; after this silence we ping
const DEAD_MS = 40000;        // after this silence the socket is given up and reopened
const ANSWER_MS = 15000;      // a command with no ack or error after this is reported as unanswered
const CLOSE_REMOVED = 4001;   // the server's close code for "removed from the meeting"
const CLOSE_DELETED = 4002;   // "the meeting was deleted"
const CLOSE_MOVED = 4003;     // another server serves the meeting now: reconnect and resume (PROTOCOL 3.1)

// These messages are for developers, like the server's own: a page shows the words errors.js
// gives each code (sayError), in the person's language.
const notConnected = { code: 'not_connected', message: 'Not connected right now. Try again once reconnected.' };
const lostAnswer = { code: 'connection_lost', message: 'The connection closed before the server answered.' };

export class MeetingConnection extends EventTarget {
  constructor({ code, seat }) {
    super();
    this.code = normalizeCode(code);
    this.seat = seat;
    this.state = 'idle';
    this.why = '';
    this.lastSeq = 0;
    this.socket = null;
    this.attempt = 0;
    // Command ids: unique for the person across connections and page loads (the server runs a
    // repeated id once only: PROTOCOL.md 4.1), so a random prefix per page load and a counter.
    this.idPrefix = [...crypto.getRandomValues(new Uint32Array(2))].map((n) => n.toString(36)).join('');
    this.nextId = 1;
    this.pending = new Map();  // id -> {message, resolve, reject, timer}: resent after a reconnect
    this.lastHeard = 0;
    this.retryTimer = 0;
    this.resumeId = null;
  }

  start() {
    addEventListener('online', () => { if (this.state === 'lost') this.open(); });
    addEventListener('offline', () => {
      if (this.state === 'closed') return;
      if (this.socket) this.drop('offline'); else this.setState('lost', 'offline');
    });
    setInterval(() => this.watch(), 5000);
    this.open();
    return this;
  }

  // Sends a command; resolves with the ack, rejects with {code, message} from the server's error.
  // A command still unanswered when the connection drops is sent again, with the same id, once
  // resumed: the server runs it at most once.
  send(message) {
    if (this.state !== 'live' || !this.socket) return Promise.reject(notConnected);
    return new Promise((resolve, reject) => {
      const id = this.rawSend(message);
      this.pending.set(id, { message, resolve, reject, timer: this.answerTimer(id) });
    });
  }

  answerTimer(id) {
    return setTimeout(() => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (p) p.reject({ code: 'no_answer', message: 'The server did not answer in time. Check the page and try again if needed.' });
    }, ANSWER_MS);
  }

  // Starts again after "need-join", once the page has joined (the token is stored).
  restart() {
    this.state = 'idle';
    this.attempt = 0;
    this.open();
  }

  // Closes on purpose (leaving the page for another one): no retry.
  stop() {
    this.setState('closed', 'stopped');
    this.failPending();
    if (this.socket) { const ws = this.socket; this.socket = null; ws.onclose = null; ws.close(1000); }
  }

  // --- internals ---

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  setState(state, why = '') {
    if (state === this.state && why === this.why) return;
    const was = this.state;
    this.state = state;
    this.why = why;
    this.emit('state', { state, why, was });
  }

  rawSend(message, id = `${this.idPrefix}-${this.nextId++}`) {
    this.socket.send(JSON.stringify({ ...message, id }));
    return id;
  }

  open() {
    clearTimeout(this.retryTimer);
    if (this.state === 'closed' || this.socket) return;
    if (navigator.onLine === false) return this.setState('lost', 'offline');  // the "online" event retries
    const seat = loadSeat(this.code, this.seat);
    if (!seat || !seat.token) {
      this.setState('closed', 'need-join');
      return this.emit('need-join');
    }
    if (this.state !== 'lost') this.setState('connecting');
    let ws;
    try { ws = new WebSocket(socketUrl(this.code)); } catch { return this.retry(); }
    this.socket = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.resumeId = this.rawSend(resume(this.code, seat.token, this.lastSeq));
    };
    ws.onmessage = (e) => { if (this.socket === ws) this.receive(e.data); };
    ws.onclose = (e) => { if (this.socket === ws) this.closed(e.code); };
  }

  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    this.lastHeard = Date.now();
    switch (msg.type) {
      case 'welcome':
        this.attempt = 0;
        if (msg.token) saveSeat(this.code, this.seat, { token: msg.token, name: msg.you.name, at: Date.now() });
        this.setState('live');
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.timer = this.answerTimer(id);
          this.rawSend(p.message, id);
        }
        break;
      // The last seq applied, for the next resume. Seqs have gaps (count events are not sent);
      // the server sends a snapshot when it dropped updates, so there is no gap check.
      case 'snapshot':
        this.lastSeq = msg.seq;
        break;
      case 'update':
        this.lastSeq = Math.max(this.lastSeq, msg.seq);
        break;
      case 'ack': {
        const p = this.pending.get(msg.id);
        if (p) { this.pending.delete(msg.id); clearTimeout(p.timer); p.resolve(msg); }
        return;
      }
      case 'error':
        if (msg.id && msg.id === this.resumeId) return this.resumeFailed(msg);
        if (msg.id && this.pending.has(msg.id)) {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          clearTimeout(p.timer);
          return p.reject(msg);
        }
        return this.emit('server-error', msg);
      case 'pong':
        return;
      default:
        break;
    }
    this.emit('message', msg);
  }

  resumeFailed(error) {
    if (error.code === 'bad_token' || error.code === 'wrong_code') {
      clearSeat(this.code, this.seat);
      this.setState('closed', error.code === 'wrong_code' ? 'no-meeting' : 'need-join');
      this.detach();
      this.failPending();
      return this.emit(error.code === 'wrong_code' ? 'no-meeting' : 'need-join', error);
    }
    this.drop('refused');  // e.g. rate limited: try again later
  }

  // The socket closed by itself.
  closed(code) {
    this.socket = null;
    if (code === CLOSE_REMOVED || code === CLOSE_DELETED) {
      this.failPending();
      clearSeat(this.code, this.seat);
      const why = code === CLOSE_REMOVED ? 'removed' : 'no-meeting';
      this.setState('closed', why);
      return this.emit(why);
    }
    if (this.state !== 'closed') this.retry(code === CLOSE_MOVED ? 'moved' : '');
  }

  // We give the socket up (offline, silent, missed events) and open a new one.
  drop(why) {
    this.detach();
    if (this.state === 'closed') return this.failPending();
    this.retry(why);
  }

  detach() {
    const ws = this.socket;
    this.socket = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(1000); } catch { /* already closing */ }
  }

  failPending() {
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(lostAnswer); }
    this.pending.clear();
  }

  retry(why = '') {
    const offline = navigator.onLine === false;
    this.setState('lost', offline ? 'offline' : why);
    if (offline) return;  // the "online" event retries
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), base + Math.random() * base * 0.3);
  }

  watch() {
    if (this.state !== 'live' || !this.socket) return;
    const silent = Date.now() - this.lastHeard;
    if (silent > DEAD_MS) this.drop('silent');
    else if (silent > QUIET_PING_MS) this.rawSend(ping());
  }
}
