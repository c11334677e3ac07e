// Start page: create a meeting (POST /api/meetings), join it as its facilitator with the key the
// server returned, keep the key in this browser only (never in a URL), then open the console.
import { t, languagePicker, language } from '../i18n.js';
import { $, h, notify } from '../dom.js';
import { joinMeeting } from '../joining.js';
import { saveKey, loadKey, facilitatedMeetings } from '../storage.js';
import { sayError } from '../errors.js';

languagePicker($('#language'));

// The languages the server writes minutes in (PROTOCOL.md, POST /api/meetings `language`).
const MINUTES_LANGUAGES = ['en', 'es'];

const form = $('#create-form');
const error = $('#create-error');
let created = null;  // a meeting made already, when joining it failed (e.g. the name was refused)

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  notify(error, '');
  const data = new FormData(form);
  const button = $('#create-button');
  button.disabled = true;
  button.textContent = t('start.index.creating');
  try {
    const title = data.get('title').trim();
    if (!created || created.title !== title) {
      const headers = { 'Content-Type': 'application/json' };
      const createKey = (data.get('create_key') || '').trim();
      if (createKey) headers['X-Create-Key'] = createKey;  // a header, never the URL
      // The meeting's time zone is this browser's: the minutes give their times in it.
      const body = { title, utc_offset_minutes: -new Date().getTimezoneOffset() };
      // The minutes are written in the meeting's language: this page's, where the server writes it.
      if (MINUTES_LANGUAGES.includes(language)) body.language = language;
      if (data.get('prepare')) body.started = false;
      // An earlier meeting's agenda, by the key this browser keeps for it (in the body, never the URL).
      const from = data.get('agenda_from');
      if (from && loadKey(from)) body.agenda_from = { code: from, facilitator_key: loadKey(from) };
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone || '') && zone.length <= 64) body.time_zone = zone;
      const res = await fetch('/api/meetings', { method: 'POST', headers, body: JSON.stringify(body) });
      const answer = await res.json().catch(() => ({}));
      if (answer.code === 'create_key_required' || answer.code === 'wrong_create_key') {
        // The server is set up with --create-key: ask for it, then the person submits again.
        $('#create-key-field').hidden = false;
        $('#create-key').required = true;
        $('#create-key').focus();
        throw { message: answer.code === 'wrong_create_key' ? t('start.index.wrong_key') : t('start.index.key_needed') };
      }
      if (body.agenda_from && (res.status === 404 || res.status === 403)) {
        throw { message: res.status === 404 ? t('start.index.agenda_gone') : t('start.index.agenda_key') };
      }
      if (!res.ok) throw { message: answer.error || t('start.index.server_answered', { status: String(res.status) }) };
      saveKey(answer.code, answer.facilitator_key);
      created = answer;
    }
    const body = created;
    await joinMeeting({ code: body.code, name: data.get('name'), location: data.get('location'), facilitatorKey: body.facilitator_key }, 'facilitator');
    location.assign(`/facilitator?code=${encodeURIComponent(body.code)}`);
  } catch (e) {
    notify(error, e.code ? sayError(e, { name: data.get('name') }) : e.message || t('start.index.create_failed'));
    button.disabled = false;
    button.textContent = t('start.index.create_button');
  }
});

const mine = facilitatedMeetings();
// Meetings whose key this browser keeps: a new meeting can start with one's agenda.
const withKey = mine.filter((m) => loadKey(m.code));
if (withKey.length) {
  $('#agenda-from').replaceChildren(h('option', { value: '' }, t('start.index.agenda_none')),
    ...withKey.slice(0, 20).map((m) => h('option', { value: m.code }, t('start.index.agenda_meeting', { code: m.code }))));
  $('#agenda-from-field').hidden = false;
}
if (mine.length) {
  $('#mine').hidden = false;
  $('#mine-list').replaceChildren(...mine.slice(0, 8).map((m) =>
    h('li', null, h('a', { href: `/facilitator?code=${encodeURIComponent(m.code)}` }, t('start.index.console_for', { code: m.code })),
      m.name ? ` ${t('start.index.as', { name: m.name })}` : '')));
}
