// Facilitator console: the queue with the server's reasons, call next, overrides with a reason,
// end turn, policy, turn limit, go-rounds, proxies, roles, lock, the equity dashboard, sharing,
// the signals. Polls, consent rounds, written points, the agreement, the agenda and the record are
// panels in tabs, each a module loaded when its tab is first opened (js/panels/*.js).
// Every button sends one protocol message; the server decides whether it is allowed and what
// follows, and the console redraws from what the server sends back.
import { t, formatNumber } from '../i18n.js';
import { $, h, redraw, setText, Announcer, act, toast, notify, param } from '../dom.js';
import { MeetingConnection } from '../connection.js';
import { MeetingModel, EVERYTHING } from '../meeting.js';
import { keyed, Windowed } from '../lists.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';
import { moveSeat, loadKey, cardSaved, markCardSaved } from '../storage.js';
import { bindConnectionStatus, drawMeetingRoles, drawFloor, tickFloor, drawQueue, drawRound, personTags, peopleInOrder } from '../views.js';
import { joinUrl, shareLink, showQr } from '../share.js';
import { drawEquity } from '../equity.js';
import { sayError } from '../errors.js';

const code = msg.normalizeCode(param('code'));
if (!code) location.replace('/');

const model = new MeetingModel();
const conn = new MeetingConnection({ code, seat: 'facilitator' });
const announcer = new Announcer();
const send = (button, message) => act(button, () => conn.send(message));

setText($('#meeting-code'), code);
bindConnectionStatus(conn, $('#conn'), announcer);
conn.addEventListener('message', (e) => model.handle(e.detail));
conn.addEventListener('need-join', showJoin);
conn.addEventListener('no-meeting', () => pageNotice(t('console.notice.no_meeting'), '/', t('console.notice.start_new')));
conn.addEventListener('removed', () => pageNotice(t('console.notice.removed'), '/', t('console.notice.back_to_start')));
conn.addEventListener('server-error', (e) => toast(sayError(e.detail)));

function pageNotice(text, href, linkText, onclick) {
  const el = $('#page-notice');
  el.replaceChildren(text, ' ', href ? h('a', { href, onclick }, linkText) : '');
  el.hidden = false;
}

// --- joining (this browser has no token for the console yet): the form comes with its module ---
function showJoin() {
  $('#console').hidden = true;
  import('../panels/join.js').then((m) => m.showJoin($('#join-panel'), code, () => conn.restart()))
    .catch(() => pageNotice(t('console.notice.join_failed'), location.href, t('console.notice.try_again')));
}

// --- sharing ---
let link = joinUrl(code);
setText($('#share-code'), code);
$('#join-link').href = link;
setText($('#join-link'), link);
shareLink(code).then((share) => {
  link = share.link;
  $('#join-link').href = link;
  setText($('#join-link'), link);
  setText($('#link-warning'), share.warning);
  $('#link-warning').hidden = !share.warning;
});
$('#display-link').href = `/display?code=${encodeURIComponent(code)}`;
// The QR code (the room display shows it large) comes on request, to keep the console light.
$('#show-qr').addEventListener('click', (e) => {
  const show = e.currentTarget.getAttribute('aria-expanded') !== 'true';
  if (show && !$('#qr').src) showQr($('#qr'), code, $('#qr-missing'));
  $('#qr').hidden = !show;
  e.currentTarget.setAttribute('aria-expanded', String(show));
  setText(e.currentTarget, show ? t('console.share.hide_qr') : t('console.share.show_qr'));
});
$('#copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(link);
    toast(t('console.share.copied'), 'info');
  } catch {
    getSelection().selectAllChildren($('#join-link'));
    toast(t('console.share.copy_blocked'), 'info');
  }
});

