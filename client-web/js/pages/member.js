// The member page (/member), for a group's members: what the group keeps about them, and only that.
// Their member link (/member#<member key>, from the group's organisers) brings the key in the
// fragment, which browsers never send to a server; the page keeps it in this browser (so that
// joining a meeting sends it: joining.js) and takes it out of the address at once. For each key kept:
// the name the group knows, how they like to take part, what they offer (roles in meetings come
// from these), whether the group keeps a participation record, what it recorded, and leaving the
// group, which erases it all. The key travels in the X-Member-Key header, never in a URL.
import { t, languagePicker, formatDate } from '../i18n.js';
import { $, h, notify } from '../dom.js';
import * as words from '../words.js';
import { OFFER } from '../offers.js';
import { loadMemberKeys, saveMemberKey, forgetMemberKey } from '../storage.js';

languagePicker($('#language'));

const MEMBER_KEY = /^[A-Za-z0-9]{1,16}\.[0-9a-f]{32}$/;
// In the join page's order and words.
const PREFERENCE = { speak: t('start.join.speak'), write: t('start.join.write'), listen: t('start.join.listen'), none: t('start.join.none') };
// The offers are worded for a list ("Offers taking notes, welcoming newcomers"); a choice of its own
// starts with a capital, in the page's language.
const capital = (text) => text.charAt(0).toLocaleUpperCase(document.documentElement.lang) + text.slice(1);
const ROLE = { note_taker: t('member.role.note_taker'), timekeeper: t('member.role.timekeeper'), greeter: t('member.role.greeter') };

// The key from the link is kept, then taken out of the address (and of this history entry), so it
// does not stay on screen, in a bookmark or in a link someone copies from the address bar.
const fromLink = location.hash.slice(1).trim();
if (fromLink) {
  if (MEMBER_KEY.test(fromLink)) saveMemberKey(fromLink);
  history.replaceState(null, '', location.pathname + location.search);
}
// A member link opened while this page shows: same document, so no load; start again with it.
addEventListener('hashchange', () => location.reload());

async function call(key, method, body) {
  const res = await fetch('/api/member', { method, headers: { 'Content-Type': 'application/json', 'X-Member-Key': key }, body: body && JSON.stringify(body) });
  const text = await res.text();
  let answer = {};
  try { answer = text ? JSON.parse(text) : {}; } catch { answer = { text }; }
  if (!res.ok) throw Object.assign(new Error(answer.error || t('start.index.server_answered', { status: String(res.status) })), { status: res.status });
  return answer;
}

// "2027-03-04" (a UTC day) in this page's language; noon so no time zone moves it to another day.
const dayWords = (day) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(Date.parse(`${day}T12:00:00`)) : day);

const keys = loadMemberKeys();
$('#no-key').hidden = keys.length > 0;
if (fromLink && !MEMBER_KEY.test(fromLink)) {
  $('#memberships').append(h('p', { class: 'notice notice-error', role: 'alert' }, t('member.bad_link')));
}
keys.forEach((key, i) => $('#memberships').append(membership(key, i)));

function membership(key, i) {
  const section = h('section', { class: 'card', 'aria-labelledby': `m${i}-h`, 'aria-busy': 'true' },
    h('h2', { id: `m${i}-h` }, t('member.loading')));
  call(key, 'GET').then((a) => show(section, key, i, a), (err) => refused(section, key, i, err));
  return section;
}

// 403: the member left or was removed; 404: the group is gone. Either way the link is dead: forget it.
function refused(section, key, i, err) {
  section.removeAttribute('aria-busy');
  if (err.status !== 403 && err.status !== 404) {
    section.replaceChildren(h('h2', { id: `m${i}-h` }, t('member.failed_heading')), h('p', { class: 'notice notice-error', role: 'alert' }, err.message));
    return;
  }
  forgetMemberKey(key);
  section.replaceChildren(h('h2', { id: `m${i}-h` }, t('member.gone_heading')),
    h('p', { class: 'notice notice-error', role: 'alert' }, t('member.gone_text')));
}

