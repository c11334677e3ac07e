// Room display (projector): join code and QR code, who speaks with the timer, the queue with
// its reasons, the go-round, the current agenda item, the signals the room sees, the poll (only
// its turnout until the server reveals the result), the proposal, the working agreement. It joins
// as an observer named "Room display" by itself.
import { $, h, setText, redraw, Announcer, param } from '../dom.js';
import { MeetingConnection } from '../connection.js';
import { MeetingModel } from '../meeting.js';
import { normalizeCode } from '../protocol.js';
import * as words from '../words.js';
import { bindConnectionStatus, drawFloor, tickFloor, drawQueue, drawRound } from '../views.js';
import { joinUrl, shareLink, showQr } from '../share.js';
import { activeSignals, agreementItems, timeboxText } from '../decide.js';
import { drawResult, turnout, pollState } from '../results.js';

const code = normalizeCode(param('code'));
if (!code) location.replace('/');

const model = new MeetingModel();
const conn = new MeetingConnection({ code, seat: 'display' });
const announcer = new Announcer();

setText($('#code'), code);
setText($('#join-link'), joinUrl(code).replace(/^https?:\/\//, ''));
shareLink(code).then((share) => {
  setText($('#join-link'), share.link.replace(/^https?:\/\//, ''));
  setText($('#link-warning'), share.warning);
  $('#link-warning').hidden = !share.warning;
});
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
      await (await import('../joining.js')).joinMeeting({ code, name: n === 1 ? 'Room display' : `Room display ${n}`, role: 'observer', location: 'in_room' }, 'display');
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
  drawDecide();
});

function drawDecide() {
  // The newest open poll, else the newest closed one: its turnout, and its result once shown.
  const polls = model.polls.filter((p) => p.status !== 'cancelled');
  const poll = polls.filter((p) => p.status === 'open').pop() || polls.pop();
  $('#results').hidden = !poll;
  if (poll) {
    const part = (n) => $(`#results [data-part=${n}]`);
    setText($('#results-h'), poll.status === 'open' ? `Poll: open${poll.anonymous ? ', anonymous' : ''}` : 'Poll: results');
    setText(part('question'), poll.question);
    setText(part('turnout'), poll.status === 'open' ? pollState(poll, model.ended) + turnout(poll) : '');
    const result = poll.result || null;
    redraw(part('result'), result ? drawResult(poll, result)
      : poll.status === 'open' ? h('p', { class: 'reason' }, poll.anonymous || poll.results !== 'live' ? 'Results show when the poll closes.' : '') : null);
  }
  // The running proposal, else the last one: its phase and the count of answers.
  const proposal = model.proposals.filter((p) => ['clarifying', 'reactions', 'consent'].includes(p.phase)).pop();
  $('#proposal').hidden = !proposal;
  if (proposal) {
    const part = (n) => $(`#proposal [data-part=${n}]`);
    setText(part('title'), proposal.version > 1 ? `${proposal.title} (version ${proposal.version})` : proposal.title);
    setText(part('phase'), `Now: ${words.PHASE[proposal.phase].label}. ${words.PHASE[proposal.phase].hint}`);
    const count = (a) => proposal.answers.filter((x) => x.answer === a).length;
    const open = proposal.objections.filter((o) => o.status === 'open').length;
    setText(part('tally'), proposal.phase === 'consent'
      ? `${Object.entries(words.ANSWER).map(([a, w]) => `${w.label} ${count(a)}`).join(' · ')}${open ? ` · ${words.plural(open, 'open objection')}` : ''}` : '');
  }
  const signals = activeSignals(model);
  $('#signals').hidden = !signals.length;
  redraw($('#signal-list'), signals.map((x) => h('li', null, `${x.label} (${x.count})`)));
  const items = agreementItems(model).filter((i) => i.status === 'adopted');
  $('#agreement').hidden = !items.length;
  redraw($('#agreement-list'), items.map((i) => h('li', null, i.text)));
  drawAgenda();
}

function drawAgenda() {
  const item = model.agenda.items.find((i) => i.current);
  $('#agenda-now').hidden = !item;
  if (!item) return;
  setText($('#agenda-now [data-part=title]'), item.title);
  const time = $('#agenda-now [data-part=time]');
  setText(time, timeboxText(model, item));
  time.classList.toggle('over', !!item.timebox_minutes && model.usedMs(item) > item.timebox_minutes * 60000);
}

setInterval(() => {
  if (model.turn) tickFloor($('#floor'), model);
  if (model.agenda.current) drawAgenda();
}, 1000);
conn.start();