// --- the video call's link: remote people get "Open the call" ---
$('#call-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const link = $('#call-link').value.trim();
  // The server's rule (PROTOCOL.md, set_call_link), said before sending, in words.
  if (link && !/^https:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i.test(link)) {
    toast(t('console.call.invalid'));
    $('#call-link').focus();
    return;
  }
  if (await send(e.currentTarget.querySelector('button[type=submit]'), msg.setCallLink(link))) {
    $('#call-link').value = '';
    toast(link ? t('console.call.saved') : t('console.call.removed'), 'info');
  }
});
$('#call-remove').addEventListener('click', (e) => send(e.currentTarget, msg.setCallLink('')).then((ok) => ok && toast(t('console.call.removed'), 'info')));
function drawCallLink() {
  const link = model.callLink;
  $('#call-current').hidden = !link;
  $('#call-remove').hidden = !link;
  if (link) $('#call-open').href = link;
  $('#call-form').hidden = model.ended;
}

// --- the facilitator card: the key, to keep (shown once, and on request) ---
const consoleLink = () => `${new URL(link).origin}/facilitator?code=${encodeURIComponent(code)}`;
function showKeyCard() {
  const key = loadKey(code);
  if (!key) return;
  import('../panels/key-card.js').then((m) => m.showKeyCard($('#key-card'), {
    title: (model.meeting || {}).title || t('console.page.meeting'), code, consoleLink: consoleLink(), key,
    onSaved: () => { markCardSaved(code); $('#show-key-card').focus(); },
  })).catch(() => toast(t('console.notice.key_card_failed')));
}
$('#show-key-card').addEventListener('click', () => {
  showKeyCard();
  $('#key-card').scrollIntoView({ block: 'start' });
});
let cardOffered = false;
function offerKeyCard() {
  $('#show-key-card').hidden = !loadKey(code);
  if (cardOffered || !loadKey(code)) return;
  cardOffered = true;
  if (!cardSaved(code)) showKeyCard();
}

// --- static choices, from the protocol's lists ---
$('#raise-kind').replaceChildren(...msg.HAND_KINDS.map((k) => h('option', { value: k }, words.handKind(k))));
$('#round-order').replaceChildren(...msg.ROUND_ORDERS.map((o) => h('option', { value: o }, words.ROUND_ORDER[o])));
$('#policies').replaceChildren(...msg.POLICIES.map((p) => h('label', { class: 'choice' },
  h('input', { type: 'radio', name: 'policy', value: p }),
  h('span', null, h('strong', null, words.POLICY[p].label), h('span', { class: 'hint' }, words.POLICY[p].hint)))));
const LIMITS = [0, 60, 90, 120, 180, 300, 600];

// --- the floor ---
$('#call-next').addEventListener('click', (e) => send(e.currentTarget, msg.callNext()));
$('#end-turn').addEventListener('click', (e) => send(e.currentTarget, msg.endTurn()));

// --- a dialog for anything that needs a reason or a second thought ---
const dialog = $('#dialog');
let dialogAction = null;
let dialogReturn = null;
function ask({ title, text = '', reason = 'required', reasonLabel = t('console.dialog.reason'), position = null, ok = t('console.dialog.confirm'), run }) {
  dialogReturn = document.activeElement;
  setText($('#dialog-h'), title);
  setText($('#dialog-text'), text);
  $('#dialog-text').hidden = !text;
  $('#dialog-reason-field').hidden = reason === 'none';
  $('#dialog-reason').required = reason === 'required';
  $('#dialog-reason').value = '';
  setText($('#dialog-reason-label'), reasonLabel);
  $('#dialog-position-field').hidden = position == null;
  $('#dialog-position').required = position != null;
  if (position != null) { $('#dialog-position').value = String(position.value); $('#dialog-position').max = String(position.max); }
  setText($('#dialog-ok'), ok);
  notify($('#dialog-error'), '');
  dialogAction = run;
  dialog.showModal();
}
$('#dialog-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const reason = $('#dialog-reason').value.trim();
  const position = Number($('#dialog-position').value);
  try {
    await dialogAction({ reason, position });
    dialog.close();
  } catch (err) {
    notify($('#dialog-error'), sayError(err));
  }
});
$('#dialog-cancel').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => { if (dialogReturn && dialogReturn.isConnected) dialogReturn.focus(); });

