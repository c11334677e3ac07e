// The console's join form, for a browser with no token for this meeting's console yet: the
// facilitator key (unless this browser holds it), a name, in the room or remote. The key typed
// here is kept in this browser (never in a URL), like the one from creating the meeting.
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
      h('label', { for: 'key' }, 'Facilitator key'),
      h('input', { id: 'key', name: 'key', type: 'password', maxlength: '128', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'key-hint' }),
      h('p', { class: 'hint', id: 'key-hint' }, 'It is on the facilitator card shown when the meeting was created; a facilitator in the meeting can show it again under "Invite people". It stays in this browser.')),
    h('div', { class: 'field' }, h('label', { for: 'join-name' }, 'Your name'),
      h('input', { id: 'join-name', name: 'name', type: 'text', required: true, maxlength: '60', autocomplete: 'name' })),
    h('fieldset', null, h('legend', null, 'Where are you?'),
      h('div', { class: 'choices inline' }, choice('in_room', 'In the room', true), choice('remote', 'Remote', false))),
    h('button', { type: 'submit' }, 'Join as facilitator'));
  root.className = 'card narrow';
  root.setAttribute('aria-labelledby', 'join-h');
  root.replaceChildren(h('h2', { id: 'join-h' }, 'Join as facilitator'),
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
