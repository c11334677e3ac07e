// The participant's "Change my details" form (where I am, how I like to take part), made when the
// details box is first opened. Only the facilitator sees the preference; it is never required.
import { h, toast } from './dom.js';
import * as msg from './protocol.js';

const choices = (name, list) => h('div', { class: 'choices inline' }, list.map(([value, label]) =>
  h('label', { class: 'choice' }, h('input', { type: 'radio', name, value }), ' ', h('span', null, label))));

export function showProfile(details, me, send, saved = () => {}) {
  let form = details.querySelector('form');
  if (!form) {
    form = h('form', { id: 'profile-form', class: 'manage-body' },
      h('fieldset', null, h('legend', null, 'Where are you?'), choices('location', [['in_room', 'In the room'], ['remote', 'Remote']])),
      h('fieldset', null, h('legend', null, 'How do you like to take part?'),
        choices('preference', [['speak', 'Speaking'], ['write', 'Writing'], ['listen', 'Listening'], ['none', 'No preference']])),
      h('div', null, h('button', { type: 'submit', class: 'secondary' }, 'Save my details')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (await send(form.querySelector('button'), msg.updateProfile(form.elements.location.value, form.elements.preference.value))) {
        details.open = false;
        saved({ location: form.elements.location.value, preference: form.elements.preference.value });
        toast('Your details are saved.', 'info');
      }
    });
    details.append(form);
  }
  form.elements.location.value = me.location;
  form.elements.preference.value = me.preference || 'none';
}
