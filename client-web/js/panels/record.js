// Console panel: the agenda (items with a timebox, the current one with its time used, what was
// decided under each and how the floor was shared), the decision record with the server's check
// of its hash chain and this browser's own ("Verify this record": record-check.js), the minutes
// (downloaded with the facilitator key in a header, never in a URL), ending the meeting, and
// deleting its data.
import { t, language } from '../i18n.js';
import { h, redraw, setText } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';
import { loadKey, saveKey } from '../storage.js';
import { drawDecisions, timeboxText } from '../decide.js';
import { canCheck, checkRecord } from '../record-check.js';

// Two decimals (a Gini coefficient), as toFixed(2) rounds them, written the language's way.
const twoDecimals = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fixed2 = (x) => twoDecimals.format(Number(Number(x).toFixed(2)));

// What this browser's own check of the record found (record-check.js): [text, notice kind].
function verdict(result, list) {
  if (result.ok) {
    const last = list[list.length - 1].hash;
    return [t('console.record.verify_ok', { count: list.length, hash: last.slice(0, 16) }), 'ok'];
  }
  const d = result.decision || {};
  const number = String(result.index + 1);
  const which = typeof d.title === 'string' ? t('console.record.decision_titled', { number, title: d.title }) : t('console.record.decision_number', { number });
  switch (result.problem) {
    case 'partial': return [t('console.record.verify_partial', { number }), 'warn'];
    case 'malformed': return [t('console.record.verify_malformed', { which }), 'error'];
    case 'chain': return [t('console.record.verify_chain', { which }), 'error'];
    default: return [t('console.record.verify_changed', { which }), 'error'];
  }
}

// The hash chain as the server checked it; entries added since each link to the one before.
function chainStatus(model) {
  const d = model.decisions;
  const linked = d.every((x, i) => i === 0 || x.prev_hash === d[i - 1].hash);
  if (!d.length) return '';
  if (model.chainOk === false || !linked) return t('console.record.chain_broken');
  if (model.chainOk === true) return t('console.record.chain_intact', { count: d.length });
  return t('console.record.chain_entries', { count: d.length });
}