// --- queue entries: one listener for every button in the list ---
function entryActions(entry, person) {
  const id = entry.participant;
  const mine = id === model.you;
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'small', dataset: { action: 'call', id: String(id), key: `call-${id}` } }, t('console.queue.call')),
    h('button', { type: 'button', class: 'small secondary', dataset: { action: 'move', id: String(id), key: `move-${id}` } }, t('console.queue.move')),
    person.proxy || mine
      ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'lower', id: String(id), key: `lower-${id}` } }, mine ? t('console.queue.lower_mine') : t('console.queue.lower'))
      : h('button', { type: 'button', class: 'small danger', dataset: { action: 'remove', id: String(id), key: `remove-${id}` } }, t('console.queue.take_down')));
}
$('#queue').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const id = Number(b.dataset.id);
  const who = model.name(id);
  const entry = model.queue.find((q) => q.participant === id);
  if (b.dataset.action === 'call') {
    ask({ title: t('console.queue.call_title', { name: who }), text: entry && entry.position === 0 ? '' : t('console.queue.call_not_first', { name: who }),
      reason: 'optional', reasonLabel: t('console.queue.call_reason'), ok: t('console.queue.call_ok', { name: who }),
      run: ({ reason }) => conn.send(msg.callSpeaker(id, reason)) });
  } else if (b.dataset.action === 'move') {
    ask({ title: t('console.queue.move_title', { name: who }), position: { value: entry ? entry.position + 1 : 1, max: model.queue.length }, ok: t('console.queue.move_ok'),
      text: t('console.queue.move_text', { name: who }),
      run: ({ reason, position }) => conn.send(msg.moveEntry(id, Math.max(0, position - 1), reason)) });
  } else if (b.dataset.action === 'remove') {
    ask({ title: t('console.queue.take_down_title', { name: who }), ok: t('console.queue.take_down_ok'), run: ({ reason }) => conn.send(msg.removeEntry(id, reason)) });
  } else if (b.dataset.action === 'lower') {
    send(b, msg.lowerHand(id === model.you ? undefined : id));
  }
});
$('#raise-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const forId = Number(form.elements.for.value);
  send(form.querySelector('button'), msg.raiseHand(form.elements.kind.value, forId === model.you ? undefined : forId));
});

// --- go-rounds ---
$('#round-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (await send(form.querySelector('button'), msg.startRound(form.elements.topic.value.trim(), form.elements.order.value))) {
    form.reset();
    $('#round-speak').focus();
  }
});
$('#round-speak').addEventListener('click', (e) => send(e.currentTarget, msg.roundSpeak()));
$('#round-pass').addEventListener('click', (e) => send(e.currentTarget, msg.roundPass()));
$('#round-skip').addEventListener('click', () => {
  const up = model.round && model.round.up;
  ask({ title: t('console.round.skip_title', { name: model.name(up) }), ok: t('console.round.skip_ok'), run: ({ reason }) => conn.send(msg.roundSkip(reason)) });
});
$('#round-end').addEventListener('click', (e) => send(e.currentTarget, msg.endRound()).then((ok) => ok && $('#round-topic').focus()));

// --- settings ---
$('#policies').addEventListener('change', (e) => {
  if (e.target.name === 'policy') send(null, msg.setPolicy(e.target.value)).then((ok) => ok || render());
});
$('#limit-form').addEventListener('submit', (e) => {
  e.preventDefault();
  send(e.currentTarget.querySelector('button'), msg.setTurnLimit(Number($('#turn-limit').value)));
});
$('#start-meeting').addEventListener('click', (e) => send(e.currentTarget, msg.startMeeting()));
$('#locked').addEventListener('change', (e) => send(null, msg.setLocked(e.target.checked)).then((ok) => ok || render()));

