// The facilitator card: the meeting's facilitator key with the console's address, to copy,
// download or print. Shown once when a meeting is new in this browser (until "I have saved it"),
// and again from "Facilitator card" under "Invite people". Without the key, a facilitator whose
// browser forgets it (another device, cleared storage, a lost laptop) cannot open her own meeting.
// The key is never put in an address: the console's link has the code only, and the console on
// another device asks for the key.
import { t } from '../i18n.js';
import { h, toast } from '../dom.js';

export function cardText({ title, code, consoleLink, key }) {
  const fields = [
    [t('console.key_card.meeting'), title],
    [t('console.key_card.code'), code],
    [t('console.key_card.console'), consoleLink],
    [t('console.key_card.key'), key],
  ];
  // The values line up in a column after the longest label.
  const width = Math.max(...fields.map(([label]) => label.length)) + 3;
  return [
    t('console.key_card.file_title'),
    '',
    ...fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    t('console.key_card.file_note'),
    '',
  ].join('\n');
}

export function showKeyCard(root, { title, code, consoleLink, key, onSaved }) {
  const card = { title, code, consoleLink, key };
  const field = (label, value, cls) => h('div', { class: 'key-field' }, h('dt', null, label), h('dd', { class: cls }, value));
  const copy = h('button', { type: 'button', class: 'secondary small', id: 'key-card-copy' }, t('console.key_card.copy'));
  const download = h('button', { type: 'button', class: 'secondary small', id: 'key-card-download' }, t('console.key_card.download'));
  const print = h('button', { type: 'button', class: 'secondary small', id: 'key-card-print' }, t('console.key_card.print'));
  const saved = h('button', { type: 'button', class: 'small', id: 'key-card-saved' }, t('console.key_card.saved'));
  root.replaceChildren(
    h('h2', { id: 'key-card-h' }, t('console.key_card.heading')),
    h('p', null, t('console.key_card.keep')),
    h('dl', { class: 'key-card-fields' },
      field(t('console.key_card.meeting'), title),
      field(t('console.key_card.code'), code, 'code-big'),
      field(t('console.key_card.console'), consoleLink),
      field(t('console.key_card.key'), key, 'key-value')),
    h('div', { class: 'actions' }, copy, download, print, saved));
  root.setAttribute('aria-labelledby', 'key-card-h');
  root.hidden = false;

  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(cardText(card));
      toast(t('console.key_card.copied'), 'info');
    } catch {
      getSelection().selectAllChildren(root.querySelector('.key-value'));
      toast(t('console.key_card.copy_blocked'), 'info');
    }
  });
  download.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([cardText(card)], { type: 'text/plain;charset=utf-8' }));
    const a = h('a', { href: url, download: t('console.key_card.file_name', { code }), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  print.addEventListener('click', () => {
    document.body.classList.add('printing-card');
    window.addEventListener('afterprint', () => document.body.classList.remove('printing-card'), { once: true });
    window.print();
  });
  saved.addEventListener('click', () => {
    root.hidden = true;
    onSaved();
  });
  saved.focus();
}