function show(section, key, i, a) {
  const id = (name) => `m${i}-${name}`;
  const m = a.member;
  const error = h('p', { class: 'notice notice-error', role: 'alert', hidden: true });
  const saved = h('p', { class: 'hint', role: 'status', id: id('saved') });
  const attendance = h('ul', { class: 'plain', id: id('attendance'), 'aria-labelledby': id('attendance-h') });
  const roles = h('ul', { class: 'plain', id: id('roles'), 'aria-labelledby': id('roles-h') });
  const form = h('form', { id: id('form') },
    h('div', { class: 'field' }, h('label', { for: id('name') }, t('member.name')),
      h('input', { id: id('name'), name: 'name', type: 'text', required: true, maxlength: '60', autocomplete: 'name', value: m.name })),
    h('fieldset', null, h('legend', null, t('member.how')),
      h('div', { class: 'choices inline' }, Object.entries(PREFERENCE).map(([value, label]) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: 'preference', value, checked: m.preference === value }), ' ', h('span', null, label))))),
    h('fieldset', { 'aria-describedby': id('offers-hint') }, h('legend', null, t('member.offers')),
      h('p', { class: 'hint', id: id('offers-hint') }, t('member.offers_hint')),
      h('div', { class: 'choices' }, Object.entries(OFFER).map(([value, label]) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'offers', value, checked: m.offers.includes(value) }), ' ', h('span', null, capital(label)))))),
    h('fieldset', null, h('legend', null, t('member.record_heading')),
      h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'record', checked: m.record, 'aria-describedby': id('record-hint') }), ' ',
        h('span', null, t('member.record'))),
      h('p', { class: 'hint', id: id('record-hint') }, t('member.record_hint'))),
    h('button', { type: 'submit' }, t('member.save')), saved);
  const leave = h('button', { type: 'button', class: 'danger', id: id('leave') }, t('member.leave'));
  // On a shared device the next person would join as this member: forgetting the key here keeps
  // the membership and stops that.
  const forget = h('button', { type: 'button', class: 'secondary', id: id('forget') }, t('member.forget'));
  forget.addEventListener('click', () => {
    forgetMemberKey(key);
    const done = h('p', { class: 'notice notice-info', role: 'status', tabindex: '-1' }, t('member.forgotten', { group: a.group }));
    section.replaceChildren(h('h2', { id: id('h'), dir: 'auto' }, a.group), done);
    done.focus();
  });

  const drawLists = (answer) => {
    attendance.replaceChildren(...(answer.attendance.length ? answer.attendance.map((r) => h('li', { dir: 'auto' }, r.turns
      ? t('member.attended', { meeting: r.meeting_title, date: dayWords(r.day), duration: words.duration(r.spoken_seconds * 1000), count: r.turns })
      : t('member.attended_quiet', { meeting: r.meeting_title, date: dayWords(r.day) })))
      : [h('li', { class: 'muted' }, answer.member.record ? t('member.no_attendance') : t('member.no_record'))]));
    roles.replaceChildren(...(answer.roles.length ? answer.roles.map((r) => h('li', { dir: 'auto' },
      t('member.role_in', { role: ROLE[r.role] || r.role, meeting: r.meeting_title, date: dayWords(r.day) })))
      : [h('li', { class: 'muted' }, t('member.no_roles'))]));
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    const body = { name: f.name.value.trim(), preference: form.querySelector('input[name=preference]:checked')?.value || 'none',
      offers: [...form.querySelectorAll('input[name=offers]:checked')].map((x) => x.value), record: f.record.checked };
    saved.textContent = '';
    try {
      const answer = await call(key, 'POST', body);
      notify(error, '');
      drawLists(answer);
      saved.textContent = t('member.saved');
    } catch (err) {
      if (err.status === 403 || err.status === 404) refused(section, key, i, err);
      else notify(error, err.message);
    }
  });

  leave.addEventListener('click', async () => {
    if (!window.confirm(t('member.leave_confirm', { group: a.group }))) return;
    try {
      await call(key, 'DELETE');
    } catch (err) {
      if (err.status !== 403 && err.status !== 404) { notify(error, err.message); return; }
    }
    forgetMemberKey(key);
    const done = h('p', { class: 'notice notice-info', role: 'status', tabindex: '-1' }, t('member.left', { group: a.group }));
    section.replaceChildren(h('h2', { id: id('h'), dir: 'auto' }, a.group), done);
    done.focus();
  });

  drawLists(a);
  section.removeAttribute('aria-busy');
  section.replaceChildren(h('h2', { id: id('h'), dir: 'auto' }, a.group), error, form,
    h('h3', { id: id('attendance-h') }, t('member.attendance')), attendance,
    h('h3', { id: id('roles-h') }, t('member.roles')), roles,
    h('h3', null, t('member.device_heading')), h('p', { class: 'hint' }, t('member.device_hint')), h('div', { class: 'actions' }, forget),
    h('h3', null, t('member.leave_heading')), h('p', { class: 'hint' }, t('member.leave_hint')), h('div', { class: 'actions' }, leave));
}