// --- people: roles, presence, removal, proxies ---
function personActions(p) {
  if (p.id === model.you) return null;
  const id = String(p.id);
  const button = (action, label, cls = 'small secondary') => h('button', { type: 'button', class: cls, dataset: { action, id, key: `${action}-${id}` } }, label);
  const make = { participant: t('console.people.make_participant'), co_facilitator: t('console.people.make_co_facilitator'), facilitator: t('console.people.make_facilitator') };
  const roles = (p.proxy || p.role === 'observer' ? [] : msg.ROLES.filter((r) => r !== p.role && r !== 'observer')).map((r) =>
    h('button', { type: 'button', class: 'small secondary', dataset: { action: 'role', role: r, id, key: `role-${r}-${id}` } },
      make[r] || r));
  return h('details', { class: 'manage', dataset: { key: `manage-${id}` } },
    h('summary', null, t('console.people.manage', { name: p.name })),
    h('div', { class: 'manage-body' },
      h('div', { class: 'actions' }, roles,
        !p.proxy && p.role !== 'observer' ? button('hand-over', t('console.people.hand_over')) : null,
        button('presence', p.presence === 'away' ? t('console.people.mark_here') : t('console.people.mark_away')),
        button('remove-person', t('console.people.remove'), 'small danger'))));
}
$('#people').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const id = Number(b.dataset.id);
  const p = model.people.get(id);
  if (!p) return;
  switch (b.dataset.action) {
    case 'role': return send(b, msg.setRole(id, b.dataset.role));
    case 'presence': return send(b, msg.setPresence(p.presence === 'away' ? 'here' : 'away', id));
    case 'hand-over':
      return ask({ title: t('console.people.hand_over_title', { name: p.name }), text: t('console.people.hand_over_text', { name: p.name }),
        reason: 'none', ok: t('console.people.hand_over_ok'), run: () => conn.send(msg.handOver(id)) });
    case 'remove-person':
      return ask({ title: t('console.people.remove_title', { name: p.name }), text: t('console.people.remove_text', { name: p.name }),
        reason: 'none', ok: t('console.people.remove_ok'), run: () => conn.send(msg.removeParticipant(id)) });
    default:
  }
});
$('#proxy-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (await send(form.querySelector('button'), msg.addProxy(form.elements.name.value.trim(), form.elements.location.value))) {
    toast(t('console.people.proxy_added', { name: form.elements.name.value.trim() }), 'info');
    form.elements.name.value = '';
  }
});

// --- signals: always in sight ---
$('#signal-settings').addEventListener('toggle', () => {
  const sg = model.signals;
  if (!sg || !$('#signal-settings').open) return;
  $('#signal-window-input').value = String(sg.window_seconds);
  $('#signal-threshold-input').value = String(sg.display_threshold);
});
$('#signal-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.currentTarget.elements;
  if (await send(e.currentTarget.querySelector('button'), msg.setSignalSettings(Number(f.window.value), Number(f.threshold.value)))) {
    $('#signal-settings').open = false;
    toast(t('console.signals.saved'), 'info');
  }
});
let lastSignals = null;  // none yet: what is there at load is not news
function drawSignals() {
  const sg = model.signals;
  if (!sg) return;
  const active = Object.entries(sg.counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => ({ kind, count, label: words.SIGNAL[kind] || kind }));
  setText($('#signal-window'), t('console.signals.window', { duration: words.duration(sg.window_seconds * 1000), count: sg.display_threshold }));
  redraw($('#signal-counts'), active.map((x) => h('li', { class: x.count >= sg.display_threshold ? 'shown' : '' },
    t('console.signals.count', { label: x.label, count: x.count }), x.count >= sg.display_threshold ? h('span', { class: 'sr-only' }, ` ${t('console.signals.shown')}`) : null)));
  $('#signal-none').hidden = active.length > 0;
  $('#signal-strip').classList.toggle('quiet', !active.length);
  // Said aloud when a count grows (counts also fade as the window slides: that is not news).
  const grown = lastSignals ? active.filter((x) => x.count > (lastSignals[x.kind] || 0)) : [];
  if (grown.length) announcer.say(t('console.signals.announce', { signals: grown.map((x) => t('console.signals.announce_item', { label: x.label, count: x.count })).join(', ') }));
  lastSignals = Object.fromEntries(active.map((x) => [x.kind, x.count]));
}

