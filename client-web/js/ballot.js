// Ballot forms, one per poll kind, and the consent answer form: made once and kept, they gather a
// choice for `submit`. Whether it is valid is the server's to say (its message is shown).
import { t } from './i18n.js';
import { h } from './dom.js';
import * as words from './words.js';
import { scaleLabel } from './results.js';

let uid = 0;

// submit(ballot) -> Promise<boolean>; ballot is {choices} | {value} | {text} (protocol.vote).
export function ballotForm(poll, submit, { button = t('participant.ballot.vote') } = {}) {
  const id = `b${++uid}`;
  const form = h('form', { class: 'ballot', novalidate: true });
  let read;
  let nothingChosen = () => false;  // a message when the ballot is empty and must not be sent
  if (poll.kind === 'single_choice' || poll.kind === 'multiple_choice') {
    const multi = poll.kind === 'multiple_choice';
    const legend = multi
      ? (poll.max_choices >= poll.options.length ? t('participant.ballot.choose_any') : t('participant.ballot.choose_up_to', { count: poll.max_choices }))
      : t('participant.ballot.choose_one');
    form.append(h('fieldset', null, h('legend', null, legend), h('div', { class: 'choices' }, poll.options.map((o, i) =>
      h('label', { class: 'choice' }, h('input', { type: multi ? 'checkbox' : 'radio', name: id, value: String(i) }), h('span', { dir: 'auto' }, o))))));
    read = () => ({ choices: [...form.querySelectorAll(`input[name=${id}]:checked`)].map((x) => Number(x.value)) });
  } else if (poll.kind === 'scale') {
    const values = [];
    for (let v = poll.scale_min; v <= poll.scale_max; v++) values.push(v);
    const ends = [poll.min_label && `${poll.scale_min}: ${poll.min_label.replace(/^-?\d+:\s*/, '')}`,
      poll.max_label && `${poll.scale_max}: ${poll.max_label.replace(/^-?\d+:\s*/, '')}`].filter(Boolean).join(' · ');
    form.append(h('fieldset', { 'aria-describedby': ends ? `${id}-ends` : null },
      h('legend', null, t('participant.ballot.scale', { min: poll.scale_min, max: poll.scale_max })),
      ends ? h('p', { class: 'hint', id: `${id}-ends` }, ends) : null,
      h('div', { class: 'scale' }, values.map((v) => h('label', { class: 'scale-step' },
        h('input', { type: 'radio', name: id, value: String(v), 'aria-label': scaleLabel(poll, v) }),
        h('span', { 'aria-hidden': 'true' }, String(v)))))));
    read = () => {
      const x = form.querySelector(`input[name=${id}]:checked`);
      return x ? { value: Number(x.value) } : { choices: [] };
    };
  } else if (poll.kind === 'ranked_choice') {
    // Nothing is ranked until the person ranks it: options start in "Not ranked yet", in the order
    // the facilitator typed them, and pressing Vote with nothing ranked sends nothing. A ballot
    // may rank some options only (the others count for nothing in the runoff).
    const list = h('ol', { class: 'rank', 'aria-label': t('participant.ballot.ranking'), 'aria-describedby': `${id}-how` });
    const pool = h('ul', { class: 'plain rank-pool', 'aria-label': t('participant.ballot.not_ranked_yet') });
    const empty = h('p', { class: 'hint rank-empty' }, t('participant.ballot.nothing_ranked'));
    const status = h('p', { class: 'sr-only', role: 'status' });
    const say = (text) => { status.textContent = text; };
    const place = (li) => [...list.children].indexOf(li);
    const item = (i) => {
      const o = poll.options[i];
      const li = h('li', { class: 'rank-item', dataset: { option: String(i), name: o } },
        h('span', { class: 'pos', 'aria-hidden': 'true' }), h('span', { class: 'rank-name' }, o));
      const up = h('button', { type: 'button', class: 'small secondary', 'aria-label': t('participant.ballot.up_label', { option: o }), onclick: () => move(li, -1, up) }, t('participant.ballot.up'));
      const down = h('button', { type: 'button', class: 'small secondary', 'aria-label': t('participant.ballot.down_label', { option: o }), onclick: () => move(li, 1, down) }, t('participant.ballot.down'));
      const out = h('button', { type: 'button', class: 'small secondary', 'aria-label': t('participant.ballot.take_out_label', { option: o }), onclick: () => unrank(li) }, t('participant.ballot.take_out'));
      li.append(h('span', { class: 'rank-buttons' }, up, down, out));
      return li;
    };
    const poolItem = (i) => {
      const o = poll.options[i];
      const add = h('button', { type: 'button', class: 'small secondary', 'aria-label': t('participant.ballot.rank_next_label', { option: o }) }, t('participant.ballot.rank_next'));
      const li = h('li', { class: 'rank-pool-item', dataset: { option: String(i) } }, h('span', { class: 'rank-name' }, o), add);
      add.addEventListener('click', () => rank(li));
      return li;
    };
    const refresh = () => {
      [...list.children].forEach((li, i, all) => {
        li.querySelector('.pos').textContent = String(i + 1);
        const [up, down] = li.querySelectorAll('button');
        up.setAttribute('aria-disabled', String(i === 0));
        down.setAttribute('aria-disabled', String(i === all.length - 1));
      });
      empty.hidden = list.children.length > 0;
      poolBox.hidden = pool.children.length === 0;
    };
    const rank = (poolLi) => {
      const i = Number(poolLi.dataset.option);
      const next = poolLi.nextElementSibling || poolLi.previousElementSibling;
      poolLi.remove();
      list.append(item(i));
      refresh();
      say(t('participant.ballot.ranked', { option: poll.options[i], place: words.ordinal(list.children.length) }));
      (next ? next.querySelector('button') : list.lastElementChild.querySelector('button:not([aria-disabled=true])'))?.focus();
    };
    const unrank = (li) => {
      const i = Number(li.dataset.option);
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      const back = poolItem(i);
      const after = [...pool.children].find((x) => Number(x.dataset.option) > i);
      pool.insertBefore(back, after || null);
      refresh();
      say(t('participant.ballot.unranked', { option: poll.options[i] }));
      (next ? next.querySelector('.rank-buttons button:last-child') : back.querySelector('button')).focus();
    };
    const move = (li, by, button) => {
      const to = place(li) + by;
      if (to < 0 || to >= list.children.length) return;
      if (by < 0) list.insertBefore(li, list.children[to]); else list.insertBefore(li, list.children[to].nextSibling);
      button.focus();
      say(t('participant.ballot.moved', { option: li.dataset.name, place: words.ordinal(to + 1) }));
      refresh();
    };
    const poolBox = h('div', { class: 'rank-pool-box' }, h('p', { class: 'label' }, t('participant.ballot.not_ranked_yet')), pool);
    poll.options.forEach((o, i) => pool.append(poolItem(i)));
    form.append(h('fieldset', null, h('legend', null, t('participant.ballot.order')),
      h('p', { class: 'hint', id: `${id}-how` }, t('participant.ballot.how')),
      h('p', { class: 'label' }, t('participant.ballot.ranking')), list, empty, poolBox, status));
    refresh();
    read = () => ({ choices: [...list.children].map((li) => Number(li.dataset.option)) });
    nothingChosen = () => list.children.length === 0 && t('participant.ballot.rank_first');
  } else {
    form.append(h('div', { class: 'field' }, h('label', { for: `${id}-text` }, t('participant.ballot.answer')),
      h('textarea', { id: `${id}-text`, maxlength: '500', rows: '2' })));
    read = () => ({ text: form.querySelector('textarea').value.trim() });
  }
  const go = h('button', { type: 'submit' }, button);
  form.append(go);
  const problem = h('p', { class: 'notice notice-error', role: 'alert', hidden: true });
  form.append(problem);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const empty = nothingChosen();
    problem.textContent = empty || '';
    problem.hidden = !empty;
    if (empty) return;
    await submit(read(), go);
  });
  return form;
}

