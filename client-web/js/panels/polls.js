// Console panel: open a poll (each kind with its own fields, and the fist-to-five preset), watch
// "N of M have voted", see results when the server shows them, vote yourself or for a proxy,
// close (with a review date for a decision) or cancel. A poll can be prepared in advance (a draft,
// seen by facilitators only) and opened later with one click.
import { t } from '../i18n.js';
import { h, redraw, setText, toast, place } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';
import { ballotForm } from '../ballot.js';
import { drawResult, pollTags, turnout, pollState } from '../results.js';

export function mount(root, { model, conn, send, ask, announcer }) {
  const field = (id, label, input, hint) => h('div', { class: 'field', dataset: { for: id } },
    h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
  const kind = h('select', { id: 'poll-kind', name: 'kind' },
    msg.POLL_KINDS.map((k) => h('option', { value: k }, words.POLL_KIND[k])),
    h('option', { value: 'fist_to_five' }, t('console.polls.fist_to_five')));
  const form = h('form', { id: 'poll-form', class: 'card', 'aria-labelledby': 'poll-form-h' },
    h('h2', { id: 'poll-form-h' }, t('console.polls.form_heading')),
    field('poll-question', t('console.polls.question'), h('input', { id: 'poll-question', name: 'question', type: 'text', maxlength: '500', required: true, autocomplete: 'off' })),
    field('poll-kind', t('console.polls.kind'), kind),
    h('div', { dataset: { when: 'options' } },
      field('poll-options', t('console.polls.options'), h('textarea', { id: 'poll-options', name: 'options', rows: '4', 'aria-describedby': 'poll-options-hint' }), t('console.polls.options_hint'))),
    h('div', { dataset: { when: 'multiple' } },
      field('poll-max', t('console.polls.max_choices'), h('input', { id: 'poll-max', name: 'max', type: 'number', min: '1', max: '20', 'aria-describedby': 'poll-max-hint' }), t('console.polls.max_choices_hint'))),
    h('div', { class: 'row', dataset: { when: 'scale' } },
      field('poll-min', t('console.polls.scale_from'), h('input', { id: 'poll-min', name: 'min', type: 'number', min: '-100', max: '100', value: '1' })),
      field('poll-max-value', t('console.polls.scale_to'), h('input', { id: 'poll-max-value', name: 'maxValue', type: 'number', min: '-100', max: '100', value: '5' })),
      field('poll-min-label', t('console.polls.min_label'), h('input', { id: 'poll-min-label', name: 'minLabel', type: 'text', maxlength: '60', autocomplete: 'off' })),
      field('poll-max-label', t('console.polls.max_label'), h('input', { id: 'poll-max-label', name: 'maxLabel', type: 'text', maxlength: '60', autocomplete: 'off' }))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'anonymous', id: 'poll-anonymous' }), t('console.polls.anonymous')),
    h('p', { class: 'hint' }, t('console.polls.anonymous_hint')),
    h('div', { dataset: { when: 'anonymous' } },
      field('poll-k', t('console.polls.min_voters'), h('input', { id: 'poll-k', name: 'k', type: 'number', min: '1', max: '1000', value: '3' }))),
    h('fieldset', { dataset: { when: 'named' } }, h('legend', null, t('console.polls.when_results')),
      h('div', { class: 'choices' }, [['live', t('console.polls.results_live')], ['after_vote', t('console.polls.results_after_vote')], ['at_close', t('console.polls.results_at_close')]]
        .map(([v, label], i) => h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'results', value: v, defaultChecked: i === 0 }), h('span', null, label))))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'decision' }), t('console.polls.decision')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('console.polls.open')),
      h('button', { type: 'button', class: 'secondary', id: 'poll-save-draft' }, t('console.polls.save_draft'))),
    h('p', { class: 'hint' }, t('console.polls.draft_hint')));

  function showFields() {
    const k = kind.value;
    const anon = form.elements.anonymous.checked;
    const on = { options: k === 'single_choice' || k === 'multiple_choice' || k === 'ranked_choice', multiple: k === 'multiple_choice', scale: k === 'scale', anonymous: anon, named: !anon };
    for (const el of form.querySelectorAll('[data-when]')) el.hidden = !on[el.dataset.when];
  }
  form.addEventListener('change', showFields);
  showFields();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    openPoll(form.querySelector('button[type=submit]'), false);
  });
  // Prepared in advance: the same checks in the browser (required fields), then a draft.
  form.querySelector('#poll-save-draft').addEventListener('click', (e) => {
    if (form.reportValidity()) openPoll(e.currentTarget, true);
  });
  async function openPoll(button, draft) {
    const f = form.elements;
    const k = kind.value;
    const num = (x) => (x.value === '' ? undefined : Number(x.value));
    const spec = { question: f.question.value.trim(), anonymous: f.anonymous.checked || undefined, decision: f.decision.checked || undefined };
    if (k === 'fist_to_five') spec.preset = 'fist_to_five';
    else spec.kind = k;
    if (['single_choice', 'multiple_choice', 'ranked_choice'].includes(k)) spec.options = f.options.value.split('\n').map((o) => o.trim()).filter(Boolean);
    if (k === 'multiple_choice') spec.maxChoices = num(f.max);
    if (k === 'scale') Object.assign(spec, { scaleMin: num(f.min), scaleMax: num(f.maxValue), minLabel: f.minLabel.value.trim() || undefined, maxLabel: f.maxLabel.value.trim() || undefined });
    if (spec.anonymous) spec.minVoters = num(f.k);
    else spec.results = form.querySelector('input[name=results]:checked').value;
    spec.draft = draft;
    if (await send(button, msg.openPoll(spec))) {
      form.reset();
      showFields();
      announcer.say(draft ? t('console.polls.saved_draft') : t('console.polls.opened'));
    }
  }

  // Open polls first, then the prepared ones, then the form to open another, then the closed ones.
  const list = h('div', { id: 'poll-list' });
  const draftList = h('div', { id: 'poll-drafts' });
  const draftHead = h('h2', { class: 'sub-h', hidden: true }, t('console.polls.drafts_heading'));
  const closedList = h('div', { id: 'poll-closed' });
  const closedHead = h('h2', { class: 'sub-h', hidden: true }, t('console.polls.closed_heading'));
  root.append(h('h2', { class: 'sr-only' }, t('console.polls.open_heading')), list, draftHead, draftList, form, closedHead, closedList);

  const cards = new Map();
  const proxies = () => [...model.people.values()].filter((p) => p.proxy);
  function pollCard(poll) {
    if (cards.has(poll.id)) return cards.get(poll.id);
    const mine = ballotForm(poll, async (ballot, button) => {
      if (await send(button, msg.vote(poll.id, ballot))) { model.voted.add(poll.id); render(); }
    }, { button: t('console.polls.vote') });
    const forWho = h('select', { id: `poll-${poll.id}-for` });
    const forProxy = ballotForm(poll, async (ballot, button) => {
      if (await send(button, msg.vote(poll.id, ballot, Number(forWho.value)))) toast(t('console.polls.proxy_counted', { name: model.name(Number(forWho.value)) }), 'info');
    }, { button: t('console.polls.vote_for_them') });
    forProxy.prepend(h('div', { class: 'field' }, h('label', { for: forWho.id }, t('console.polls.proxy')), forWho));
    const review = h('input', { type: 'date', id: `poll-${poll.id}-review`, 'aria-describedby': `poll-${poll.id}-review-hint` });
    const card = h('article', { class: 'card poll', dataset: { poll: String(poll.id) }, 'aria-labelledby': `fpoll-${poll.id}-h` },
      h('h3', { id: `fpoll-${poll.id}-h`, class: 'question' }, poll.question),
      h('p', { class: 'tags', dataset: { part: 'tags' } }),
      h('p', { class: 'hint' }, poll.anonymous
        ? t('console.polls.card_anonymous', { count: poll.min_voters })
        : { live: t('console.polls.card_live'), after_vote: t('console.polls.card_after_vote'), at_close: t('console.polls.card_at_close') }[poll.results]),
      h('p', { class: 'turnout', dataset: { part: 'turnout' } }),
      h('div', { class: 'bar turnout-bar', 'aria-hidden': 'true' }, h('span', { dataset: { part: 'bar' } })),
      h('div', { dataset: { part: 'result' } }),
      h('div', { dataset: { part: 'actions' } },
        h('details', { class: 'manage', dataset: { part: 'mine' } }, h('summary', null, t('console.polls.mine')), mine),
        !poll.anonymous ? h('details', { class: 'manage', dataset: { part: 'proxy' } }, h('summary', null, t('console.polls.for_proxy')), forProxy) : null,
        poll.decision ? h('div', { class: 'field' }, h('label', { for: review.id }, t('console.polls.review_date')), review,
          h('p', { class: 'hint', id: `poll-${poll.id}-review-hint` }, t('console.polls.review_hint'))) : null,
        h('div', { class: 'actions' },
          h('button', { type: 'button', dataset: { action: 'close' } }, t('console.polls.close')),
          h('button', { type: 'button', class: 'danger', dataset: { action: 'cancel' } }, t('console.polls.cancel')))),
      h('div', { class: 'actions', dataset: { part: 'draft' } },
        h('button', { type: 'button', dataset: { action: 'open-draft' } }, t('console.polls.open_draft')),
        h('button', { type: 'button', class: 'danger', dataset: { action: 'delete-draft' } }, t('console.polls.delete_draft'))));
    card.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-action]');
      if (!b) return;
      if (b.dataset.action === 'close') send(b, msg.closePoll(poll.id, review.value)).then((ok) => ok && announcer.say(t('console.polls.closed')));
      if (b.dataset.action === 'open-draft') send(b, msg.openDraftPoll(poll.id)).then((ok) => ok && announcer.say(t('console.polls.opened')));
      if (b.dataset.action === 'delete-draft') {
        ask({ title: t('console.polls.delete_title'), text: t('console.polls.delete_text', { question: poll.question }), reason: 'none', ok: t('console.polls.delete_ok'),
          run: () => conn.send(msg.cancelPoll(poll.id)) });
      }
      if (b.dataset.action === 'cancel') {
        ask({ title: t('console.polls.cancel_title'), text: t('console.polls.cancel_text', { question: poll.question }), reason: 'none', ok: t('console.polls.cancel_ok'),
          run: () => conn.send(msg.cancelPoll(poll.id)) });
      }
    });
    card.forWho = forWho;
    cards.set(poll.id, card);
    return card;
  }

  function render() {
    const polls = model.polls.filter((p) => p.status !== 'cancelled').reverse();
    for (const poll of polls) {
      const card = pollCard(poll);
      const part = (n) => card.querySelector(`[data-part=${n}]`);
      const isOpen = poll.status === 'open' && !model.ended;
      const isDraft = poll.status === 'draft';
      card.classList.toggle('closed', !isOpen && !isDraft);
      redraw(part('tags'), pollTags(poll));
      setText(part('turnout'), isDraft ? t('console.polls.draft_state') : pollState(poll, model.ended) + turnout(poll));
      part('bar').parentElement.hidden = isDraft;
      part('draft').hidden = !isDraft || model.ended;
      part('bar').style.width = `${poll.eligible ? Math.min(100, Math.round((poll.voted / poll.eligible) * 100)) : 0}%`;
      const result = model.resultOf(poll);
      redraw(part('result'), result ? drawResult(poll, result)
        : isOpen ? h('p', { class: 'hint' }, poll.anonymous ? t('console.polls.sealed') : t('console.polls.result_at_close')) : null);
      part('actions').hidden = !isOpen;
      const voted = model.voted.has(poll.id);
      setText(part('mine').querySelector('summary'), voted ? (poll.anonymous ? t('console.polls.mine_counted') : t('console.polls.mine_counted_change')) : t('console.polls.mine'));
      part('mine').querySelector('form').hidden = voted && poll.anonymous;
      const px = part('proxy');
      if (px) {
        px.hidden = !proxies().length;
        const chosen = card.forWho.value;
        redraw(card.forWho, proxies().map((p) => h('option', { value: String(p.id) }, p.name)));
        if (chosen) card.forWho.value = chosen;
      }
    }
    form.hidden = model.ended;
    const want = polls.map((p) => cards.get(p.id));
    const open = polls.filter((p) => p.status === 'open' && !model.ended);
    place(list, open.map((p) => cards.get(p.id)));
    const drafts = polls.filter((p) => p.status === 'draft').reverse();  // in the order prepared
    place(draftList, drafts.map((p) => cards.get(p.id)));
    draftHead.hidden = !drafts.length;
    place(closedList, want.filter((c) => !list.contains(c) && !draftList.contains(c)));
    closedHead.hidden = !closedList.children.length;
  }
  return render;
}