// --- panels in tabs, each loaded on first use ---
const tabs = [...document.querySelectorAll('#tabs [role=tab]')];
const panels = new Map();  // name -> render function, once loaded
const panelCtx = { model, conn, send, ask, announcer, code, toast };
async function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const on = other === tab;
    other.setAttribute('aria-selected', String(on));
    other.tabIndex = on ? 0 : -1;
    $(`#${other.getAttribute('aria-controls')}`).hidden = !on;
  }
  if (focus) tab.focus();
  const name = tab.dataset.panel;
  if (name === 'room' || panels.has(name)) return renderPanel(name);
  panels.set(name, null);
  if (!$('link[href="/css/decide.css"]')) document.head.append(h('link', { rel: 'stylesheet', href: '/css/decide.css' }));
  try {
    const module = await import(`../panels/${name}.js`);
    panels.set(name, module.mount($(`#panel-${name}`), panelCtx));
    renderPanel(name);
  } catch (err) {
    panels.delete(name);
    toast(t('console.notice.panel_failed'));
  }
}
function renderPanel(name, e) {
  const draw = panels.get(name);
  if (draw && model.ready && !$(`#panel-${name}`).hidden) draw(e);
}
$('#tabs').addEventListener('click', (e) => { const tab = e.target.closest('[role=tab]'); if (tab) selectTab(tab); });
$('#tabs').addEventListener('keydown', (e) => {
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
  if (to == null) return;
  e.preventDefault();
  selectTab(tabs[(to + tabs.length) % tabs.length], true);
});
// What waits in each panel, on its tab: open polls, running proposals, open points, proposed items.
const badgeLabel = {
  polls: (count) => t('console.tabs.badge_polls', { count }),
  consent: (count) => t('console.tabs.badge_consent', { count }),
  points: (count) => t('console.tabs.badge_points', { count }),
  agreement: (count) => t('console.tabs.badge_agreement', { count }),
};
function drawBadges() {
  const counts = {
    polls: model.polls.filter((p) => p.status === 'open').length,
    consent: model.proposals.filter((p) => ['clarifying', 'reactions', 'consent'].includes(p.phase)).length,
    points: model.points.filter((p) => p.status === 'open' || p.status === 'pending').length,
    agreement: model.agreement.filter((i) => i.status === 'proposed').length,
  };
  for (const [name, n] of Object.entries(counts)) {
    const badge = $(`#tab-${name} .badge`);
    badge.hidden = !n;
    setText(badge, n ? formatNumber(n) : '');
    if (n) badge.setAttribute('aria-label', badgeLabel[name](n)); else badge.removeAttribute('aria-label');
  }
}

// --- drawing: each part only when what it shows changed (detail.changed, js/meeting.js) ---
let lastSpeaker = null;

// Hands going up are said together, at most once every 1.5 s: in a big meeting a screen reader
// would otherwise be cut off by the next hand before it finished the last one.
const HANDS_SAY_MS = 1500;
let handsToSay = [];
let handsTimer = 0;
function sayHands() {
  handsTimer = 0;
  const names = handsToSay;
  handsToSay = [];
  if (!names.length) return;
  const shown = names.slice(0, 3).join(', ');
  announcer.say(names.length > 3 ? t('console.announce.hands_more', { names: shown, count: names.length - 3 }) : t('console.announce.hands', { names: shown, count: names.length }));
}

