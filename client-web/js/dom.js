// Small DOM helpers. Text always goes in as text (textContent), never as HTML.
import { t } from './i18n.js';
import { sayError } from './errors.js';

export const $ = (selector, root = document) => root.querySelector(selector);

// h('li', {class: 'x', dataset: {key: '3'}, onclick: fn}, 'text', child, ...)
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // Through the CSSOM: the Content-Security-Policy refuses style attributes, not this.
    else if (k === 'style') el.style.cssText = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

// Replaces a container's children, keeping keyboard focus on the element with the same
// data-key (or a fallback) so a live update never throws a keyboard user back to the page top.
// Open <details data-key> stay open.
export function redraw(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : null;
  const holder = document.createElement('div');
  append(holder, children);
  for (const d of container.querySelectorAll('details[open][data-key]')) {
    const again = holder.querySelector(`details[data-key="${CSS.escape(d.dataset.key)}"]`);
    if (again) again.open = true;
  }
  if (holder.innerHTML === container.innerHTML) return;  // nothing changed: keep the DOM as it is
  container.replaceChildren(...holder.childNodes);
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    (again || container.closest('section') || container).focus({ preventScroll: true });
  }
}

// Puts kept elements (cards holding forms) in a container in this order, moving nothing when the
// order is already right, so what someone is typing or choosing stays.
export function place(container, nodes) {
  if (nodes.length !== container.children.length || nodes.some((n, i) => container.children[i] !== n)) container.replaceChildren(...nodes);
}

// aria-live announcements: polite for news, assertive for "connection lost".
export class Announcer {
  constructor() {
    this.polite = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true', id: 'announce-polite' });
    this.assertive = h('div', { class: 'sr-only', 'aria-live': 'assertive', 'aria-atomic': 'true', id: 'announce-assertive' });
    document.body.append(this.polite, this.assertive);
  }

  say(text, { assertive = false } = {}) {
    const region = assertive ? this.assertive : this.polite;
    region.textContent = '';
    // A fresh text node after a tick makes screen readers announce a repeated message again.
    setTimeout(() => { region.textContent = text; }, 60);
  }
}

// Shows a message in a page's notice area (role="alert" for errors, "status" otherwise).
export function notify(el, text, kind = 'error') {
  if (!el) return;
  el.hidden = !text;
  el.className = `notice notice-${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = text || '';
}

// Reads a URL query parameter.
export const param = (name) => new URLSearchParams(location.search).get(name) || '';

// A short message at the bottom of the screen (errors from the server, confirmations); it stays
// until replaced or dismissed, or for 10 s. role="alert" so it is announced.
let toastEl = null;
let toastTimer = 0;
export function toast(text, kind = 'error') {
  if (!toastEl) {
    toastEl = h('div', { class: 'toast', hidden: true },
      h('p', { class: 'toast-text', role: kind === 'error' ? 'alert' : 'status' }),
      h('button', { type: 'button', class: 'small secondary', onclick: () => { toastEl.hidden = true; } }, t('common.dismiss')));
    document.body.append(toastEl);
  }
  const p = toastEl.querySelector('.toast-text');
  p.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  p.textContent = text;
  toastEl.className = `toast toast-${kind}`;
  toastEl.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastEl.hidden = true; }, 10000);
}

// Runs a command from a button: disables it while the server answers, shows the server's
// error message if it refuses. Resolves true on ack.
export async function act(button, command) {
  if (button && button.getAttribute('aria-disabled') === 'true') return false;
  if (button) button.setAttribute('aria-disabled', 'true');
  try {
    await command();
    if (toastEl && toastEl.classList.contains('toast-error')) toastEl.hidden = true;  // that error is past
    return true;
  } catch (e) {
    toast(sayError(e));
    return false;
  } finally {
    if (button) button.removeAttribute('aria-disabled');
  }
}
