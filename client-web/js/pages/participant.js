// Participant page (phone first): my hand and its kind, my place and why, who speaks and the
// timer, my go in a round, my presence; the rest is in participate.js.
import { t, formatNumber, formatTime } from '../i18n.js';
import { $, h, redraw, setText, Announcer, act, toast, param } from '../dom.js';
import { MeetingConnection } from '../connection.js';
import { MeetingModel, EVERYTHING } from '../meeting.js';
import { Windowed } from '../lists.js';
import * as msg from '../protocol.js';
import * as words from '../words.js';
import { moveSeat } from '../storage.js';
import { mountParticipation } from '../participate.js';
import { bindConnectionStatus, drawMeetingRoles, drawFloor, tickFloor, drawQueue, drawRound, personTags, peopleInOrder, queueReason } from '../views.js';
import { sayError } from '../errors.js';
import { loadCues, saveCues, canVibrate, unlockSound, cue } from '../cues.js';

const code = msg.normalizeCode(param('code'));
if (!code) location.replace('/join');

const model = new MeetingModel();
const conn = new MeetingConnection({ code, seat: 'participant' });
const announcer = new Announcer();
const send = (button, message) => act(button, () => conn.send(message));
const renderParticipation = mountParticipation(model, conn, announcer);

setText($('#meeting-code'), code);
bindConnectionStatus(conn, $('#conn'), announcer);
conn.addEventListener('message', (e) => model.handle(e.detail));
conn.addEventListener('need-join', () => location.replace(`/join?code=${encodeURIComponent(code)}&again=1`));
conn.addEventListener('no-meeting', () => pageNotice(t('participant.page.gone'), '/', t('participant.page.gone_link')));
conn.addEventListener('removed', () => pageNotice(t('participant.page.removed'), `/join?code=${encodeURIComponent(code)}`, t('participant.page.removed_link')));
conn.addEventListener('server-error', (e) => toast(sayError(e.detail)));

function pageNotice(text, href, linkText) {
  const el = $('#page-notice');
  el.replaceChildren(text, ' ', href ? h('a', { href }, linkText) : '');
  el.hidden = false;
}

// --- the kinds of hand, from the protocol's list, with words for each ---
$('#kinds').replaceChildren(...msg.HAND_KINDS.map((kind, i) =>
  h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'kind', value: kind, checked: i === 0 }),
    h('span', null, h('strong', null, words.HAND_KIND[kind].label), h('span', { class: 'hint' }, words.HAND_KIND[kind].hint)))));

$('#raise').addEventListener('click', (e) => {
  const kind = (document.querySelector('input[name=kind]:checked') || {}).value || 'new_point';
  send(e.currentTarget, msg.raiseHand(kind)).then((ok) => ok && $('#lower').focus());
});
$('#lower').addEventListener('click', (e) => send(e.currentTarget, msg.lowerHand()).then((ok) => ok && $('#raise').focus()));
$('#end-turn').addEventListener('click', (e) => send(e.currentTarget, msg.endTurn()));
$('#round-speak').addEventListener('click', (e) => send(e.currentTarget, msg.roundSpeak()));
$('#round-pass').addEventListener('click', (e) => send(e.currentTarget, msg.roundPass()));
$('#presence').addEventListener('click', (e) => {
  const me = model.me;
  if (me) send(e.currentTarget, msg.setPresence(me.presence === 'away' ? 'here' : 'away'));
});
// The form to change my details is made when first opened (profile.js).
$('#profile').addEventListener('toggle', () => {
  if ($('#profile').open && model.me) import('../profile.js').then((m) => m.showProfile($('#profile'), model.me, send, ({ preference }) => { model.myPreference = preference; }));
});

// --- cues beyond the screen: a buzz or a sound when I am next or have the floor (cues.js) ---
const cues = loadCues();
$('#cue-vibrate-label').hidden = !canVibrate();
$('#cue-vibrate').checked = cues.vibrate;
$('#cue-sound').checked = cues.sound;
$('#cues').addEventListener('change', (e) => {
  cues.vibrate = $('#cue-vibrate').checked;
  cues.sound = $('#cue-sound').checked;
  saveCues(cues);
  if (cues.sound) unlockSound();
  if (e.target.checked) cue('next', { vibrate: e.target.id === 'cue-vibrate', sound: e.target.id === 'cue-sound' });  // what it will feel like
});
if (cues.sound) document.addEventListener('pointerdown', unlockSound, { once: true });  // after a reload: the first tap