// People: a page of the list with a search once the meeting outgrows it (js/lists.js); the room
// displays apart (they are screens, not people), each still removable.
const personSign = (p) => `${p.name}|${p.role}|${p.location}|${p.proxy}|${p.presence}|${p.preference}|${p.id === model.you}`;
const personRow = (p) => h('li', null,
  h('div', { class: 'person-line' }, h('strong', null, p.id === model.you ? t('console.people.name_you', { name: p.name }) : p.name), personTags(p),
    p.preference && p.preference !== 'none' ? h('span', { class: 'tag tag-plain' }, words.PREFERENCE[p.preference]) : null),
  personActions(p));
const peopleList = new Windowed($('#people'), { name: (p) => p.name, key: (p) => p.id, sign: personSign, draw: personRow });
function drawPeople() {
  const everyone = peopleInOrder(model, { withDisplays: true });
  const people = model.fromPeople('people, not displays', () => everyone.filter((p) => p.role !== 'observer'));
  const screens = model.fromPeople('displays', () => everyone.filter((p) => p.role === 'observer'));
  setText($('#people-h'), t('console.people.heading_count', { count: people.length }));
  peopleList.set(people);
  $('#displays-h').hidden = !screens.length;
  setText($('#displays-h'), t('console.people.displays_count', { count: screens.length }));
  keyed($('#displays'), screens, { key: (p) => p.id, sign: personSign, draw: personRow });
}

// Which parts of the model each panel shows (a panel draws only when one of them changed).
const PANEL_NEEDS = {
  polls: ['polls', 'people', 'meeting'],
  consent: ['proposals', 'people', 'agreement', 'meeting'],
  points: ['points', 'people', 'meeting'],
  agreement: ['agreement', 'people', 'meeting'],
  record: ['decisions', 'agenda', 'meeting', 'people'],
};

