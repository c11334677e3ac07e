// Console panel: the agenda (items with a timebox, the current one with its time used, what was
// decided under each and how the floor was shared), the decision record with the server's check
// of its hash chain and this browser's own ("Verify this record": record-check.js), the minutes
// (downloaded with the facilitator key in a header, never in a URL), ending the meeting, and
// deleting its data.
import { h, redraw, setText } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';
import { loadKey, saveKey } from '../storage.js';
import { drawDecisions, timeboxText } from '../decide.js';
import { canCheck, checkRecord } from '../record-check.js';

// What this browser's own check of the record found (record-check.js): [text, notice kind].
function verdict(result, list) {
  if (result.ok) {
    const last = list[list.length - 1].hash;
    return [`${list.length === 1 ? 'The 1 decision checks' : `All ${list.length} decisions check`} out: the record has not been changed. ` +
      `Checked in this browser: each entry’s hash recomputed from its fields, and each entry follows the one before. The newest hash begins ${last.slice(0, 16)}.`, 'ok'];
  }
  const d = result.decision || {};
  const which = `Decision ${result.index + 1}${typeof d.title === 'string' ? ` (“${d.title}”)` : ''}`;
  switch (result.problem) {
    case 'partial':
      return [`This page holds only part of the record (decision ${result.index + 1} is missing here), so it cannot check it. ` +
        'Reload the page to get the whole record and verify again; if it is still missing, the record the server sends is not whole.', 'warn'];
    case 'malformed': return [`${which} does not check out: one of its fields is missing or not what it should be.`, 'error'];
    case 'chain': return [`${which} does not check out: it does not follow the decision before it, so an entry was removed, inserted or reordered.`, 'error'];
    default: return [`${which} does not check out: its fields do not give its hash, so it was changed after it was recorded.`, 'error'];
  }
}

// The hash chain as the server checked it; entries added since each link to the one before.
function chainStatus(model) {
  const d = model.decisions;
  const linked = d.every((x, i) => i === 0 || x.prev_hash === d[i - 1].hash);
  if (!d.length) return '';
  if (model.chainOk === false || !linked) return 'Warning: the record’s hash chain does not check out.';
  if (model.chainOk === true) return d.length === 1 ? 'Hash chain intact (checked by the server).' : `Hash chain intact: checked by the server; each of the ${d.length} entries is linked to the one before.`;
  return `${words.plural(d.length, 'entry', 'entries')}, each linked to the one before.`;
}

