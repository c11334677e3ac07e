// The minutes page, for facilitators: the server's minutes document (GET .../minutes?format=doc,
// with the facilitator key in a header, never in the address) laid out as a page to read, print
// or save as PDF. Every text goes in as text. The page's own words are in the person's language;
// the minutes themselves are the server's.
import { t, language, LANGUAGES } from '../i18n.js';
import { $, h, notify, param } from '../dom.js';
import { normalizeCode } from '../protocol.js';
import { loadKey, saveKey } from '../storage.js';

const code = normalizeCode(param('code'));
if (!code) location.replace('/');
$('#back').href = `/facilitator?code=${encodeURIComponent(code)}`;
$('#print').addEventListener('click', () => window.print());

function draw(doc) {
  document.title = t('minutes.page_title', { title: doc.title });
  const out = [];
  let list = null;
  for (const b of doc.blocks) {
    if (b.kind === 'item') {
      if (!list) out.push(list = h('ul', null));
      list.append(h('li', null, b.text));
      continue;
    }
    list = null;
    const tag = { title: 'h1', section: 'h2', subsection: 'h3', para: 'p' }[b.kind] || 'p';
    out.push(h(tag, null, b.text));
  }
  // The server writes the minutes in the meeting's language (`language`, from 1.1; English before);
  // the footer is this page's.
  $('#minutes').lang = doc.language || 'en';
  out.push(h('p', { class: 'minutes-foot', lang: language, dir: LANGUAGES[language].dir }, t('minutes.made_by', { code: doc.code })));
  $('#minutes').replaceChildren(...out);
  $('#minutes-actions').hidden = false;
}

async function load(key) {
  notify($('#minutes-error'), '');
  try {
    const res = await fetch(`/api/meetings/${encodeURIComponent(code)}/minutes?format=doc`, { headers: { 'X-Facilitator-Key': key }, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      $('#minutes-key-form').hidden = false;
      notify($('#minutes-error'), t('common.errors.bad_key'));
      return;
    }
    if (res.status === 404) return notify($('#minutes-error'), t('minutes.gone', { code }));
    if (!res.ok) return notify($('#minutes-error'), t('minutes.failed'));
    if (!loadKey(code)) saveKey(code, key);
    $('#minutes-key-form').hidden = true;
    draw(await res.json());
  } catch {
    notify($('#minutes-error'), t('common.errors.connection_failed'));
  }
}

$('#minutes-key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  load($('#minutes-key').value.trim());
});
const held = loadKey(code);
if (held) load(held);
else $('#minutes-key-form').hidden = false;
