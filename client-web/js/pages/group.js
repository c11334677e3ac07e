// The group page, for a group's organisers (issue 17): start a group (its key shown once and kept
// in this browser), then, with the key: create the group's meetings, read its agreement and how it
// changed, its decision log, and the ideas carried forward, setting each idea's status; download
// the group report; delete the group. The key travels in the X-Group-Key header, never the URL.
import { t, languagePicker, language, formatDate } from '../i18n.js';
import { $, h, redraw, notify, param, toast } from '../dom.js';
import { normalizeCode } from '../protocol.js';
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
    h('a', { href: `/facilitator?code=${encodeURIComponent(m.code)}` }, m.title), ` · ${day(m.created_at)} · ${m.code}`))
    : h('li', { class: 'muted' }, t('console.group.no_meetings')));
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

$('#group-report').addEventListener('click', async () => {
  try {
    const res = await fetch(`/api/groups/${code}?format=md`, { headers: { 'X-Group-Key': loadGroupKey(code) } });
    if (!res.ok) throw new Error(t('start.index.server_answered', { status: String(res.status) }));
    const a = h('a', { href: URL.createObjectURL(await res.blob()), download: `everyvoice-group-${code}.md` });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    notify(error, err.message);
  }
});

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
