// Joining a meeting once (the start page, the join page, the console's join form, the room
// display's first visit). Kept apart from connection.js so that pages which only resume do not
// load it.
import { t } from './i18n.js';
import { join } from './protocol.js';
import { saveSeat, loadMemberKeys } from './storage.js';
import { socketUrl } from './connection.js';

// Joins a meeting once, from the join or start page: opens a socket, sends "join", keeps the
// token from "welcome" for the given seat, then closes (the next page resumes with the token).
// It asks for no snapshot (protocol 1.2): this page would drop it unread, and in a big meeting
// it is the whole meeting for a facilitator. Resolves with the welcome; rejects with the
// server's {code, message}.
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
    const timer = setTimeout(() => finish(reject, { code: 'no_answer', message: t('start.joining.no_answer') }), 10000);
    try { ws = new WebSocket(socketUrl(request.code)); } catch { return finish(reject, { code: 'connection_failed', message: t('start.joining.unreachable') }); }
    // Member keys go only when this browser holds some: the server links the person to the
    // meeting's group if one of them is that group's (and tells nobody in the meeting).
    // A room display is a screen, not a person: it sends none (the server ignores them for it too).
    const memberKeys = request.role === 'observer' ? [] : loadMemberKeys();
    // A 1.1 server (one of several behind a proxy, in the middle of an upgrade) does not know
    // "snapshot" and answers unknown_field: the join is then sent again without it.
    let askNoSnapshot = true;
    const send = () => ws.send(JSON.stringify({ ...join(request), member_keys: memberKeys.length ? memberKeys : undefined,
      snapshot: askNoSnapshot ? false : undefined, id: 'j1' }));
    ws.onopen = send;
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === 'welcome') {
        saveSeat(msg.code, seat, { token: msg.token, name: msg.you.name, at: Date.now() });
        finish(resolve, msg);
      } else if (msg.type === 'error' && msg.code === 'unknown_field' && askNoSnapshot) {
        askNoSnapshot = false;
        send();
      } else if (msg.type === 'error') {
        finish(reject, msg);
      }
    };
    ws.onclose = () => finish(reject, { code: 'connection_failed', message: t('start.joining.closed') });
  });
}