// The consent answer: four choices, each with what it means, and the text that concern and
// objection need (the server says so too, if it is left empty).
export function answerForm(submit) {
  const id = `a${++uid}`;
  const text = h('textarea', { id: `${id}-text`, maxlength: '1000', rows: '2' });
  const textLabel = h('label', { for: `${id}-text` }, t('participant.answer.comment'));
  const field = h('div', { class: 'field' }, textLabel, text);
  const form = h('form', { class: 'answer-form', novalidate: true },
    h('fieldset', null, h('legend', null, t('participant.ballot.answer')), h('div', { class: 'choices' }, Object.entries(words.ANSWER).map(([a, w]) =>
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: id, value: a }),
        h('span', null, h('strong', null, w.label), h('span', { class: 'hint' }, w.hint)))))),
    field, h('button', { type: 'submit' }, t('participant.answer.send')));
  form.addEventListener('change', () => {
    const a = (form.querySelector(`input[name=${id}]:checked`) || {}).value;
    const needed = a === 'concern' || a === 'objection';
    textLabel.textContent = a === 'concern' ? t('participant.answer.concern_needed') : a === 'objection' ? t('participant.answer.objection_needed') : t('participant.answer.comment');
    text.required = needed;
  });
  const problem = h('p', { class: 'notice notice-error', role: 'alert', hidden: true });
  form.append(problem);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const a = (form.querySelector(`input[name=${id}]:checked`) || {}).value;
    const missing = (a === 'concern' || a === 'objection') && !text.value.trim()
      ? (a === 'objection' ? t('participant.answer.objection_missing') : t('participant.answer.concern_missing')) : '';
    problem.textContent = missing;
    problem.hidden = !missing;
    if (missing) return text.focus();
    if (!a) return submit(null, form.querySelector('button[type=submit]'));
    if (await submit({ answer: a, text: text.value.trim() }, form.querySelector('button[type=submit]'))) text.value = '';
  });
  return form;
}
