// Room display (projector): made for one landscape screen (1280×720 up to 1920×1080) that nobody
// scrolls. What is live now comes first: who has the floor and the queue are always on screen;
// a running go-round, an open poll and a proposal in its clarifying, reactions or consent phase
// show while they run. A finished result (a closed poll, an adopted or closed proposal) stays for
// RESULTS_SECONDS after this screen saw it finish, then leaves. The join card (code, QR code,
// link) is large until more than FEW_PARTICIPANTS participants have joined or the first turn
// starts, then a small card in the corner; "J" on the display's keyboard or a click on the card
// makes it large again (and small again); while the meeting is locked it says so instead. Long
// lists (queue, go-round, agreement, answers) show what fits and "+N more". Also: the current
// agenda item, the signals the room sees, the working agreement. It joins as an observer named
// "Room display" (in its own language) by itself. The display has its own language, which the
// person setting it up picks in the small list at the top right (i18n.js: data-language-seat).
//
// ?results_seconds=N (1 to RESULTS_SECONDS) shortens how long a finished result stays: for
// rehearsals and tests. It can only shorten.
import { t, formatNumber, languagePicker } from '../i18n.js';
import { $, h, setText, redraw, Announcer, param } from '../dom.js';
import { MeetingConnection } from '../connection.js';
import { MeetingModel } from '../meeting.js';
import { normalizeCode } from '../protocol.js';
import * as words from '../words.js';
import { bindConnectionStatus, drawFloor, tickFloor, drawQueue, drawRound } from '../views.js';
import { joinUrl, shareLink, showQr } from '../share.js';
import { activeSignals, agreementItems, timeboxText } from '../decide.js';
import { drawResult, turnout, pollState } from '../results.js';
import { sayError } from '../errors.js';

export const RESULTS_SECONDS = 60;   // how long a closed poll's result or a finished proposal stays
export const FEW_PARTICIPANTS = 3;   // the join card is large while at most this many have joined

const resultsMs = (() => {
  const asked = Number.parseInt(param('results_seconds'), 10);
  return (Number.isFinite(asked) ? Math.min(Math.max(asked, 1), RESULTS_SECONDS) : RESULTS_SECONDS) * 1000;
})();

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
  fitAll();
});
showQr($('#qr'), code, $('#qr-missing'));
$('#qr').addEventListener('load', fitAll);
bindConnectionStatus(conn, $('#conn'), announcer);
languagePicker($('#language'));

function pageNotice(text) {
  const el = $('#page-notice');
  el.replaceChildren(text, ' ', h('a', { href: `/display?code=${encodeURIComponent(code)}` }, t('display.try_again')));
  el.hidden = false;
}

// No token yet: join as the room display ("Room display", then "Room display 2", ... if taken).
async function joinAsDisplay() {
  for (let n = 1; n <= 9; n++) {
    try {
      await (await import('../joining.js')).joinMeeting({ code, name: n === 1 ? t('display.name') : t('display.name_numbered', { number: n }), role: 'observer', location: 'in_room' }, 'display');
      return conn.restart();
    } catch (e) {
      if (e.code !== 'name_taken') return pageNotice(sayError(e, { code }));
    }
  }
  pageNotice(t('display.too_many'));
}

conn.addEventListener('message', (e) => model.handle(e.detail));
conn.addEventListener('need-join', joinAsDisplay);
conn.addEventListener('no-meeting', () => pageNotice(t('display.no_meeting')));
conn.addEventListener('removed', () => pageNotice(t('display.removed')));

model.addEventListener('change', draw);

function draw() {
  if (!model.ready) return;
  const m = model.meeting || {};
  setText($('#meeting-title'), m.title || t('display.untitled'));
  document.title = t('display.page_title', { title: m.title || t('display.untitled') });
  $('#ended').hidden = !model.ended;
  $('#not-started').hidden = !model.notStarted;
  drawFloor($('#floor'), model);
  drawRound($('#round'), model);
  setText($('#queue-h'), model.queue.length ? t('display.queue.heading_count', { count: model.queue.length }) : t('display.queue.heading'));
  setText($('#policy-line'), t('display.queue.order', { policy: words.policy(m.policy) }));
  // A projector shows at most a screenful: 20 entries are drawn, fitting keeps what fits.
  drawQueue($('#queue'), model, { empty: model.ended ? t('display.queue.empty_ended') : t('display.queue.empty'), limit: 20, beyondLine: false });
  drawJoin();
  soonest = Infinity;
  drawDecide();
  clearTimeout(expiry);  // draw again when the next shown result runs out
  if (soonest < Infinity) expiry = setTimeout(draw, soonest + 50);
  seenFirst = true;
  fitAll();
}

