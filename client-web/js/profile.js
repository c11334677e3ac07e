// The participant's "Change my details" form (where I am, how I like to take part), made when the
// details box is first opened. Only the facilitator sees the preference; it is never required.
import { t } from './i18n.js';
import { h, toast } from './dom.js';
import * as msg from './protocol.js';

const choices = (name, list) => h('div', { class: 'choices inline' }, list.map(([value, label]) =>
  h('label', { class: 'choice' }, h('input', { type: 'radio', name, value }), ' ', h('span', null, label))));

export function showProfile(details, me, send, saved = () => {}) {
  let form = details.querySelector('form');
  if (!form) {
    form = h('form', { id: 'profile-form', class: 'manage-body' },
      h('fieldset', null, h('legend', null, t('participant.profile.where')),
        choices('location', [['in_room', t('participant.profile.in_room')], ['remote', t('participant.profile.remote')]])),
      h('fieldset', null, h('legend', null, t('participant.profile.how')),
        choices('preference', [['speak', t('participant.profile.speak')], ['write', t('participant.profile.write')],
          ['listen', t('participant.profile.listen')], ['none', t('participant.profile.none')]])),
      h('div', null, h('button', { type: 'submit', class: 'secondary' }, t('participant.profile.save'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (await send(form.querySelector('button'), msg.updateProfile(form.elements.location.value, form.elements.preference.value))) {
        details.open = false;
        saved({ location: form.elements.location.value, preference: form.elements.preference.value });
        toast(t('participant.profile.saved'), 'info');
      }
    });
    details.append(form);
  }
  form.elements.location.value = me.location;
  form.elements.preference.value = me.preference || 'none';
}
