// Every word a page shows comes from a message catalogue, one file per language:
// client-web/i18n/<language>.json. English is complete and is the fallback for a key another
// catalogue lacks (Arabic covers the participant's pages only). Plural forms and numbers go through
// Intl, so each language brings its own rules (Arabic has six plural forms, Spanish three).
//
// Keys are dotted paths into the catalogue ("participant.hand.raise"). A page's HTML names its keys
// in attributes, translated once when this module loads (pages load as modules, after the document
// is parsed):
//   data-i18n="key"               the element's text
//   data-i18n-placeholder="key"   (and -aria-label, -title, -alt, -content, -value) that attribute
// Code calls t('key', { name: 'Ana', count: 3 }): "{name}" is replaced by a value, and an entry that
// is an object of plural forms ({ "one": "…", "other": "…" }) is chosen by `count`. Keys are always
// written out in full in the code, so tests/i18n/check-catalogues.mjs can find every key used and
// fail on a missing or unused one.
//
// Each person picks a language on the start and join pages; the browser remembers it. A room
// display remembers its own (it is often a shared laptop that someone else set up). `?lang=es` in a
// page's address picks a language too, and is remembered.

export const LANGUAGES = {
  en: { name: 'English', dir: 'ltr' },
  es: { name: 'Español', dir: 'ltr' },
  ar: { name: 'العربية', dir: 'rtl' },
};
export const FALLBACK = 'en';

const storageKey = () => (document.documentElement.dataset.languageSeat === 'display' ? 'everyvoice.language.display' : 'everyvoice.language');

function remembered() {
  try { return localStorage.getItem(storageKey()) || ''; } catch { return ''; }
}

export function chooseLanguage(language) {
  if (!LANGUAGES[language]) return;
  try { localStorage.setItem(storageKey(), language); } catch { /* private mode: this page only */ }
}

// The address's ?lang=, then what this browser remembers, then the browser's own languages, then English.
function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && LANGUAGES[asked]) { chooseLanguage(asked); return asked; }
  const kept = remembered();
  if (LANGUAGES[kept]) return kept;
  for (const tag of navigator.languages || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return FALLBACK;
}

async function loadCatalogue(language) {
  try {
    const res = await fetch(`/i18n/${language}.json`);
    if (res.ok) return await res.json();
  } catch { /* offline or blocked: fall back */ }
  return null;
}

export const language = pickLanguage();
const [fallbackCatalogue, chosenCatalogue] = await Promise.all([
  loadCatalogue(FALLBACK),
  language === FALLBACK ? null : loadCatalogue(language),
]);
const plurals = new Intl.PluralRules(language);
const numbers = new Intl.NumberFormat(language);

function lookup(catalogue, key) {
  let node = catalogue;
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in vars)) return whole;
    const value = vars[name];
    return typeof value === 'number' ? numbers.format(value) : String(value);
  });
}

// The words for `key` in this page's language, with `vars` filled in.
export function t(key, vars) {
  let entry = lookup(chosenCatalogue, key);
  if (entry === undefined) entry = lookup(fallbackCatalogue, key);
  if (entry === undefined) return key;  // a missing key shows itself, and the catalogue test fails
  if (typeof entry === 'object') {
    const count = vars && typeof vars.count === 'number' ? vars.count : 0;
    entry = entry[plurals.select(count)] ?? entry.other ?? '';
  }
  return fill(String(entry), vars);
}

// A number in this page's language.
export const formatNumber = (n) => numbers.format(n);

// A time of day (14:05, or 2:05 p. m.) and a date, in this page's language.
export const formatTime = (ms) => new Date(ms).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
export const formatDate = (ms) => new Date(ms).toLocaleDateString(language, { year: 'numeric', month: 'long', day: 'numeric' });

const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt', 'content', 'value'];

// Words every [data-i18n…] element under `root` (the whole page by default).
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const name of ATTRIBUTES) {
    for (const el of root.querySelectorAll(`[data-i18n-${name}]`)) el.setAttribute(name, t(el.getAttribute(`data-i18n-${name}`)));
  }
}

document.documentElement.lang = language;
document.documentElement.dir = LANGUAGES[language].dir;
translate();

// A <select> of the languages, showing this page's, that remembers a new choice and reloads the
// page in it (the page's state is on the server and comes back on reload).
export function languagePicker(select) {
  select.replaceChildren(...Object.entries(LANGUAGES).map(([code, { name }]) => {
    const option = document.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = name;
    option.selected = code === language;
    return option;
  }));
  select.addEventListener('change', () => {
    chooseLanguage(select.value);
    const url = new URL(location.href);
    url.searchParams.delete('lang');
    location.replace(url);
  });
}
