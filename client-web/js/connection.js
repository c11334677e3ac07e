// The one connection module: opens the WebSocket at /ws, resumes as the person this browser is
// (token from "welcome", kept by storage.js) from the last sequence number it saw, reconnects
// with backoff when the connection drops, and says plainly what state it is in.
//
//   state  connecting  first connection in progress
//          live        resumed; commands can be sent
//          lost        the connection dropped; a retry is scheduled (or waits for the network)
//          closed      no retry: removed from the meeting, no such meeting, or this browser must join
//
// Events (EventTarget): "state" {state, why}, "message" (every server message except ack and
// error, for the page's MeetingModel), "need-join", "removed", "no-meeting", "server-error".
// Resume flow (server/net/meeting_room.cpp): welcome, then nothing (we are up to date), an
// update with the events we missed, or a snapshot; facilitators also get "figures".
import { join, resume, ping, normalizeCode } from './protocol.js';
import { loadSeat, saveSeat, clearSeat } from './storage.js';

export const socketUrl = () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];  // then 15 s, each with up to 30% jitter
const QUIET_PING_MS = 25000;  // the server sends a heartbeat every 15 s; after this silence we ping
const DEAD_MS = 40000;        // after this silence the socket is given up and reopened
const ANSWER_MS = 15000;      // a command with no ack or error after this is reported as unanswered
const CLOSE_REMOVED = 4001;   // the server's close code for "removed from the meeting"

const notConnected = { code: 'not_connected', message: 'Not connected right now. Try again once reconnected.' };
const lostAnswer = { code: 'connection_lost', message: 'The connection dropped before the server answered. Check the page and try again if needed.' };

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
    // Ids must be unique for the person across page loads (the server refuses a reused id):
    // a random prefix per page load, then a counter.
    this.idPrefix = [...crypto.getRandomValues(new Uint32Array(2))].map((n) => n.toString(36)).join('');
    this.nextId = 1;
    this.pending = new Map();
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
  send(message) {
    if (this.state !== 'live' || !this.socket) return Promise.reject(notConnected);
    return new Promise((resolve, reject) => {
      const id = this.rawSend(message);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject({ code: 'no_answer', message: 'The server did not answer in time. Check the page and try again if needed.' });
      }, ANSWER_MS);
      this.pending.set(id, { resolve, reject, timer });
    });
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

  rawSend(message) {
    const id = `${this.idPrefix}-${this.nextId++}`;
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
    try { ws = new WebSocket(socketUrl()); } catch { return this.retry(); }
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
        break;
      // The last seq applied, for the next resume. Seqs have gaps (count events are never sent)
      // and the server sends a snapshot when it had to drop updates, so there is no gap check.
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
      return this.emit(error.code === 'wrong_code' ? 'no-meeting' : 'need-join', error);
    }
    this.drop('refused');  // e.g. rate limited: try again later
  }

  // The socket closed by itself.
  closed(code) {
    this.socket = null;
    this.failPending();
    if (code === CLOSE_REMOVED) {
      clearSeat(this.code, this.seat);
      this.setState('closed', 'removed');
      return this.emit('removed');
    }
    if (this.state !== 'closed') this.retry();
  }

  // We give the socket up (offline, silent, missed events) and open a new one.
  drop(why) {
    this.detach();
    this.failPending();
    if (this.state === 'closed') return;
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

// Joins a meeting once, from the join or start page: opens a socket, sends "join", keeps the
// token from "welcome" for the given seat, then closes (the next page resumes with the token).
// Resolves with the welcome; rejects with the server's {code, message}.
export function joinMeeting(request, seat) {
  return new Promise((resolve, reject) => {
    let ws;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(value);
      try { ws.close(1000); } catch { /* closed */ }
    };
    const timer = setTimeout(() => finish(reject, { code: 'no_answer', message: 'The server did not answer. Check your connection and try again.' }), 10000);
    try { ws = new WebSocket(socketUrl()); } catch { return finish(reject, { code: 'connection_failed', message: 'Could not reach the server.' }); }
    ws.onopen = () => ws.send(JSON.stringify({ ...join(request), id: 'j1' }));
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === 'welcome') {
        saveSeat(msg.code, seat, { token: msg.token, name: msg.you.name, at: Date.now() });
        finish(resolve, msg);
      } else if (msg.type === 'error') {
        finish(reject, msg);
      }
    };
    ws.onclose = () => finish(reject, { code: 'connection_failed', message: 'Could not reach the server. Check your connection and try again.' });
  });
}
