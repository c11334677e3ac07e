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
// is an object of plural forms ({ "one": "…", "other": "…" }) is chosen by `count`, or, for an
// ordinal number ("3rd"), by `ordinal` under the language's ordinal rules (t('common.ordinal',
// { ordinal: 3 }); English has one/two/few/other: 1st 2nd 3rd 4th). Keys are always written out in
// full in the code, so tests/i18n/check-catalogues.mjs can find every key used and fail on a
// missing or unused one.
//
// Each person picks a language on the start and join pages; the browser remembers it. A room
// display remembers its own (it is often a shared laptop that someone else set up). `?lang=es` in a
// page's address picks a language too, and is remembered.

// `complete`: the catalogue has every key (tests/i18n/check-catalogues.mjs checks it), so a page in
// that language does not load English too (about 15 KB on the wire).
export const LANGUAGES = {
  en: { name: 'English', dir: 'ltr', complete: true },
  es: { name: 'Español', dir: 'ltr', complete: true },
  ar: { name: 'العربية', dir: 'rtl', complete: false },
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
// English alone; a complete catalogue alone (English only if it failed to load); an incomplete one
// with English beside it, both at once.
const [fallbackCatalogue, chosenCatalogue] = await (async () => {
  if (language === FALLBACK) return [await loadCatalogue(FALLBACK), null];
  if (!LANGUAGES[language].complete) return Promise.all([loadCatalogue(FALLBACK), loadCatalogue(language)]);
  const chosen = await loadCatalogue(language);
  return [chosen ? null : await loadCatalogue(FALLBACK), chosen];
})();
// Numbers, times and dates follow the browser's own variant of the chosen language when it has one
// (en-GB: 14:05; en-US: 2:05 PM); plural rules are the language's.
const locale = (() => {
  for (const tag of navigator.languages || []) {
    if (String(tag).toLowerCase().split('-')[0] !== language) continue;
    try { return Intl.getCanonicalLocales(tag)[0]; } catch { /* not a valid tag */ }
  }
  return language;
})();
const plurals = new Intl.PluralRules(language);
const ordinals = new Intl.PluralRules(language, { type: 'ordinal' });
const numbers = new Intl.NumberFormat(locale);

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
    const form = vars && typeof vars.ordinal === 'number' ? ordinals.select(vars.ordinal)
      : plurals.select(vars && typeof vars.count === 'number' ? vars.count : 0);
    entry = entry[form] ?? entry.other ?? '';
  }
  return fill(String(entry), vars);
}

// A number in this page's language; `options` are Intl.NumberFormat's ({ style: 'percent' }, ...).
export const formatNumber = (n, options) => (options ? new Intl.NumberFormat(locale, options) : numbers).format(n);

// A time of day (14:05, or 2:05 p. m.) and a date, in this page's language.
export const formatTime = (ms) => new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
export const formatDate = (ms) => new Date(ms).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' });

// Items of a list in this page's language ("a, b, c"; Arabic "a، وb، وc").
export const formatList = (items) => new Intl.ListFormat(locale, { type: 'unit', style: 'short' }).format(items);

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
