// Join page: the code (from ?code= or typed), a name, in the room or remote, an optional
// preference. Joins once to get a resume token (kept per meeting code), then opens the
// participant page, which resumes with it; a reload there resumes too.
import { t, languagePicker } from '../i18n.js';
import { $, h, redraw, notify, param } from '../dom.js';
import { joinMeeting } from '../joining.js';
import { normalizeCode } from '../protocol.js';
import { loadSeat, clearSeat, loadFollows } from '../storage.js';
import { sayError } from '../errors.js';

languagePicker($('#language'));

const form = $('#join-form');
const error = $('#join-error');
const codeInput = $('#code');
const participantPage = (code) => `/participant?code=${encodeURIComponent(code)}`;

codeInput.value = normalizeCode(param('code'));
if (param('again')) notify(error, t('start.join.again'), 'warn');

// Already in this meeting from this browser: offer to continue as that person.
function offerContinue() {
  const code = normalizeCode(codeInput.value);
  const seat = code && loadSeat(code, 'participant');
  $('#already').hidden = !seat;
  if (!seat) return;
  $('#already-text').textContent = t('start.join.already_text', { code, name: seat.name });
  $('#already-continue').href = participantPage(code);
}
offerContinue();
codeInput.addEventListener('change', offerContinue);
$('#already-new').addEventListener('click', () => {
  clearSeat(normalizeCode(codeInput.value), 'participant');
  $('#already').hidden = true;
  $('#name').focus();
});

// "You said, we did": what became of the points this browser's person wrote, by the follow secrets
// it kept (sent in the body, never the URL). Nothing is shown when none was carried forward.
const IDEA_STATUS = {
  open: t('start.join.idea_open'), working: t('start.join.idea_working'), done: t('start.join.idea_done'),
  not_possible: t('start.join.idea_not_possible'),
};
async function showIdeas() {
  const follows = loadFollows().map((f) => f.follow).slice(-100);
  if (!follows.length) return;
  try {
    const res = await fetch('/api/ideas/follow', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ follow: follows }) });
    if (!res.ok) return;
    const { ideas } = await res.json();
    if (!ideas.length) return;
    redraw($('#my-ideas-list'), ideas.map((idea) => h('li', { class: 'point' },
      h('p', { class: 'point-head' },
        h('span', { class: 'tag tag-status' }, IDEA_STATUS[idea.status] || idea.status),
        h('span', { class: 'muted' }, ` ${t('start.join.idea_where', { group: idea.group, meeting: idea.meeting_title })}`)),
      h('p', { class: 'point-text', dir: 'auto' }, idea.text),
      idea.reason ? h('p', { class: 'hint', dir: 'auto' }, idea.reason) : null)));
    $('#my-ideas').hidden = false;
  } catch { /* offline: nothing to show */ }
}
showIdeas();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  notify(error, '');
  const data = new FormData(form);
  const code = normalizeCode(data.get('code'));
  const button = $('#join-button');
  button.disabled = true;
  button.textContent = t('start.join.joining');
  try {
    const welcome = await joinMeeting({ code, name: data.get('name'), location: data.get('location'), preference: data.get('preference') }, 'participant');
    location.assign(participantPage(welcome.code));
  } catch (e) {
    const field = { wrong_code: codeInput, name_taken: $('#name'), name_invalid: $('#name') }[e.code];
    notify(error, sayError(e, { code, name: data.get('name') }));
    if (field) field.focus();
    button.disabled = false;
    button.textContent = t('start.join.join');
  }
});