export function mount(root, { model, conn, send, ask, toast, code, announcer }) {
  // --- agenda ---
  const agendaList = h('ol', { class: 'plain', id: 'agenda-list', 'aria-labelledby': 'agenda-h' });
  const agendaForm = h('form', { class: 'row sub', id: 'agenda-form' },
    h('div', { class: 'field' }, h('label', { for: 'agenda-title' }, 'Agenda item'),
      h('input', { id: 'agenda-title', name: 'title', type: 'text', maxlength: '200', required: true, autocomplete: 'off' })),
    h('div', { class: 'field', style: 'flex:0 1 9rem' }, h('label', { for: 'agenda-box' }, 'Timebox (min)'),
      h('input', { id: 'agenda-box', name: 'box', type: 'number', min: '0', max: '600', step: '1' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Add'));
  agendaForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = agendaForm.elements;
    if (await send(agendaForm.querySelector('button'), msg.addAgendaItem(f.title.value.trim(), Number(f.box.value) || 0))) {
      agendaForm.reset();
      f.title.focus();
    }
  });
  agendaList.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action=start]');
    if (b) send(b, msg.startAgendaItem(Number(b.dataset.id)));
  });

  // --- minutes, end, delete ---
  const keyField = h('div', { class: 'field', hidden: true },
    h('label', { for: 'minutes-key' }, 'Facilitator key'),
    h('input', { id: 'minutes-key', type: 'password', autocomplete: 'off', maxlength: '128', 'aria-describedby': 'minutes-key-hint' }),
    h('p', { class: 'hint', id: 'minutes-key-hint' }, 'This browser does not hold the key of this meeting. It is kept here once it works.'));
  const key = () => loadKey(code) || root.querySelector('#minutes-key').value.trim();
  async function withKey(button, method, path, done) {
    if (!key()) { keyField.hidden = false; root.querySelector('#minutes-key').focus(); return; }
    button.setAttribute('aria-disabled', 'true');
    try {
      const res = await fetch(path, { method, headers: { 'X-Facilitator-Key': key() }, cache: 'no-store' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        if (res.status === 403 || res.status === 401) keyField.hidden = false;
        throw new Error(res.status === 403 || res.status === 401 ? 'that facilitator key is not the key of this meeting'
          : res.status === 404 ? 'this meeting is no longer on the server' : `the server could not do it (error ${res.status}); try again in a moment`);
      }
      if (!loadKey(code)) saveKey(code, key());
      await done(res);
    } catch (err) {
      toast(`That did not work: ${err.message}.`);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }
  const minutes = h('div', { class: 'actions', role: 'group', 'aria-labelledby': 'minutes-h' }, ['md', 'json', 'csv'].map((f) =>
    h('button', { type: 'button', class: 'secondary', dataset: { format: f } }, { md: 'Markdown (text)', json: 'JSON (all the data)', csv: 'Speaking figures (CSV)' }[f])));
  minutes.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-format]');
    if (!b) return;
    const format = b.dataset.format;
    withKey(b, 'GET', `/api/meetings/${encodeURIComponent(code)}/minutes?format=${format}`, async (res) => {
      const url = URL.createObjectURL(await res.blob());
      const link = h('a', { href: url, download: `everyvoice-${code}.${format}`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      toast(`The minutes (${format}) are downloaded.`, 'info');
    });
  });
  const end = h('button', { type: 'button', class: 'danger', id: 'end-meeting' }, 'End the meeting…');
  end.addEventListener('click', () => {
    // What the server will end with the meeting, said before it happens.
    const polls = model.polls.filter((p) => p.status === 'open').length;
    const proposals = model.proposals.filter((p) => ['clarifying', 'reactions', 'consent'].includes(p.phase)).length;
    const running = [polls ? `${polls} open poll${polls > 1 ? 's are' : ' is'} cancelled (close ${polls > 1 ? 'them' : 'it'} first to keep the result)` : '',
      proposals ? `${proposals} proposal${proposals > 1 ? 's' : ''} under discussion close${proposals > 1 ? '' : 's'} as not adopted` : ''].filter(Boolean);
    ask({ title: 'End the meeting', reason: 'none', ok: 'End the meeting',
      text: `Everything becomes read-only: no more hands, votes or answers. People can still read the results and the record, and you can download the minutes.${running.length ? ` Still running: ${running.join('; ')}.` : ''}`,
      run: () => conn.send(msg.endMeeting()) });
  });
  const del = h('button', { type: 'button', class: 'danger', id: 'delete-meeting' }, 'Delete the meeting and its data…');
  del.addEventListener('click', () => ask({ title: 'Delete the meeting', reason: 'none', ok: 'Delete everything',
    text: `Meeting ${code}, its record and every stored event are deleted from the server, for everyone. Download the minutes first if you need them. This cannot be undone.`,
    run: () => new Promise((resolve, reject) => withKey(del, 'DELETE', `/api/meetings/${encodeURIComponent(code)}`, async () => {
      conn.stop();
      const notice = document.querySelector('#page-notice');
      notice.replaceChildren('The meeting and its data are deleted. ', h('a', { href: '/' }, 'Back to the start page'));
      notice.hidden = false;
      document.querySelector('#console').hidden = true;
      resolve();
    }).then(() => reject({ message: 'Not deleted.' }))) }));

  const chain = h('p', { id: 'chain-status' });
  const decisions = h('div', { id: 'fdecision-list' });
  // --- verify the record in this browser ---
  const verify = h('button', { type: 'button', class: 'secondary', id: 'verify-record' }, 'Verify this record');
  const verifyBox = h('div', { class: 'actions' }, verify);
  const verified = h('p', { id: 'verify-result', hidden: true });  // announced through the page's announcer
  let checkedList = null;  // the record the shown result is about (a new record hides it)
  let checkedLength = 0;
  function show(text, kind) {
    verified.textContent = text;
    verified.className = `notice notice-${kind}`;
    verified.hidden = false;
    if (announcer) announcer.say(text);
  }
  verify.addEventListener('click', async () => {
    if (verify.getAttribute('aria-disabled') === 'true') return;
    const list = model.decisions;
    checkedList = list;
    checkedLength = list.length;
    if (!canCheck()) {
      show('This browser cannot check the record here: it allows the check (Web Crypto) only on a secure page, https:// or localhost. ' +
        'Open the console over https://, or download the minutes as JSON and check them with protocol/tools/verify_record.py (PROTOCOL.md 7.9).', 'warn');
      return;
    }
    verify.setAttribute('aria-disabled', 'true');
    try {
      const [text, kind] = verdict(await checkRecord(list.slice()), list);
      show(text, kind);
    } catch (err) {
      show(`The record could not be checked: ${err.message}.`, 'error');
    } finally {
      verify.removeAttribute('aria-disabled');
    }
  });
  const endBox = h('div', { id: 'end-box' });
  root.append(
    h('section', { class: 'card', 'aria-labelledby': 'agenda-h' }, h('h2', { id: 'agenda-h' }, 'Agenda'), agendaList, agendaForm),
    h('section', { class: 'card', 'aria-labelledby': 'record-h' }, h('h2', { id: 'record-h' }, 'Decision record'), chain, verifyBox, verified, decisions),
    h('section', { class: 'card', 'aria-labelledby': 'minutes-h' },
      h('h2', { id: 'minutes-h' }, 'Minutes'),
      h('p', { class: 'hint' }, 'Who was there, the agenda, the decisions with their record, points, polls and how the floor was shared.'),
      h('p', null, h('a', { href: `/minutes?code=${encodeURIComponent(code)}`, id: 'minutes-page', class: 'btn' }, 'Open the minutes to read or print')),
      h('p', { class: 'hint' }, 'Or download them:'),
      keyField, minutes,
      h('h3', null, 'Close the meeting'), endBox, h('div', { class: 'actions' }, end),
      h('details', { class: 'manage sub' }, h('summary', null, 'Delete the meeting'), h('div', { class: 'manage-body' }, del))));

  function drawTimes() {
    for (const el of agendaList.querySelectorAll('[data-time]')) {
      const item = model.agenda.items.find((i) => i.id === Number(el.dataset.time));
      if (!item) continue;
      setText(el, timeboxText(model, item));
      el.classList.toggle('over', !!item.timebox_minutes && model.usedMs(item) > item.timebox_minutes * 60000);
    }
  }
  setInterval(() => { if (!root.hidden && model.agenda.current) drawTimes(); }, 1000);

  return function render() {
    const items = model.agenda.items;
    redraw(agendaList, items.length ? items.map((i) => h('li', { class: `agenda-item${i.current ? ' current' : ''}` },
      h('p', { class: 'entry-who' }, h('strong', null, i.title), i.current ? h('span', { class: 'tag tag-me' }, 'now') : null,
        i.timebox_minutes ? h('span', { class: 'tag tag-plain' }, `timebox ${i.timebox_minutes} min`) : null),
      h('p', { class: 'time-used', dataset: { time: String(i.id) } }),
      i.decisions.length ? h('p', { class: 'hint' }, 'Decided: ', i.decisions.map((d) => (model.decision(d) || {}).title || `decision ${d}`).join('; ')) : null,
      i.figures && i.figures.people.length ? h('p', { class: 'hint' }, `Floor: ${i.figures.people.map((x) => `${model.name(x.participant)} ${words.plural(x.turns, 'turn')}, ${words.duration(x.spoken_ms)}`).join(' · ')} · Gini ${Number(i.figures.gini).toFixed(2)}`) : null,
      model.ended ? null : h('div', { class: 'actions' }, i.current
        ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'start', id: '0', key: `stop-${i.id}` } }, 'Stop (no current item)')
        : h('button', { type: 'button', class: 'small', dataset: { action: 'start', id: String(i.id), key: `start-${i.id}` } }, 'Start this item'))))
      : h('li', { class: 'muted' }, 'No agenda yet.'));
    drawTimes();
    agendaForm.hidden = model.ended;
    setText(chain, chainStatus(model));
    chain.hidden = !model.decisions.length;
    chain.className = model.chainOk === false ? 'notice notice-error' : 'hint';
    verifyBox.hidden = !model.decisions.length;
    if (model.decisions !== checkedList || model.decisions.length !== checkedLength) verified.hidden = true;
    redraw(decisions, drawDecisions(model));
    end.hidden = model.ended;
    redraw(endBox, model.ended ? h('p', { class: 'notice notice-info' }, 'The meeting has ended. It is read-only now.') : null);
  };
}
