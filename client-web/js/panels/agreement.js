// Console panel: the working agreement. Items proposed by anyone; adopt one by a quick consent
// check or a full consent round, remove an adopted one; see how often each was flagged as broken
// (flags are anonymous: only their number is known).
import { h, redraw } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';

export function mount(root, { model, conn, send, ask, toast }) {
  const list = h('ul', { class: 'plain agreement', id: 'fagreement-list', 'aria-labelledby': 'fagreement-h' });
  const form = h('form', { class: 'row sub' },
    h('div', { class: 'field' }, h('label', { for: 'fagreement-text' }, 'Propose a ground rule'),
      h('input', { id: 'fagreement-text', name: 'text', type: 'text', maxlength: '300', required: true, autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Propose'));
  root.append(h('section', { class: 'card', 'aria-labelledby': 'fagreement-h' },
    h('h2', { id: 'fagreement-h' }, 'Working agreement'),
    h('p', { class: 'hint' }, 'Adopt a proposed item by a quick consent check (the room agrees) or by a consent round.'),
    list, form));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (await send(form.querySelector('button'), msg.proposeAgreementItem(form.elements.text.value.trim()))) form.reset();
  });
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const item = model.agreement.find((i) => i.id === Number(b.dataset.id));
    if (!item) return;
    if (b.dataset.action === 'adopt') {
      ask({ title: 'Adopt by a quick consent check', text: `The room agrees to “${item.text}”. It goes into the decision record.`, reason: 'none', ok: 'Adopt',
        run: () => conn.send(msg.consentCheck(item.id, true)) });
    } else if (b.dataset.action === 'remove') {
      ask({ title: 'Remove by a quick consent check', text: `The room agrees to drop “${item.text}”. It goes into the decision record.`, reason: 'none', ok: 'Remove',
        run: () => conn.send(msg.consentCheck(item.id, false)) });
    } else if (b.dataset.action === 'round') {
      const adopt = item.status === 'proposed';
      send(b, msg.presentProposal(`${adopt ? 'Adopt' : 'Remove'} the ground rule: ${item.text}`.slice(0, 200), item.text, item.id, !adopt))
        .then((ok) => ok && toast('The proposal is presented: see the Consent tab.', 'info'));
    }
  });

  return function render() {
    const items = model.agreement.slice().sort((a, b) => ({ adopted: 0, proposed: 1, removed: 2 }[a.status] - { adopted: 0, proposed: 1, removed: 2 }[b.status]) || a.id - b.id);
    const button = (action, id, label, cls = 'small secondary') => h('button', { type: 'button', class: cls, dataset: { action, id: String(id), key: `${action}-${id}` } }, label);
    redraw(list, items.length ? items.map((i) => h('li', { class: `item item-${i.status}` },
      h('p', null, i.text, ' ', h('span', { class: 'tag tag-plain' }, words.ITEM_STATUS[i.status]),
        i.status === 'adopted' && i.flags ? h('span', { class: 'tag answer-objection' }, `⚑ flagged ${words.plural(i.flags, 'time')}`) : null,
        h('span', { class: 'hint' }, ` ${i.author ? `by ${model.name(i.author)}` : 'anonymous'}`)),
      model.ended || i.status === 'removed' ? null : h('span', { class: 'actions' },
        i.status === 'proposed' ? button('adopt', i.id, 'Adopt (quick check)…', 'small') : button('remove', i.id, 'Remove…'),
        button('round', i.id, 'Consent round')))) : h('li', { class: 'muted' }, 'No ground rules yet.'));
    for (const el of form.elements) el.disabled = model.ended;
  };
}