// --- drawing ---
let before = { position: null, speaker: null, up: null };
let floorQueueEmpty = null;  // the queue's emptiness the floor was last drawn with

// Who is here: drawn only while "Show who is here" is open, a page at a time with a search.
const peopleList = new Windowed($('#people'), {
  noun: 'people', name: (p) => p.name, key: (p) => p.id,
  sign: (p) => `${p.name}|${p.role}|${p.location}|${p.proxy}|${p.presence}|${p.id === model.you}`,
  draw: (p) => h('li', { class: 'person-line' }, h('span', null, p.id === model.you ? t('participant.you_name', { name: p.name }) : p.name), personTags(p)),
});
// In a big meeting the server sends the facilitators only (and the count): the list says so.
function drawPeople() {
  setText($('#people-count'), formatNumber(model.peopleCount));
  $('#people-big').hidden = model.peopleComplete;
  if (!$('#people-details').open) return;
  const people = peopleInOrder(model);
  peopleList.set(model.peopleComplete ? people : people.filter((p) => p.role === 'facilitator' || p.role === 'co_facilitator' || p.id === model.you));
}
$('#people-details').addEventListener('toggle', () => { if (model.ready) drawPeople(); });

// The current agenda item and the time it has used (ticks every second, like the floor's timer).
function drawAgendaNow() {
  const current = ((model.agenda || {}).items || []).find((i) => i.current);
  setText($('#agenda-now'), !current ? t('participant.agenda.none')
    : current.timebox_minutes ? t('participant.agenda.now_timed', { title: current.title, used: words.duration(model.usedMs(current)), count: current.timebox_minutes })
      : t('participant.agenda.now', { title: current.title }));
}

