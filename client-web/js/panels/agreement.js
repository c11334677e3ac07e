// Console panel: the working agreement. Items proposed by anyone; adopt one by a quick consent
// check or a full consent round, remove an adopted one; see how often each was flagged as broken
// (flags are anonymous: only their number is known).
import { t } from '../i18n.js';
import { h, redraw } from '../dom.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';

export function mount(root, { model, conn, send, ask, toast }) {
  const list = h('ul', { class: 'plain agreement', id: 'fagreement-list', 'aria-labelledby': 'fagreement-h' });
  const form = h('form', { class: 'row sub' },
    h('div', { class: 'field' }, h('label', { for: 'fagreement-text' }, t('console.agreement.propose_label')),
      h('input', { id: 'fagreement-text', name: 'text', type: 'text', maxlength: '300', required: true, autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'secondary' }, t('console.agreement.propose')));
  root.append(h('section', { class: 'card', 'aria-labelledby': 'fagreement-h' },
    h('h2', { id: 'fagreement-h' }, t('console.agreement.heading')),
    h('p', { class: 'hint' }, t('console.agreement.hint')),
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
      ask({ title: t('console.agreement.adopt_title'), text: t('console.agreement.adopt_text', { text: item.text }), reason: 'none', ok: t('console.agreement.adopt_ok'),
        run: () => conn.send(msg.consentCheck(item.id, true)) });
    } else if (b.dataset.action === 'remove') {
      ask({ title: t('console.agreement.remove_title'), text: t('console.agreement.remove_text', { text: item.text }), reason: 'none', ok: t('console.agreement.remove_ok'),
        run: () => conn.send(msg.consentCheck(item.id, false)) });
    } else if (b.dataset.action === 'round') {
      const adopt = item.status === 'proposed';
      const title = adopt ? t('console.agreement.round_adopt', { text: item.text }) : t('console.agreement.round_remove', { text: item.text });
      send(b, msg.presentProposal(title.slice(0, 200), item.text, item.id, !adopt))
        .then((ok) => ok && toast(t('console.agreement.presented'), 'info'));
    }
  });

  return function render() {
    const items = model.agreement.slice().sort((a, b) => ({ adopted: 0, proposed: 1, removed: 2 }[a.status] - { adopted: 0, proposed: 1, removed: 2 }[b.status]) || a.id - b.id);
    const button = (action, id, label, cls = 'small secondary') => h('button', { type: 'button', class: cls, dataset: { action, id: String(id), key: `${action}-${id}` } }, label);
    redraw(list, items.length ? items.map((i) => h('li', { class: `item item-${i.status}` },
      h('p', null, i.text, ' ', h('span', { class: 'tag tag-plain' }, words.ITEM_STATUS[i.status]),
        i.status === 'adopted' && i.flags ? h('span', { class: 'tag answer-objection' }, t('console.agreement.flagged', { count: i.flags })) : null,
        h('span', { class: 'hint' }, ` ${i.author ? t('console.agreement.by', { name: model.name(i.author) }) : t('console.agreement.anonymous')}`)),
      model.ended || i.status === 'removed' ? null : h('span', { class: 'actions' },
        i.status === 'proposed' ? button('adopt', i.id, t('console.agreement.adopt'), 'small') : button('remove', i.id, t('console.agreement.remove')),
        button('round', i.id, t('console.agreement.round'))))) : h('li', { class: 'muted' }, t('console.agreement.none')));
    for (const el of form.elements) el.disabled = model.ended;
  };
}