function render(e) {
  if (!model.ready || !model.me) return;
  const changed = (e && e.detail.changed) || EVERYTHING;
  const has = (...parts) => parts.some((x) => changed.has(x));
  $('#console').hidden = false;
  const me = model.me;
  const m = model.meeting || {};

  if (has('meeting', 'people')) {
    setText($('#meeting-title'), m.title || t('console.page.meeting'));
    offerKeyCard();
    document.title = t('console.page.doc_title', { title: m.title || t('console.page.meeting') });
    setText($('#me-line'), `${me.name} · ${words.role(me.role)}`);
    if (model.audience !== 'facilitator') {
      const page = model.audience === 'display' ? 'display' : 'participant';
      pageNotice(t('console.notice.not_facilitator'), `/${page}?code=${encodeURIComponent(code)}`,
        page === 'display' ? t('console.share.open_display') : t('console.notice.continue_participant'), () => moveSeat(code, 'facilitator', page));
    } else {
      $('#page-notice').hidden = true;
    }
    $('#ended').hidden = !model.ended;
    drawMeetingRoles($('#meeting-roles'), m);
    $('#prepare').hidden = !model.notStarted;
    // Ended: read-only. The controls go; what happened stays on screen.
    for (const el of ['#call-next', '#raise-form', '#round', '#settings', '#proxy-form', '#signal-settings']) $(el).hidden = model.ended;
    // Being prepared: the floor and go-rounds wait for the start.
    if (model.notStarted) for (const el of ['#call-next', '#round']) $(el).hidden = true;
  }

  if (has('turn', 'round', 'queue', 'people', 'meeting')) {
    drawFloor($('#floor'), model);
    $('#end-turn').hidden = !model.turn;
  }

  if (has('queue', 'people', 'meeting')) {
    setText($('#queue-h'), t('console.queue.heading_count', { count: model.queue.length }));
    setText($('#policy-line'), t('console.queue.policy_line', { policy: words.policy(m.policy) }));
    drawQueue($('#queue'), model, { actions: entryActions });
  }

  if (has('people')) {
    const forOptions = [me, ...model.fromPeople('proxies', () => peopleInOrder(model).filter((p) => p.proxy))];
    const chosen = $('#raise-for').value;
    redraw($('#raise-for'), forOptions.map((p) => h('option', { value: String(p.id) }, p.id === model.you ? t('console.queue.for_me', { name: p.name }) : t('console.queue.for_proxy', { name: p.name }))));
    if (chosen && forOptions.some((p) => String(p.id) === chosen)) $('#raise-for').value = chosen;
    drawPeople();
  }

  if (has('round', 'turn', 'people')) {
    const r = model.round;
    $('#round-running').hidden = !r;
    $('#round-form').hidden = !!r;
    if (r) {
      drawRound($('#round-running'), model);
      $('#round-running').hidden = false;
      const speakingInRound = !!(model.turn && model.turn.in_round);
      $('#round-actions').hidden = !r.up || speakingInRound;
      if (r.up) {
        setText($('#round-speak'), r.up === model.you ? t('console.round.i_speak') : t('console.round.speak_for', { name: model.name(r.up) }));
        setText($('#round-pass'), r.up === model.you ? t('console.round.i_pass') : t('console.round.pass_for', { name: model.name(r.up) }));
        setText($('#round-skip'), t('console.round.skip_name', { name: model.name(r.up) }));
      }
    }
  }

  if (has('meeting')) {
    drawCallLink();
    // Settings, as the server has them.
    for (const input of document.querySelectorAll('input[name=policy]')) input.checked = input.value === m.policy;
    const limits = LIMITS.includes(m.turn_limit_seconds) ? LIMITS : [...LIMITS, m.turn_limit_seconds].sort((a, b) => a - b);
    if (document.activeElement !== $('#turn-limit')) {
      redraw($('#turn-limit'), limits.map((s) => h('option', { value: String(s) }, s ? words.duration(s * 1000) : t('console.settings.no_limit'))));
      $('#turn-limit').value = String(m.turn_limit_seconds || 0);
    }
    $('#locked').checked = !!m.locked;
  }

  if (has('figures')) drawEquity($('#equity'), model.figures, model);
  if (has('signals')) drawSignals();
  if (has('polls', 'proposals', 'points', 'agreement')) drawBadges();
  for (const name of panels.keys()) if (!e || PANEL_NEEDS[name].some((x) => changed.has(x))) renderPanel(name, e);

  // Announce hands going up and who takes the floor (the facilitator may be looking elsewhere).
  const speaker = model.turn ? model.turn.participant : null;
  const news = [];
  if (e && e.detail.type === 'update') {
    const raised = e.detail.events.filter((ev) => ev.kind === 'hand_raised' && ev.participant !== model.you);
    for (const ev of raised) handsToSay.push(t('console.announce.hand_item', { name: model.name(ev.participant), kind: words.handKind(ev.hand_kind).toLowerCase() }));
    if (raised.length && !handsTimer) handsTimer = setTimeout(sayHands, HANDS_SAY_MS);
    if (speaker !== lastSpeaker && speaker != null) news.push(t('console.announce.floor', { name: model.name(speaker) }));
    for (const ev of e.detail.events) {
      const point = ev.kind === 'point_submitted' && model.points.find((p) => p.id === ev.point);
      if (point) news.push(point.kind === 'question' ? t('console.announce.new_question', { text: point.text.slice(0, 80) }) : t('console.announce.new_point', { text: point.text.slice(0, 80) }));
      if (ev.kind === 'consent_answered' && ev.answer === 'objection') news.push(t('console.announce.objects', { name: model.name(ev.participant) }));
      if (ev.kind === 'agreement_item_proposed') news.push(t('console.announce.ground_rule'));
    }
  }
  if (news.length) announcer.say(news.join(' '));
  lastSpeaker = speaker;
}

model.addEventListener('change', render);
setInterval(() => { if (model.turn) tickFloor($('#floor'), model); }, 1000);
conn.start();  // without a token this emits need-join and the join form shows
