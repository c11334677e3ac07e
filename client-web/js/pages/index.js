// Start page: create a meeting (POST /api/meetings), join it as its facilitator with the key the
// server returned, keep the key in this browser only (never in a URL), then open the console.
import { $, h, notify } from '../dom.js';
import { joinMeeting } from '../joining.js';
import { saveKey, facilitatedMeetings } from '../storage.js';

const form = $('#create-form');
const error = $('#create-error');
let created = null;  // a meeting made already, when joining it failed (e.g. the name was refused)

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  notify(error, '');
  const data = new FormData(form);
  const button = $('#create-button');
  button.disabled = true;
  button.textContent = 'Creating…';
  try {
    const title = data.get('title').trim();
    if (!created || created.title !== title) {
      const res = await fetch('/api/meetings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) throw { message: answer.error || `The server answered ${res.status}.` };
      saveKey(answer.code, answer.facilitator_key);
      created = answer;
    }
    const body = created;
    await joinMeeting({ code: body.code, name: data.get('name'), location: data.get('location'), facilitatorKey: body.facilitator_key }, 'facilitator');
    location.assign(`/facilitator?code=${encodeURIComponent(body.code)}`);
  } catch (e) {
    notify(error, e.message || 'Could not create the meeting.');
    button.disabled = false;
    button.textContent = 'Create meeting';
  }
});

const mine = facilitatedMeetings();
if (mine.length) {
  $('#mine').hidden = false;
  $('#mine-list').replaceChildren(...mine.slice(0, 8).map((m) =>
    h('li', null, h('a', { href: `/facilitator?code=${encodeURIComponent(m.code)}` }, `Console for ${m.code}`), m.name ? ` (as ${m.name})` : '')));
}