function render(e) {
  if (!model.ready || !model.me) return;
  const changed = (e && e.detail.changed) || EVERYTHING;
  const has = (...parts) => parts.some((x) => changed.has(x));
  const me = model.me;
  const r = model.round;
  const place = model.myPlace();

  if (has('meeting', 'people')) {
    const title = model.meeting && model.meeting.title;
    setText($('#meeting-title'), title || t('participant.page.meeting'));
    document.title = t('participant.page.title', { title: title || t('participant.page.meeting') });
    // A facilitator role (or a room-display role) belongs on another page.
    if (model.audience !== 'participant') {
      const page = model.audience === 'facilitator' ? 'facilitator' : 'display';
      const el = $('#page-notice');
      const facilitator = model.audience === 'facilitator';
      el.replaceChildren(`${facilitator ? t('participant.page.now_facilitator') : t('participant.page.now_display')} `,
        h('a', { href: `/${page}?code=${encodeURIComponent(code)}`, onclick: () => moveSeat(code, 'participant', page) },
          facilitator ? t('participant.page.open_console') : t('participant.page.open_display')));
      el.hidden = false;
    }
    $('#ended').hidden = !(model.meeting && model.meeting.ended);
    $('#not-started').hidden = !model.notStarted;
    drawMeetingRoles($('#meeting-roles'), model.meeting);
    // The video call, for people taking part remotely.
    const call = model.callLink;
    $('#call').hidden = !call || me.location !== 'remote' || model.ended;
    if (call) $('#call-open').href = call;
    // Me and the people here.
    setText($('#me-name'), me.name);
    redraw($('#me-tags'), personTags(me));
    setText($('#presence'), me.presence === 'away' ? t('participant.me.back') : t('participant.me.away'));
    if (has('people', 'meeting')) drawPeople();
    // Ended: read-only. Nothing to raise, send or change any more; the record stays readable.
    for (const el of ['#hand', '#queue-card', '#presence', '#profile']) $(el).hidden = model.ended;
    // Being prepared: nobody raises a hand until a facilitator starts the meeting.
    if (model.notStarted) $('#hand').hidden = true;
  }

  // The floor: its words depend on the queue only through whether it is empty (a hand going up in
  // a long queue leaves the floor as it was).
  const queueEmpty = model.queue.length === 0;
  if (has('turn', 'round', 'people', 'meeting') || (changed.has('queue') && queueEmpty !== floorQueueEmpty)) {
    floorQueueEmpty = queueEmpty;
    drawFloor($('#floor'), model);
    $('#my-turn').hidden = !(model.turn && model.turn.participant === model.you);
  }

  if (has('round', 'turn', 'people')) {
    // The go-round.
    drawRound($('#round'), model);
    const myGo = !!r && r.up === model.you && !(model.turn && model.turn.in_round && model.turn.participant === model.you);
    $('#round-mine').hidden = !myGo;
  }

  if (has('queue', 'people', 'meeting')) {
    // My hand and my place.
    $('#hand-down').hidden = !!place;
    $('#hand-up').hidden = !place;
    if (place) {
      const n = model.queue.length;
      setText($('#place'), t('participant.hand.place', { place: words.ordinal(place.position + 1), total: n }));
      setText($('#place-reason'), t('participant.hand.why', { reason: queueReason(place, model) }));
      setText($('#place-kind'), t('participant.hand.raised', { kind: words.handKind(place.kind), time: formatTime(place.raised_at) }));
      $('#next-banner').hidden = place.position !== 0 || place.away;
    }
    // The queue, in the server's order with the server's reasons.
    setText($('#queue-h'), t('participant.queue.heading', { count: model.queue.length }));
    setText($('#policy-line'), model.meeting ? t('participant.queue.order', { policy: words.policy(model.meeting.policy), hint: words.POLICY[model.meeting.policy]?.hint || '' }) : '');
    drawQueue($('#queue'), model, { limit: 20 });  // a phone: the next 20, and my own entry
  }

  if (has('agenda', 'meeting')) {
    // The agenda: what is being discussed now, and what comes.
    const agenda = model.agenda || { items: [], current: null };
    $('#agenda').hidden = !agenda.items.length;
    drawAgendaNow();
    redraw($('#agenda-list'), agenda.items.map((i) => h('li', { class: i.current ? 'current' : null, 'aria-current': i.current ? 'step' : null },
      i.title, i.timebox_minutes ? h('span', { class: 'muted' }, ` · ${t('participant.agenda.minutes', { count: i.timebox_minutes })}`) : null)));
  }

  renderParticipation(e);
  announce(place, r, e.detail.events);
}

// Says what changed for me, once: "you are next", "you have the floor", "your go".
function announce(place, r, events) {
  const position = place ? place.position : null;
  const speaker = model.turn ? model.turn.participant : null;
  const up = r ? r.up : null;
  const news = [];
  if (events.some((ev) => ev.kind === 'meeting_started')) news.push(t('participant.page.started'));
  for (const ev of events) {
    if (ev.participant !== model.you) continue;
    if (ev.kind === 'entry_removed') news.push(t('participant.news.hand_removed', { reason: ev.reason }));
    if (ev.kind === 'entry_moved') news.push(t('participant.news.moved', { reason: ev.reason }));
  }
  let mine = null;  // a cue for me: 'floor' or 'next'
  if (speaker !== before.speaker && speaker != null) {
    news.push(speaker === model.you ? t('participant.floor.yours') : t('participant.news.floor', { name: model.name(speaker) }));
    if (speaker === model.you) mine = 'floor';
  }
  // Next, often because the one before me was just called: said after who has the floor.
  if (position === 0 && before.position !== 0 && !place.away && speaker !== model.you) {
    news.push(t('participant.hand.next'));
    mine = mine || 'next';
  }
  if (up === model.you && before.up !== model.you && speaker !== model.you) {
    news.push(t('participant.news.your_go'));
    mine = mine || 'floor';
  }
  if (before.ready && mine) cue(mine, cues);
  if (before.ready && news.length) announcer.say(news.join(' '));
  before = { position, speaker, up, ready: true };
}

model.addEventListener('change', render);
setInterval(() => {
  if (model.turn) tickFloor($('#floor'), model);
  if (model.ready && model.agenda && model.agenda.current && !model.ended) drawAgendaNow();
}, 1000);
conn.start();