export function mount(root, { model, conn, send, ask, toast, code, announcer }) {
  // --- agenda ---
  const agendaList = h('ol', { class: 'plain', id: 'agenda-list', 'aria-labelledby': 'agenda-h' });
  const agendaForm = h('form', { class: 'row sub', id: 'agenda-form' },
    h('div', { class: 'field' }, h('label', { for: 'agenda-title' }, t('console.record.agenda_item')),
      h('input', { id: 'agenda-title', name: 'title', type: 'text', maxlength: '200', required: true, autocomplete: 'off' })),
    h('div', { class: 'field', style: 'flex:0 1 9rem' }, h('label', { for: 'agenda-box' }, t('console.record.timebox_label')),
      h('input', { id: 'agenda-box', name: 'box', type: 'number', min: '0', max: '600', step: '1' })),
    h('button', { type: 'submit', class: 'secondary' }, t('console.record.agenda_add')));
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
    h('label', { for: 'minutes-key' }, t('console.key_card.key')),
    h('input', { id: 'minutes-key', type: 'password', autocomplete: 'off', maxlength: '128', 'aria-describedby': 'minutes-key-hint' }),
    h('p', { class: 'hint', id: 'minutes-key-hint' }, t('console.record.key_hint')));
  const key = () => loadKey(code) || root.querySelector('#minutes-key').value.trim();
  async function withKey(button, method, path, done) {
    if (!key()) { keyField.hidden = false; root.querySelector('#minutes-key').focus(); return; }
    button.setAttribute('aria-disabled', 'true');
    try {
      const res = await fetch(path, { method, headers: { 'X-Facilitator-Key': key() }, cache: 'no-store' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        if (res.status === 403 || res.status === 401) keyField.hidden = false;
        const said = res.status === 403 || res.status === 401 ? t('console.record.failed_key')
          : res.status === 404 ? t('console.record.failed_gone') : t('console.record.failed_server', { status: String(res.status) });
        throw Object.assign(new Error(said), { said });
      }
      if (!loadKey(code)) saveKey(code, key());
      await done(res);
    } catch (err) {
      toast(err.said || t('console.record.failed', { reason: err.message }));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }
  const minutes = h('div', { class: 'actions', role: 'group', 'aria-labelledby': 'minutes-h' }, ['md', 'json', 'csv'].map((f) =>
    h('button', { type: 'button', class: 'secondary', dataset: { format: f } }, { md: t('console.record.minutes_md'), json: t('console.record.minutes_json'), csv: t('console.record.minutes_csv') }[f])));
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
      toast(t('console.record.minutes_downloaded', { format }), 'info');
    });
  });
  const end = h('button', { type: 'button', class: 'danger', id: 'end-meeting' }, t('console.record.end'));
  end.addEventListener('click', () => {
    // What the server will end with the meeting, said before it happens.
    const polls = model.polls.filter((p) => p.status === 'open').length;
    const proposals = model.proposals.filter((p) => ['clarifying', 'reactions', 'consent'].includes(p.phase)).length;
    const running = [polls ? t('console.record.end_polls', { count: polls }) : '',
      proposals ? t('console.record.end_proposals', { count: proposals }) : ''].filter(Boolean);
    ask({ title: t('console.record.end_title'), reason: 'none', ok: t('console.record.end_ok'),
      text: running.length ? t('console.record.end_text_running', { running: running.join('; ') }) : t('console.record.end_text'),
      run: () => conn.send(msg.endMeeting()) });
  });
  const del = h('button', { type: 'button', class: 'danger', id: 'delete-meeting' }, t('console.record.delete'));
  del.addEventListener('click', () => ask({ title: t('console.record.delete_title'), reason: 'none', ok: t('console.record.delete_ok'),
    text: t('console.record.delete_text', { code }),
    run: () => new Promise((resolve, reject) => withKey(del, 'DELETE', `/api/meetings/${encodeURIComponent(code)}`, async () => {
      conn.stop();
      const notice = document.querySelector('#page-notice');
      notice.replaceChildren(t('console.record.deleted'), ' ', h('a', { href: '/' }, t('console.notice.back_to_start')));
      notice.hidden = false;
      document.querySelector('#console').hidden = true;
      resolve();
    }).then(() => reject({ message: 'Not deleted.' }))) }));

  const chain = h('p', { id: 'chain-status' });
  const decisions = h('div', { id: 'fdecision-list' });
  // --- verify the record in this browser ---
  const verify = h('button', { type: 'button', class: 'secondary', id: 'verify-record' }, t('console.record.verify'));
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
      show(t('console.record.verify_insecure'), 'warn');
      return;
    }
    verify.setAttribute('aria-disabled', 'true');
    try {
      const [text, kind] = verdict(await checkRecord(list.slice()), list);
      show(text, kind);
    } catch (err) {
      show(t('console.record.verify_failed', { reason: err.message }), 'error');
    } finally {
      verify.removeAttribute('aria-disabled');
    }
  });
  const endBox = h('div', { id: 'end-box' });
  root.append(
    h('section', { class: 'card', 'aria-labelledby': 'agenda-h' }, h('h2', { id: 'agenda-h' }, t('console.record.agenda_heading')), agendaList, agendaForm),
    h('section', { class: 'card', 'aria-labelledby': 'record-h' }, h('h2', { id: 'record-h' }, t('console.record.record_heading')), chain, verifyBox, verified, decisions),
    h('section', { class: 'card', 'aria-labelledby': 'minutes-h' },
      h('h2', { id: 'minutes-h' }, t('console.record.minutes_heading')),
      h('p', { class: 'hint' }, t('console.record.minutes_hint')),
      h('p', null, h('a', { href: `/minutes?code=${encodeURIComponent(code)}`, id: 'minutes-page', class: 'btn' }, t('console.record.minutes_open'))),
      h('p', { class: 'hint' }, t('console.record.minutes_download')),
      keyField, minutes,
      h('h3', null, t('console.record.close_heading')), endBox, h('div', { class: 'actions' }, end),
      h('details', { class: 'manage sub' }, h('summary', null, t('console.record.delete_title')), h('div', { class: 'manage-body' }, del))));

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
      h('p', { class: 'entry-who' }, h('strong', null, i.title), i.current ? h('span', { class: 'tag tag-me' }, t('console.record.now')) : null,
        i.timebox_minutes ? h('span', { class: 'tag tag-plain' }, t('console.record.timebox', { minutes: i.timebox_minutes })) : null),
      h('p', { class: 'time-used', dataset: { time: String(i.id) } }),
      i.decisions.length ? h('p', { class: 'hint' }, t('console.record.decided', { decisions: i.decisions.map((d) => (model.decision(d) || {}).title || t('console.record.decision_fallback', { number: String(d) })).join('; ') })) : null,
      i.figures && i.figures.people.length ? h('p', { class: 'hint' }, t('console.record.floor', { people: i.figures.people.map((x) => t('console.record.floor_person', { name: model.name(x.participant), count: x.turns, duration: words.duration(x.spoken_ms) })).join(' · '), gini: fixed2(i.figures.gini) })) : null,
      model.ended ? null : h('div', { class: 'actions' }, i.current
        ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'start', id: '0', key: `stop-${i.id}` } }, t('console.record.stop'))
        : h('button', { type: 'button', class: 'small', dataset: { action: 'start', id: String(i.id), key: `start-${i.id}` } }, t('console.record.start')))))
      : h('li', { class: 'muted' }, t('console.record.agenda_none')));
    drawTimes();
    agendaForm.hidden = model.ended;
    setText(chain, chainStatus(model));
    chain.hidden = !model.decisions.length;
    chain.className = model.chainOk === false ? 'notice notice-error' : 'hint';
    verifyBox.hidden = !model.decisions.length;
    if (model.decisions !== checkedList || model.decisions.length !== checkedLength) verified.hidden = true;
    redraw(decisions, drawDecisions(model));
    end.hidden = model.ended;
    redraw(endBox, model.ended ? h('p', { class: 'notice notice-info' }, t('console.record.ended')) : null);
  };
}
