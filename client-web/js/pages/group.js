// The group page, for a group's organisers (issue 17): start a group (its key shown once and kept
// in this browser), then, with the key: create the group's meetings, read its agreement and how it
// changed, its decision log, and the ideas carried forward, setting each idea's status; give people
// member links and remove members; download the group report and the participation record; set
// how long ended meetings are kept; delete the group. The key travels in the X-Group-Key header,
// never the URL.
import { t, languagePicker, language, formatDate } from '../i18n.js';
import { $, h, redraw, notify, param, toast } from '../dom.js';
import { normalizeCode } from '../protocol.js';
import * as words from '../words.js';
import { offersInWords } from '../offers.js';
import { saveKey, loadGroupKey, saveGroupKey } from '../storage.js';

languagePicker($('#language'));

const MINUTES_LANGUAGES = ['en', 'es'];
const code = normalizeCode(param('code'));
const error = $('#group-error');
const STATUS = {
  open: t('console.group.status_open'), working: t('console.group.status_working'), done: t('console.group.status_done'),
  not_possible: t('console.group.status_not_possible'),
};

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (code) headers['X-Group-Key'] = loadGroupKey(code);
  const res = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  let answer = {};
  try { answer = text ? JSON.parse(text) : {}; } catch { answer = { text }; }
  if (!res.ok) throw Object.assign(new Error(answer.error || t('start.index.server_answered', { status: String(res.status) })), { status: res.status });
  return answer;
}

const day = (ms) => formatDate(ms);

if (!code) {
  $('#create-group').hidden = false;
  $('#create-group-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = $('#create-group-button');
    button.disabled = true;
    try {
      const group = await call('POST', '/api/groups', { name: e.currentTarget.elements.name.value.trim() });
      saveGroupKey(group.code, group.group_key);
      location.assign(`/group?code=${encodeURIComponent(group.code)}&new=1`);
    } catch (err) {
      notify(error, err.message);
      button.disabled = false;
    }
  });
} else if (!loadGroupKey(code)) {
  $('#enter-key').hidden = false;
  $('#enter-key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    saveGroupKey(code, e.currentTarget.elements.key.value.trim());
    location.reload();
  });
} else {
  if (param('new')) {
    $('#group-key-card').hidden = false;
    $('#group-key-value').textContent = loadGroupKey(code);
    $('#group-key-saved').addEventListener('click', () => { $('#group-key-card').hidden = true; $('#meeting-title').focus(); });
  }
  load();
}

async function load() {
  try {
    draw(await call('GET', `/api/groups/${code}`));
  } catch (err) {
    notify(error, err.status === 403 ? t('console.group.wrong_key') : err.message);
    if (err.status === 403) { saveGroupKey(code, null); $('#enter-key').hidden = false; }
  }
}

function draw(g) {
  document.title = t('console.group.page_title', { name: g.name });
  $('#group-name').textContent = g.name;
  $('#group-name').setAttribute('dir', 'auto');
  $('#group-record').hidden = false;
  redraw($('#group-meetings'), g.meetings.length ? g.meetings.map((m) => h('li', null,
    h('a', { href: `/facilitator?code=${encodeURIComponent(m.code)}` }, m.title), ` · ${day(m.created_at)} · ${m.code}`,
    m.roles && m.roles.length ? h('p', { class: 'hint', dir: 'auto' }, words.rolesLine(m.roles, t('console.group.member_left'))) : null))
    : h('li', { class: 'muted' }, t('console.group.no_meetings')));
  redraw($('#group-members'), (g.members || []).length ? g.members.map(memberItem) : h('li', { class: 'muted' }, t('console.group.no_members')));
  drawRetention(g.retention_days || 0);
  $('#agreement-h').textContent = t('console.group.agreement', { version: g.agreement.version });
  redraw($('#group-agreement'), g.agreement.items.map((i) => h('li', { dir: 'auto' }, i.text)));
  redraw($('#group-history'), g.agreement.history.map((v) => h('li', null,
    t('console.group.version', { version: v.version, date: day(v.at) }), ' ',
    ...v.added.map((i) => h('span', { class: 'tag tag-status' }, t('console.group.added', { text: i.text }))),
    ...v.removed.map((i) => h('span', { class: 'tag tag-away' }, t('console.group.removed', { text: i.text }))))));
  redraw($('#group-ideas'), g.ideas.length ? g.ideas.map(ideaItem) : h('li', { class: 'muted' }, t('console.group.no_ideas')));
  $('#group-chain').textContent = g.chain_intact ? t('console.group.chain_intact', { count: g.decisions.length }) : t('console.group.chain_broken');
  redraw($('#group-decisions'), g.decisions.map((d) => h('li', { class: 'point' },
    h('p', { class: 'point-head' }, h('strong', { dir: 'auto' }, d.title), ` · ${day(d.at)}`),
    h('p', { dir: 'auto' }, `${d.method}: ${d.result}`),
    d.review_date ? h('p', { class: 'hint' }, t('console.group.review_by', { date: d.review_date })) : null)));
}

// A member: how they like to take part, what they offer, their record; a Remove button.
function memberItem(m) {
  const details = [words.PREFERENCE[m.preference] || m.preference,
    m.offers.length ? t('console.group.member_offers', { offers: offersInWords(m.offers) }) : t('console.group.member_no_offers'),
    m.record ? t('console.group.member_record', { count: m.meetings_recorded }) : t('console.group.member_no_record')];
  return h('li', { class: 'point' },
    h('p', { class: 'point-head' }, h('strong', { dir: 'auto' }, m.name)),
    h('p', { class: 'hint' }, details.join(' · ')),
    h('button', { type: 'button', class: 'small secondary', dataset: { key: `remove-${m.id}` }, onclick: () => removeMember(m) },
      t('console.group.remove_member', { name: m.name })));
}