// --- finished results leave the screen ---
// When this screen first saw each poll or proposal finished (its own clock). What was already
// finished when the page opened counts as old: it is not shown again.
const finishedAt = new Map();
let seenFirst = false;
let expiry = 0;
let soonest = Infinity;  // ms until the next shown result runs out (this draw)
function fresh(key, finished) {
  if (!finished) { finishedAt.delete(key); return true; }
  if (!finishedAt.has(key)) finishedAt.set(key, seenFirst ? Date.now() : -Infinity);
  const left = finishedAt.get(key) + resultsMs - Date.now();
  if (left > 0) soonest = Math.min(soonest, left);
  return left > 0;
}

// --- the join card: large while few have joined, then small; J or a click toggles ---
let joinChoice = null;  // null: by the rule; true / false: someone asked for large / small
let turnSeen = false;
function joinLarge() {
  const m = model.meeting || {};
  if (m.locked || m.ended) return false;
  if (joinChoice !== null) return joinChoice;
  const joined = model.peopleComplete
    ? model.fromPeople('participants joined', () => [...model.people.values()].filter((p) => p.role === 'participant' && !p.proxy).length)
    : model.peopleCount;  // a big meeting: the server's count
  return joined <= FEW_PARTICIPANTS && !turnSeen;
}

function drawJoin() {
  const m = model.meeting || {};
  if (model.turn) turnSeen = true;
  const large = joinLarge();
  $('#grid').classList.toggle('join-large', large);
  $('#join').hidden = !!m.ended;
  $('#join-body').hidden = !!m.locked;
  $('#locked-line').hidden = !m.locked;
  $('#join-size').hidden = !!m.locked;
  setText($('#join-size'), large ? t('display.join.smaller') : t('display.join.larger'));
}

function toggleJoin() {
  if (!model.ready || (model.meeting || {}).locked) return;
  joinChoice = !joinLarge();
  draw();
}
$('#join-size').addEventListener('click', toggleJoin);
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  if (e.key === 'j' || e.key === 'J') toggleJoin();
  else if (e.key === 'Escape' && joinLarge()) toggleJoin();
});

