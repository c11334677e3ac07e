// The facilitator card: the meeting's facilitator key with the console's address, to copy,
// download or print. Shown once when a meeting is new in this browser (until "I have saved it"),
// and again from "Facilitator card" under "Invite people". Without the key, a facilitator whose
// browser forgets it (another device, cleared storage, a lost laptop) cannot open her own meeting.
// The key is never put in an address: the console's link has the code only, and the console on
// another device asks for the key.
import { h, toast } from '../dom.js';

export function cardText({ title, code, consoleLink, key }) {
  return [
    'everyvoice: facilitator card',
    '',
    `Meeting:          ${title}`,
    `Meeting code:     ${code}`,
    `Console:          ${consoleLink}`,
    `Facilitator key:  ${key}`,
    '',
    'Keep this card somewhere safe, like a password. The key is the only way to open the',
    'console of this meeting on another device, or on this one if the browser forgets it.',
    'Anyone who has it can run, end or delete the meeting: do not give it to participants.',
    'To open the console elsewhere: go to the console address above and enter the key.',
    '',
  ].join('\n');
}

export function showKeyCard(root, { title, code, consoleLink, key, onSaved }) {
  const card = { title, code, consoleLink, key };
  const field = (label, value, cls) => h('div', { class: 'key-field' }, h('dt', null, label), h('dd', { class: cls }, value));
  const copy = h('button', { type: 'button', class: 'secondary small', id: 'key-card-copy' }, 'Copy');
  const download = h('button', { type: 'button', class: 'secondary small', id: 'key-card-download' }, 'Download');
  const print = h('button', { type: 'button', class: 'secondary small', id: 'key-card-print' }, 'Print');
  const saved = h('button', { type: 'button', class: 'small', id: 'key-card-saved' }, 'I have saved it');
  root.replaceChildren(
    h('h2', { id: 'key-card-h' }, 'Your facilitator card'),
    h('p', null, 'Keep this key somewhere safe, like a password. It is the only way to open this console on another device, '
      + 'or on this one if the browser forgets it. Anyone who has it can run the meeting, so do not give it to participants.'),
    h('dl', { class: 'key-card-fields' },
      field('Meeting', title),
      field('Meeting code', code, 'code-big'),
      field('Console', consoleLink),
      field('Facilitator key', key, 'key-value')),
    h('div', { class: 'actions' }, copy, download, print, saved));
  root.setAttribute('aria-labelledby', 'key-card-h');
  root.hidden = false;

  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(cardText(card));
      toast('The facilitator card is copied. Paste it somewhere safe.', 'info');
    } catch {
      getSelection().selectAllChildren(root.querySelector('.key-value'));
      toast('Copying is blocked here: the key is selected, copy it with your keyboard.', 'info');
    }
  });
  download.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([cardText(card)], { type: 'text/plain;charset=utf-8' }));
    const a = h('a', { href: url, download: `everyvoice-${code}-facilitator-card.txt`, hidden: true });
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
