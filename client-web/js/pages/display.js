// Room display (projector): join code and QR code, who speaks with the timer, the queue with
// its reasons, the go-round. It joins as an observer named "Room display" by itself.
import { $, h, setText, Announcer, param } from '../dom.js';
import { MeetingConnection, joinMeeting } from '../connection.js';
import { MeetingModel } from '../meeting.js';
import { normalizeCode } from '../protocol.js';
import * as words from '../words.js';
import { bindConnectionStatus, drawFloor, tickFloor, drawQueue, drawRound, joinUrl, showQr } from '../views.js';

const code = normalizeCode(param('code'));
if (!code) location.replace('/');

const model = new MeetingModel();
const conn = new MeetingConnection({ code, seat: 'display' });
const announcer = new Announcer();

setText($('#code'), code);
setText($('#join-link'), joinUrl(code).replace(/^https?:\/\//, ''));
showQr($('#qr'), code, $('#qr-missing'));
bindConnectionStatus(conn, $('#conn'), announcer);

function pageNotice(text) {
  const el = $('#page-notice');
  el.replaceChildren(text, ' ', h('a', { href: `/display?code=${encodeURIComponent(code)}` }, 'Try again'));
  el.hidden = false;
}

// No token yet: join as the room display ("Room display", then "Room display 2", ... if taken).
async function joinAsDisplay() {
  for (let n = 1; n <= 9; n++) {
    try {
      await joinMeeting({ code, name: n === 1 ? 'Room display' : `Room display ${n}`, role: 'observer', location: 'in_room' }, 'display');
      return conn.restart();
    } catch (e) {
      if (e.code !== 'name_taken') return pageNotice(e.code === 'wrong_code' ? `No meeting has the code ${code}.` : e.message);
    }
  }
  pageNotice('Too many room displays are open for this meeting.');
}

conn.addEventListener('message', (e) => model.handle(e.detail));
conn.addEventListener('need-join', joinAsDisplay);
conn.addEventListener('no-meeting', () => pageNotice('This meeting no longer exists on the server.'));
conn.addEventListener('removed', () => pageNotice('A facilitator removed this display from the meeting.'));

model.addEventListener('change', () => {
  if (!model.ready) return;
  const m = model.meeting || {};
  setText($('#meeting-title'), m.title || 'Meeting');
  document.title = `${m.title || 'Meeting'} · room display · everyvoice`;
  $('#ended').hidden = !(model.meeting && model.meeting.ended);
  drawFloor($('#floor'), model);
  drawRound($('#round'), model);
  setText($('#queue-h'), model.queue.length ? `Queue (${model.queue.length})` : 'Queue');
  setText($('#policy-line'), `Order: ${words.policy(m.policy)}`);
  drawQueue($('#queue'), model, { empty: 'Nobody is waiting. Raise a hand on your phone to speak.' });
  $('#locked-line').hidden = !m.locked;
});
setInterval(() => { if (model.turn) tickFloor($('#floor'), model); }, 1000);
conn.start();