async function removeMember(m) {
  if (!window.confirm(t('console.group.remove_confirm', { name: m.name }))) return;
  try {
    await call('DELETE', `/api/groups/${code}/members/${m.id}`);
    toast(t('console.group.member_removed', { name: m.name }), 'info');
    load();
  } catch (err) {
    notify(error, err.message);
  }
}

function drawRetention(days) {
  const input = $('#retention-days');
  if (document.activeElement !== input) input.value = String(days);
  $('#retention-now').textContent = days ? t('console.group.retention_days', { count: days }) : t('console.group.retention_kept');
}

function ideaItem(idea) {
  const select = h('select', { id: `idea-status-${idea.id}`, name: 'status' },
    Object.entries(STATUS).map(([value, label]) => h('option', { value, selected: value === idea.status }, label)));
  const reason = h('input', { id: `idea-reason-${idea.id}`, name: 'reason', type: 'text', maxlength: '300', value: idea.reason || '' });
  const form = h('form', { class: 'idea-form', dataset: { idea: String(idea.id) } },
    h('div', { class: 'field' }, h('label', { for: select.id }, t('console.group.status')), select),
    h('div', { class: 'field' }, h('label', { for: reason.id }, t('console.group.reason')), reason),
    h('button', { type: 'submit', class: 'small' }, t('console.group.save_status')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await call('POST', `/api/groups/${code}/ideas/${idea.id}`, { status: select.value, reason: reason.value.trim() });
      toast(t('console.group.status_saved'), 'info');
      load();
    } catch (err) {
      notify(error, err.message);
    }
  });
  return h('li', { class: 'point' },
    h('p', { class: 'point-head' }, h('span', { class: 'tag tag-status' }, STATUS[idea.status]), ` ${idea.kind === 'question' ? t('console.group.question') : t('console.group.point')}`),
    h('p', { class: 'point-text', dir: 'auto' }, idea.text), form);
}

$('#new-meeting-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('#new-meeting-button');
  button.disabled = true;
  try {
    const body = { title: e.currentTarget.elements.title.value.trim(), utc_offset_minutes: -new Date().getTimezoneOffset(),
      group: { code, group_key: loadGroupKey(code) } };
    if (MINUTES_LANGUAGES.includes(language)) body.language = language;
    const meeting = await call('POST', '/api/meetings', body);
    saveKey(meeting.code, meeting.facilitator_key);
    location.assign(`/facilitator?code=${encodeURIComponent(meeting.code)}`);
  } catch (err) {
    notify(error, err.message);
    button.disabled = false;
  }
});

// A member link is shown once (the server keeps only the key's hash): given to that person only.
$('#add-member-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('#add-member-button');
  const input = $('#member-name');
  button.disabled = true;
  try {
    const answer = await call('POST', `/api/groups/${code}/members`, { name: input.value.trim() });
    const link = `${location.origin}/member#${answer.member_key}`;
    $('#member-link-h').textContent = t('console.group.link_heading', { name: answer.member.name });
    $('#member-link-text').textContent = t('console.group.link_text', { name: answer.member.name });
    $('#member-link').textContent = link;
    $('#member-link-status').textContent = '';
    $('#member-link-card').hidden = false;
    input.value = '';
    $('#member-link-copy').focus();
    load();
  } catch (err) {
    notify(error, err.message);
  } finally {
    button.disabled = false;
  }
});

$('#member-link-copy').addEventListener('click', async () => {
  const el = $('#member-link');
  try {
    await navigator.clipboard.writeText(el.textContent);
    $('#member-link-status').textContent = t('console.group.copied');
  } catch {
    // No clipboard (plain http, or refused): the link is selected for the person to copy.
    const range = document.createRange();
    range.selectNodeContents(el);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('#member-link-status').textContent = t('console.group.copy_selected');
  }
});

$('#member-link-done').addEventListener('click', () => {
  $('#member-link-card').hidden = true;
  $('#member-link').textContent = '';  // gone from the page: it was shown once
  $('#member-name').focus();
});

$('#retention-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const answer = await call('POST', `/api/groups/${code}/settings`, { retention_days: Number($('#retention-days').value) });
    drawRetention(answer.retention_days);
    toast(t('console.group.retention_saved'), 'info');
  } catch (err) {
    notify(error, err.message);
  }
});

// A download from the group's record, with the key in a header (so not a plain link).
async function download(format, name) {
  try {
    const res = await fetch(`/api/groups/${code}?format=${format}`, { headers: { 'X-Group-Key': loadGroupKey(code) } });
    if (!res.ok) throw new Error(t('start.index.server_answered', { status: String(res.status) }));
    const a = h('a', { href: URL.createObjectURL(await res.blob()), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    notify(error, err.message);
  }
}
$('#group-report').addEventListener('click', () => download('md', `everyvoice-group-${code}.md`));
// Printed, the page is the group report (css/group.css leaves the forms out): the agreement's
// history, folded on screen, is opened for the paper.
$('#group-print').addEventListener('click', () => window.print());
addEventListener('beforeprint', () => { for (const d of document.querySelectorAll('#group-record details')) d.open = true; });
$('#group-csv').addEventListener('click', () => download('csv', `everyvoice-participation-${code}.csv`));

$('#group-delete').addEventListener('click', async () => {
  if (!window.confirm(t('console.group.delete_confirm'))) return;
  try {
    await call('DELETE', `/api/groups/${code}`);
    saveGroupKey(code, null);
    location.assign('/');
  } catch (err) {
    notify(error, err.message);
  }
});