function drawDecide() {
  // The newest open poll, else the newest closed one while it is fresh: turnout, then the result.
  const polls = model.polls.filter((p) => p.status !== 'cancelled');
  const recent = polls.filter((p) => fresh(`poll ${p.id}`, p.status !== 'open'));
  const poll = polls.filter((p) => p.status === 'open').pop() || recent.pop();
  $('#results').hidden = !poll;
  if (poll) {
    const part = (n) => $(`#results [data-part=${n}]`);
    setText($('#results-h'), poll.status === 'open' ? (poll.anonymous ? t('display.poll.open_anonymous') : t('display.poll.open')) : t('display.poll.results'));
    setText(part('question'), poll.question);
    setText(part('turnout'), poll.status === 'open' ? pollState(poll, model.ended) + turnout(poll) : '');
    const result = model.resultOf(poll);
    redraw(part('result'), result ? drawResult(poll, result)
      : poll.status === 'open' ? h('p', { class: 'reason' }, poll.anonymous || poll.results !== 'live' ? t('display.poll.results_at_close') : '') : null);
  }
  // The running proposal, else the newest finished one while it is fresh: phase and answers.
  const live = (p) => ['clarifying', 'reactions', 'consent'].includes(p.phase);
  const recentProposals = model.proposals.filter((p) => fresh(`proposal ${p.id}`, !live(p)));
  const proposal = model.proposals.filter(live).pop() || recentProposals.pop();
  $('#proposal').hidden = !proposal;
  if (proposal) {
    const part = (n) => $(`#proposal [data-part=${n}]`);
    const phase = words.PHASE[proposal.phase] || { label: proposal.phase, hint: '' };
    const ended = { adopted: t('display.proposal.adopted'), not_adopted: t('display.proposal.not_adopted'), withdrawn: t('display.proposal.withdrawn') };
    setText($('#proposal-h'), (!live(proposal) && ended[proposal.phase]) || t('display.proposal.heading'));
    setText(part('title'), proposal.version > 1 ? t('display.proposal.version', { title: proposal.title, version: proposal.version }) : proposal.title);
    setText(part('phase'), live(proposal) ? t('display.proposal.now', { phase: phase.label, hint: phase.hint }).trim() : t('display.proposal.phase', { phase: phase.label }));
    const count = (a) => proposal.answers.filter((x) => x.answer === a).length;
    const open = proposal.objections.filter((o) => o.status === 'open').length;
    const tally = Object.entries(words.ANSWER).map(([a, w]) => t('display.proposal.tally', { answer: w.label, count: count(a) }));
    if (open) tally.push(t('display.proposal.open_objections', { count: open }));
    setText(part('tally'), proposal.answers.length || proposal.phase === 'consent' ? tally.join(' · ') : '');
  }
  // Written points, as many as the facilitator chose: those taken up first, then the most upvoted.
  const count = (model.meeting || {}).points_shown || 0;
  const shownPoints = count ? [...model.points.filter((p) => p.status === 'taken_up'), ...model.points.filter((p) => p.status === 'open')].slice(0, count) : [];
  $('#points').hidden = !shownPoints.length;
  redraw($('#point-list'), shownPoints.map((p) => h('li', { class: `display-point point-${p.status}` },
    p.status === 'taken_up' ? h('span', { class: 'tag tag-status' }, t('display.points_now')) : null,
    h('span', { class: 'display-point-text', dir: 'auto' }, p.text),
    p.upvotes ? h('span', { class: 'votes' }, ` ▲ ${formatNumber(p.upvotes)}`) : null)));
  const signals = activeSignals(model);
  $('#signals').hidden = !signals.length;
  redraw($('#signal-list'), signals.map((x) => h('li', null, t('display.signal', { signal: x.label, count: x.count }))));
  const items = agreementItems(model).filter((i) => i.status === 'adopted');
  $('#agreement').hidden = !items.length;
  redraw($('#agreement-list'), items.map((i) => h('li', { dir: 'auto' }, i.text)));
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

// --- nothing scrolls: a list that does not fit its card shows what fits, then "+N more" ---
const overflows = (el) => el.scrollHeight > el.clientHeight + 1;
// With `drop`, a card that does not fit even without its items leaves the screen for now.
function fitList(card, list, { keep = 0, drop = false } = {}) {
  if (!list) return;
  let more = list.nextElementSibling;
  if (!more || !more.classList.contains('more')) {
    more = h('p', { class: 'more' });
    list.after(more);
  }
  const items = [...list.children].filter((li) => !li.classList.contains('empty'));
  const beyond = Number(list.dataset.beyond || 0);  // entries not drawn at all (a long queue)
  const show = (k) => {
    items.forEach((li, i) => { li.hidden = i >= k; });
    setText(more, t('display.more', { count: items.length - k + beyond }));
    more.hidden = k >= items.length && !beyond;
  };
  show(items.length);
  if (card.hidden || !overflows(card)) return;
  let lo = keep, hi = items.length - 1, best = keep;  // the most items that fit, at least `keep`
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    show(mid);
    if (overflows(card)) hi = mid - 1; else { best = mid; lo = mid + 1; }
  }
  show(best);
  if (drop && best === 0 && overflows(card)) card.hidden = true;
}

function fitAll() {
  if (!model.ready) return;
  fitList($('#agreement'), $('#agreement-list'), { drop: true });  // the least live first
  fitList($('#points'), $('#point-list'), { keep: 1 });
  fitList($('#round'), $('#round [data-part=order]'));
  fitList($('#results'), $('#results .result-rows, #results ul.answers'));
  fitList($('#queue-card'), $('#queue'), { keep: 1 });
}
window.addEventListener('resize', fitAll);

setInterval(() => {
  if (model.turn) tickFloor($('#floor'), model);
  if (model.agenda.current) drawAgenda();
}, 1000);
conn.start();
