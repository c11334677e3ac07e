// Console panel: consent rounds. Present a proposal (optionally adopting or removing an agreement
// item), move it through clarifying questions, reactions (the server starts a go-round) and
// consent; see every answer and objection; amend (a new version), adopt with a review date, or
// close it. Whether it may be adopted (no open objection, consent phase) is the server's to say.
// A proposal can be prepared in advance (a draft, seen by facilitators only) and presented later
// with one click.
import { t } from '../i18n.js';
import { h, redraw, setText, place } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';
import { answerForm } from '../ballot.js';

const ACTIVE = ['clarifying', 'reactions', 'consent'];

export function mount(root, { model, conn, send, ask, announcer }) {
  const item = h('select', { id: 'proposal-item', name: 'item' });
  const form = h('form', { id: 'proposal-form', class: 'card', 'aria-labelledby': 'proposal-form-h' },
    h('h2', { id: 'proposal-form-h' }, t('console.consent.present_heading')),
    h('div', { class: 'field' }, h('label', { for: 'proposal-title' }, t('console.consent.title')),
      h('input', { id: 'proposal-title', name: 'title', type: 'text', maxlength: '200', required: true, autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: 'proposal-text' }, t('console.consent.text')),
      h('textarea', { id: 'proposal-text', name: 'text', maxlength: '5000', rows: '4', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'proposal-item' }, t('console.consent.item')), item),
    h('p', { class: 'hint' }, t('console.consent.present_hint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('console.consent.present')),
      h('button', { type: 'button', class: 'secondary', id: 'proposal-save-draft' }, t('console.consent.save_draft'))),
    h('p', { class: 'hint' }, t('console.consent.draft_hint')));
  async function present(button, draft) {
    const f = form.elements;
    const [what, id] = item.value.split(':');
    if (await send(button, msg.presentProposal(f.title.value.trim(), f.text.value.trim(), Number(id) || 0, what === 'remove', draft))) {
      form.reset();
      announcer.say(draft ? t('console.consent.saved_draft') : t('console.consent.presented'));
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    present(form.querySelector('button[type=submit]'), false);
  });
  // Prepared in advance: the browser's own checks (required fields) first, then a draft.
  form.querySelector('#proposal-save-draft').addEventListener('click', (e) => {
    if (form.reportValidity()) present(e.currentTarget, true);
  });
  // Running proposals first, then the form to present another, then the ended ones.
  const list = h('div', { id: 'proposal-list' });
  const draftList = h('div', { id: 'proposal-drafts' });
  const draftHead = h('h2', { class: 'sub-h', hidden: true }, t('console.consent.drafts_heading'));
  const endedList = h('div', { id: 'proposal-ended' });
  const endedHead = h('h2', { class: 'sub-h', hidden: true }, t('console.consent.ended_heading'));
  root.append(list, draftHead, draftList, form, endedHead, endedList);

  const cards = new Map();
  function card(p) {
    if (cards.has(p.id)) return cards.get(p.id);
    const mine = answerForm(async (a, button) => {
      if (!a) return false;
      return send(button, msg.answerConsent(p.id, a.answer, a.text));
    });
    const forWho = h('select', { id: `proposal-${p.id}-for` });
    const forProxy = answerForm(async (a, button) => a && send(button, msg.answerConsent(p.id, a.answer, a.text, Number(forWho.value))));
    forProxy.prepend(h('div', { class: 'field' }, h('label', { for: forWho.id }, t('console.consent.proxy')), forWho));
    const amendTitle = h('input', { id: `proposal-${p.id}-amend-title`, type: 'text', maxlength: '200', required: true, autocomplete: 'off' });
    const amendText = h('textarea', { id: `proposal-${p.id}-amend`, maxlength: '5000', rows: '4' });
    const amend = h('form', { class: 'manage-body' },
      h('div', { class: 'field' }, h('label', { for: amendTitle.id }, t('console.consent.title')), amendTitle),
      h('div', { class: 'field' }, h('label', { for: amendText.id }, t('console.consent.amended_text')), amendText),
      h('p', { class: 'hint' }, t('console.consent.amend_hint')),
      h('div', null, h('button', { type: 'submit', class: 'secondary' }, t('console.consent.amend_save'))));
    amend.addEventListener('submit', async (e) => {
      e.preventDefault();
      const now = model.proposals.find((x) => x.id === p.id);
      const title = amendTitle.value.trim();
      if (await send(amend.querySelector('button'), msg.amendProposal(p.id, amendText.value.trim(), now && title !== now.title ? title : undefined))) {
        c.querySelector('[data-part=amend]').open = false;
        amendTitle.value = amendText.value = '';  // the next amendment starts from the version this one made
        announcer.say(t('console.consent.amended'));
      }
    });
    const review = h('input', { type: 'date', id: `proposal-${p.id}-review` });
    const c = h('article', { class: 'card proposal', dataset: { proposal: String(p.id) }, 'aria-labelledby': `fprop-${p.id}-h` },
      h('h3', { id: `fprop-${p.id}-h`, dataset: { part: 'title' } }),
      h('div', { class: 'actions', role: 'group', 'aria-label': t('console.consent.phase'), dataset: { part: 'phases' } },
        msg.CONSENT_PHASES.map((ph) => h('button', { type: 'button', class: 'small secondary', dataset: { action: 'phase', phase: ph } }, words.PHASE[ph].label))),
      h('p', { class: 'phase', dataset: { part: 'phase' } }),
      h('blockquote', { class: 'proposal-text pre', dataset: { part: 'text' } }),
      h('div', { dataset: { part: 'versions' } }),
      h('div', { dataset: { part: 'tally' } }),
      h('div', { dataset: { part: 'objections' } }),
      h('div', { dataset: { part: 'act' } },
        h('details', { class: 'manage', dataset: { part: 'mine' } }, h('summary', null, t('console.consent.mine')), mine),
        h('details', { class: 'manage', dataset: { part: 'proxy' } }, h('summary', null, t('console.consent.for_proxy')), forProxy),
        h('details', { class: 'manage', dataset: { part: 'amend' } }, h('summary', null, t('console.consent.amend')), amend),
        h('div', { class: 'row sub' },
          h('div', { class: 'field' }, h('label', { for: review.id }, t('console.consent.review_date')), review),
          h('button', { type: 'button', dataset: { action: 'adopt' } }, t('console.consent.adopt'))),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', dataset: { action: 'not-adopted' } }, t('console.consent.close_not_adopted')),
          h('button', { type: 'button', class: 'danger', dataset: { action: 'withdrawn' } }, t('console.consent.close_withdrawn')))),
      h('div', { class: 'actions', dataset: { part: 'draft' } },
        h('button', { type: 'button', dataset: { action: 'present-draft' } }, t('console.consent.present_draft')),
        h('button', { type: 'button', class: 'danger', dataset: { action: 'delete-draft' } }, t('console.consent.delete_draft'))));
    // Opening "Amend…" starts from the current title and text. On the summary's click (keyboard included),
    // not on "toggle": that event comes a task later, after a quick hand may have typed.
    const amendBox = c.querySelector('[data-part=amend]');
    amendBox.querySelector('summary').addEventListener('click', () => {
      const now = model.proposals.find((x) => x.id === p.id);
      if (!amendBox.open && now && !amendText.value) amendText.value = now.versions[now.versions.length - 1];
      if (!amendBox.open && now && !amendTitle.value) amendTitle.value = now.title;
    });
    c.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-action]');
      if (!b) return;
      const a = b.dataset.action;
      if (a === 'phase') send(b, msg.setConsentPhase(p.id, b.dataset.phase));
      if (a === 'adopt') send(b, msg.adoptProposal(p.id, review.value)).then((ok) => ok && announcer.say(t('console.consent.adopted')));
      if (a === 'withdraw') send(b, msg.withdrawObjection(Number(b.dataset.id)));
      if (a === 'present-draft') send(b, msg.presentDraftProposal(p.id)).then((ok) => ok && announcer.say(t('console.consent.presented')));
      if (a === 'delete-draft') {
        ask({ title: t('console.consent.delete_title'), text: t('console.consent.delete_text', { title: p.title }), reason: 'none',
          ok: t('console.consent.delete_ok'), run: () => conn.send(msg.closeProposal(p.id, true, '')) });
      }
      if (a === 'not-adopted' || a === 'withdrawn') {
        ask({ title: a === 'withdrawn' ? t('console.consent.withdraw_title') : t('console.consent.not_adopted_title'), reason: 'optional', reasonLabel: t('console.consent.close_reason'),
          ok: t('console.consent.close_ok'), run: ({ reason }) => conn.send(msg.closeProposal(p.id, a === 'withdrawn', reason)) });
      }
    });
    c.forWho = forWho;
    cards.set(p.id, c);
    return c;
  }

  function render() {
    // The agreement items a proposal may adopt (proposed) or remove (adopted).
    const chosen = item.value;
    redraw(item, h('option', { value: '' }, t('console.consent.item_none')),
      model.agreement.filter((i) => i.status === 'proposed').map((i) => h('option', { value: `adopt:${i.id}` }, t('console.consent.item_adopt', { text: i.text }))),
      model.agreement.filter((i) => i.status === 'adopted').map((i) => h('option', { value: `remove:${i.id}` }, t('console.consent.item_remove', { text: i.text }))));
    item.value = [...item.options].some((o) => o.value === chosen) ? chosen : '';

    // A draft deleted unpresented (presented: false, withdrawn) was never put to anyone: not shown.
    const shown = model.proposals.filter((p) => p.presented !== false || p.phase === 'draft');
    const proposals = [...shown.filter((p) => ACTIVE.includes(p.phase)).reverse(), ...shown.filter((p) => !ACTIVE.includes(p.phase)).reverse()];
    const present = [...model.people.values()].filter((x) => x.role !== 'observer' && x.presence === 'here');
    const proxies = [...model.people.values()].filter((x) => x.proxy);
    for (const p of proposals) {
      const c = card(p);
      const part = (n) => c.querySelector(`[data-part=${n}]`);
      const active = ACTIVE.includes(p.phase) && !model.ended;
      const isDraft = p.phase === 'draft';
      const ph = isDraft ? { label: t('console.consent.draft_phase'), hint: '' } : words.PHASE[p.phase];
      const target = p.agreement_item ? model.agreement.find((i) => i.id === p.agreement_item) : null;
      setText(part('title'), t('console.consent.title_version', { title: p.title, version: p.version }));
      part('phases').hidden = !active;
      for (const b of part('phases').children) b.setAttribute('aria-pressed', String(b.dataset.phase === p.phase));
      redraw(part('phase'), isDraft ? t('console.consent.draft_state')
        : h('strong', null, `${active ? t('console.consent.phase_now', { phase: ph.label }) : t('console.consent.phase_ended', { phase: ph.label })} `), active ? ph.hint : '',
        p.end_reason ? ` ${t('console.consent.end_reason', { reason: p.end_reason })}` : '',
        target ? h('span', { class: 'hint' }, ` ${p.removes_item ? t('console.consent.removes_rule', { text: target.text }) : t('console.consent.adopts_rule', { text: target.text })}`) : '');
      setText(part('text'), p.versions[p.versions.length - 1]);
      redraw(part('versions'), p.versions.length > 1 ? h('details', { class: 'manage', dataset: { key: `versions-${p.id}` } }, h('summary', null, t('console.consent.earlier')),
        h('ol', null, p.versions.slice(0, -1).map((v, i) => {
          // A version titled otherwise than the current one says its title.
          const title = p.titles ? p.titles[i] : p.title;
          return h('li', { class: 'pre' }, title !== p.title ? [h('strong', null, title), '\n'] : null, v);
        }))) : null);

      const by = (a) => p.answers.filter((x) => x.answer === a);
      const answered = new Set(p.answers.map((x) => x.participant));
      const waiting = present.filter((x) => !answered.has(x.id));
      redraw(part('tally'), p.phase === 'consent' || p.answers.length ? [
        h('h4', null, t('console.consent.answers_heading', { version: p.version })),
        h('ul', { class: 'plain answers-list' }, msg.CONSENT_ANSWERS.map((a) => h('li', null,
          h('span', { class: `tag answer-${a}` }, t('console.consent.answer_count', { answer: words.ANSWER[a].label, count: by(a).length })), ' ',
          by(a).map((x) => (x.text ? t('console.consent.answer_with_text', { name: model.name(x.participant), text: x.text }) : model.name(x.participant))).join(', ')))),
        active && waiting.length ? h('p', { class: 'hint' }, t('console.consent.not_answered', { names: waiting.map((x) => x.name).join(', ') })) : null] : null);

      const objections = p.objections;
      redraw(part('objections'), objections.length ? [h('h4', null, t('console.consent.objections')), h('ul', { class: 'plain answers-list' }, objections.map((o) => {
        const author = model.people.get(o.participant);
        return h('li', { class: o.status === 'open' ? 'objection-open' : '' },
          h('span', { class: `tag ${o.status === 'open' ? 'answer-objection' : 'tag-plain'}` }, words.OBJECTION[o.status]), ' ',
          h('strong', null, model.name(o.participant)), ` ${t('console.consent.objection_line', { version: o.version, reason: o.reason })}`,
          o.status === 'open' && author && author.proxy ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'withdraw', id: String(o.id), key: `withdraw-${o.id}` } }, t('console.consent.withdraw_for_them')) : null);
      }))] : null);

      part('act').hidden = !active;
      part('draft').hidden = !isDraft || model.ended;
      part('mine').hidden = part('proxy').hidden = p.phase !== 'consent';
      if (!proxies.length) part('proxy').hidden = true;
      const chosenProxy = c.forWho.value;
      redraw(c.forWho, proxies.map((x) => h('option', { value: String(x.id) }, x.name)));
      if (chosenProxy) c.forWho.value = chosenProxy;
    }
    form.hidden = model.ended;
    const running = (p) => ACTIVE.includes(p.phase) && !model.ended;
    place(list, proposals.filter(running).map((p) => cards.get(p.id)));
    const drafts = proposals.filter((p) => p.phase === 'draft').reverse();  // in the order prepared
    place(draftList, drafts.map((p) => cards.get(p.id)));
    draftHead.hidden = !drafts.length;
    place(endedList, proposals.filter((p) => !running(p) && p.phase !== 'draft').map((p) => cards.get(p.id)));
    endedHead.hidden = !endedList.children.length;
  }
  return render;
}
