// Ballot forms, one per poll kind, and the consent answer form: made once and kept, they gather a
// choice for `submit`. Whether it is valid is the server's to say (its message is shown).
import { h } from './dom.js';
import * as words from './words.js';
import { scaleLabel } from './results.js';

let uid = 0;

// submit(ballot) -> Promise<boolean>; ballot is {choices} | {value} | {text} (protocol.vote).
export function ballotForm(poll, submit, { button = 'Vote' } = {}) {
  const id = `b${++uid}`;
  const form = h('form', { class: 'ballot', novalidate: true });
  let read;
  if (poll.kind === 'single_choice' || poll.kind === 'multiple_choice') {
    const multi = poll.kind === 'multiple_choice';
    const legend = multi
      ? (poll.max_choices >= poll.options.length ? 'Choose any that you support' : `Choose up to ${poll.max_choices}`)
      : 'Choose one';
    form.append(h('fieldset', null, h('legend', null, legend), h('div', { class: 'choices' }, poll.options.map((o, i) =>
      h('label', { class: 'choice' }, h('input', { type: multi ? 'checkbox' : 'radio', name: id, value: String(i) }), h('span', null, o))))));
    read = () => ({ choices: [...form.querySelectorAll(`input[name=${id}]:checked`)].map((x) => Number(x.value)) });
  } else if (poll.kind === 'scale') {
    const values = [];
    for (let v = poll.scale_min; v <= poll.scale_max; v++) values.push(v);
    const ends = [poll.min_label && `${poll.scale_min}: ${poll.min_label.replace(/^-?\d+:\s*/, '')}`,
      poll.max_label && `${poll.scale_max}: ${poll.max_label.replace(/^-?\d+:\s*/, '')}`].filter(Boolean).join(' · ');
    form.append(h('fieldset', { 'aria-describedby': ends ? `${id}-ends` : null },
      h('legend', null, `Your answer, from ${poll.scale_min} to ${poll.scale_max}`),
      ends ? h('p', { class: 'hint', id: `${id}-ends` }, ends) : null,
      h('div', { class: 'scale' }, values.map((v) => h('label', { class: 'scale-step' },
        h('input', { type: 'radio', name: id, value: String(v), 'aria-label': scaleLabel(poll, v) }),
        h('span', { 'aria-hidden': 'true' }, String(v)))))));
    read = () => {
      const x = form.querySelector(`input[name=${id}]:checked`);
      return x ? { value: Number(x.value) } : { choices: [] };
    };
  } else if (poll.kind === 'ranked_choice') {
    const list = h('ol', { class: 'rank', 'aria-describedby': `${id}-how` });
    const status = h('p', { class: 'sr-only', role: 'status' });
    const place = (li) => [...list.children].indexOf(li);
    const move = (li, by, button) => {
      const to = place(li) + by;
      if (to < 0 || to >= list.children.length) return;
      if (by < 0) list.insertBefore(li, list.children[to]); else list.insertBefore(li, list.children[to].nextSibling);
      button.focus();
      status.textContent = `${li.dataset.name}: now ${words.ordinal(to + 1)}`;
      renumber();
    };
    // The first cannot go up nor the last down: those buttons say so (aria-disabled keeps focus).
    const renumber = () => [...list.children].forEach((li, i, all) => {
      li.querySelector('.pos').textContent = String(i + 1);
      const [up, down] = li.querySelectorAll('button');
      up.setAttribute('aria-disabled', String(i === 0));
      down.setAttribute('aria-disabled', String(i === all.length - 1));
    });
    poll.options.forEach((o, i) => {
      const li = h('li', { class: 'rank-item', dataset: { option: String(i), name: o } },
        h('span', { class: 'pos', 'aria-hidden': 'true' }, String(i + 1)), h('span', { class: 'rank-name' }, o));
      const up = h('button', { type: 'button', class: 'small secondary', 'aria-label': `Move ${o} up`, onclick: () => move(li, -1, up) }, '↑ Up');
      const down = h('button', { type: 'button', class: 'small secondary', 'aria-label': `Move ${o} down`, onclick: () => move(li, 1, down) }, '↓ Down');
      li.append(h('span', { class: 'rank-buttons' }, up, down));
      list.append(li);
    });
    renumber();
    form.append(h('fieldset', null, h('legend', null, 'Your order of preference'),
      h('p', { class: 'hint', id: `${id}-how` }, 'First is the one you want most. Move options with the Up and Down buttons.'), list, status));
    read = () => ({ choices: [...list.children].map((li) => Number(li.dataset.option)) });
  } else {
    form.append(h('div', { class: 'field' }, h('label', { for: `${id}-text` }, 'Your answer'),
      h('textarea', { id: `${id}-text`, maxlength: '500', rows: '2' })));
    read = () => ({ text: form.querySelector('textarea').value.trim() });
  }
  const go = h('button', { type: 'submit' }, button);
  form.append(go);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await submit(read(), go);
  });
  return form;
}

// The consent answer: four choices, each with what it means, and the text that concern and
// objection need (the server says so too, if it is left empty).
export function answerForm(submit) {
  const id = `a${++uid}`;
  const text = h('textarea', { id: `${id}-text`, maxlength: '1000', rows: '2' });
  const textLabel = h('label', { for: `${id}-text` }, 'Comment (optional)');
  const field = h('div', { class: 'field' }, textLabel, text);
  const form = h('form', { class: 'answer-form', novalidate: true },
    h('fieldset', null, h('legend', null, 'Your answer'), h('div', { class: 'choices' }, Object.entries(words.ANSWER).map(([a, w]) =>
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: id, value: a }),
        h('span', null, h('strong', null, w.label), h('span', { class: 'hint' }, w.hint)))))),
    field, h('button', { type: 'submit' }, 'Send my answer'));
  form.addEventListener('change', () => {
    const a = (form.querySelector(`input[name=${id}]:checked`) || {}).value;
    const needed = a === 'concern' || a === 'objection';
    textLabel.textContent = needed ? `${words.ANSWER[a].text} (needed)` : 'Comment (optional)';
    text.required = needed;
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const a = (form.querySelector(`input[name=${id}]:checked`) || {}).value;
    if (!a) return submit(null, form.querySelector('button[type=submit]'));
    if (await submit({ answer: a, text: text.value.trim() }, form.querySelector('button[type=submit]'))) text.value = '';
  });
  return form;
}
