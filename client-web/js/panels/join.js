// The console's join form, for a browser with no token for this meeting's console yet: the
// facilitator key (unless this browser holds it), a name, in the room or remote. The key typed
// here is kept in this browser (never in a URL), like the one from creating the meeting.
import { t } from '../i18n.js';
import { $, h, notify } from '../dom.js';
import { loadKey, saveKey, loadSeat } from '../storage.js';
import { joinMeeting } from '../joining.js';
import { sayError } from '../errors.js';

export function showJoin(root, code, joined) {
  const held = loadKey(code);
  const choice = (value, label, checked) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'location', value, required: true, checked }), ' ', h('span', null, label));
  const form = h('form', { id: 'join-form' },
    held ? null : h('div', { class: 'field', id: 'key-field' },
      h('label', { for: 'key' }, t('console.join.key')),
      h('input', { id: 'key', name: 'key', type: 'password', maxlength: '128', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'key-hint' }),
      h('p', { class: 'hint', id: 'key-hint' }, t('console.join.key_hint'))),
    h('div', { class: 'field' }, h('label', { for: 'join-name' }, t('console.join.name')),
      h('input', { id: 'join-name', name: 'name', type: 'text', required: true, maxlength: '60', autocomplete: 'name' })),
    h('fieldset', null, h('legend', null, t('console.join.where')),
      h('div', { class: 'choices inline' }, choice('in_room', t('console.people.in_room'), true), choice('remote', t('console.people.remote'), false))),
    h('button', { type: 'submit' }, t('console.join.submit')));
  root.className = 'card narrow';
  root.setAttribute('aria-labelledby', 'join-h');
  root.replaceChildren(h('h2', { id: 'join-h' }, t('console.join.heading')),
    h('p', { id: 'join-error', class: 'notice notice-error', role: 'alert', hidden: true }), form);
  root.hidden = false;
  const seat = loadSeat(code, 'participant');
  if (seat) form.elements.name.value = seat.name;
  form.elements.name.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = held || form.elements.key.value.trim();
    notify($('#join-error'), '');
    try {
      await joinMeeting({ code, name: form.elements.name.value, location: form.elements.location.value, facilitatorKey: key }, 'facilitator');
      if (!held) saveKey(code, key);
      root.hidden = true;
      joined();
    } catch (err) {
      notify($('#join-error'), sayError(err, { name: form.elements.name.value }));
    }
  });
}
