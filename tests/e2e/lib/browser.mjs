// Shared helpers for the browser tests: Debian's Chromium through playwright-core (never a
// downloaded browser), people in separate browser contexts, waiting for what the server sends,
// axe-core checks and screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.EVERYVOICE_URL || 'http://127.0.0.1:8080';
export const SHOTS = process.env.EVERYVOICE_SCREENSHOTS || join(process.cwd(), 'screenshots');
const CHROMIUM = process.env.EVERYVOICE_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 10000;

export const PHONE = { viewport: { width: 375, height: 740 }, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };
export const PROJECTOR = { viewport: { width: 1280, height: 720 } };

// Each launch gets a fresh temporary profile (user data dir) from Playwright.
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

// A person: their own browser context (own storage, own network), one page. `options` go to
// newContext as well (e.g. { ignoreHTTPSErrors: true } for a self-signed certificate).
export async function person(browser, device = DESKTOP, name = 'page', options = {}) {
  const context = await browser.newContext({ ...device, reducedMotion: 'reduce', locale: 'en-GB', ...options });
  const page = await context.newPage();
  page.on('pageerror', (err) => { console.error(`[${name}] page error: ${err.message}`); page.__errors = (page.__errors || 0) + 1; });
  // Requests that failed or were refused, the last 20, for a failure message (until() below).
  page.__failedRequests = [];
  const failed = (what) => { page.__failedRequests.push(what); if (page.__failedRequests.length > 20) page.__failedRequests.shift(); };
  page.on('requestfailed', (r) => failed(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failed(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`); });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Anything the server's Content-Security-Policy blocked is a defect of the client: counted.
    if (/Content Security Policy/.test(m.text())) page.__errors = (page.__errors || 0) + 1;
    if (!/404|Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text())) console.error(`[${name}] console: ${m.text()}`);
  });
  return { context, page, name };
}

// Waits until fn(arg) is truthy in the page; on timeout, says what the page showed instead.
export async function until(page, what, fn, arg, timeout = WAIT_MS) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (e) {
    const body = await page.evaluate(() => document.body.innerText.slice(0, 1500)).catch(() => '(page gone)');
    // What the page said in passing (toasts) and which console tab was selected, besides its text.
    const state = await page.evaluate(() => ({
      toasts: [...document.querySelectorAll('.toast')].map((e) => e.textContent).join(' | '),
      tab: document.querySelector('[role=tab][aria-selected=true]')?.id || '',
      conn: document.querySelector('#conn')?.dataset.state || '',
    })).catch(() => ({}));
    const requests = (page.__failedRequests || []).join('\n') || '(none)';
    throw new Error(`${what}: not seen within ${timeout} ms on ${page.url()}\n` +
      `--- selected tab: ${state.tab || '-'}; connection: ${state.conn || '-'}; toasts: ${state.toasts || '-'}\n` +
      `--- failed requests ---\n${requests}\n--- page text ---\n${body}`);
  }
}

export const waitText = (page, selector, text, timeout) =>
  until(page, `"${text}" in ${selector}`, ([s, t]) => { const el = document.querySelector(s); return el && !el.closest('[hidden]') && el.textContent.includes(t); }, [selector, text], timeout);

export const waitLive = (page) =>
  until(page, 'connection live', () => document.querySelector('#conn')?.dataset.state === 'live');

// The names in a queue list, in the order drawn.
export const queueNames = (page, list = '#queue') => page.$$eval(`${list} .entry .name`, (els) => els.map((e) => e.textContent));
export const queueReasons = (page, list = '#queue') => page.$$eval(`${list} .entry .reason`, (els) => els.map((e) => e.textContent));

export async function waitQueue(page, names, list = '#queue') {
  try {
    await page.waitForFunction(([l, n]) => JSON.stringify([...document.querySelectorAll(`${l} .entry .name`)].map((e) => e.textContent)) === JSON.stringify(n),
      [list, names], { timeout: WAIT_MS, polling: 100 });
  } catch {
    assert.deepEqual(await queueNames(page, list), names, `queue order on ${page.url()}`);
  }
}

// Creates a meeting from the start page, as its facilitator; returns the code.
export async function createMeeting(page, { title, name, location = 'in_room', base = BASE }) {
  await page.goto(`${base}/`);
  await page.fill('#title', title);
  await page.fill('#name', name);
  await page.check(`#create-form input[name=location][value=${location}]`);
  await page.click('#create-button');
  await page.waitForURL(/\/facilitator\?code=/);
  await waitLive(page);
  return (await page.textContent('#share-code')).trim();
}

// Joins from the join page (code in the link) and lands on the participant page.
export async function joinAs(page, code, { name, location = 'remote', preference = 'none', beforeSubmit = null, base = BASE }) {
  await page.goto(`${base}/join?code=${code}`);
  await page.fill('#name', name);
  await page.check(`input[name=location][value=${location}]`);
  await page.check(`input[name=preference][value=${preference}]`);
  if (beforeSubmit) await beforeSubmit(page);
  await page.click('#join-button');
  await page.waitForURL(/\/participant\?code=/);
  await waitLive(page);
  await waitText(page, '#me-name', name);
}

// The start most specs share: a facilitator (Fatima, desktop) creates the meeting, the room display
// (projector) opens it, then `people` join in order, each in a browser context of their own:
// [{ key: 'ada', device: PHONE, name: 'Ada', location: 'in_room', preference }]. Waits until the
// console lists everyone unless `waitForAll` is false. Returns { fac, display, code, ...by key }.
export async function openMeeting(browser, { title, people, waitForAll = true }) {
  const fac = await person(browser, DESKTOP, 'facilitator');
  const display = await person(browser, PROJECTOR, 'display');
  const joined = {};
  for (const p of people) joined[p.key] = await person(browser, p.device, p.key);
  const code = await createMeeting(fac.page, { title, name: 'Fatima' });
  await display.page.goto(`${BASE}/display?code=${code}`);
  await waitLive(display.page);
  for (const p of people) await joinAs(joined[p.key].page, code, { name: p.name, location: p.location, preference: p.preference });
  if (waitForAll) await waitText(fac.page, '#people-h', `People (${people.length + 1})`);
  return { fac, display, code, ...joined };
}

// The end every spec shares: no script error and nothing blocked by the Content-Security-Policy on
// any page, then the browser closes.
export async function closeChecked(browser, people) {
  for (const p of people) assert.equal(p.page.__errors || 0, 0, `no script errors or CSP violations on ${p.name}'s page`);
  await browser?.close();
}

// axe-core (from npm, injected into the page): no serious or critical violation of WCAG 2.1 A/AA
// (lesser ones are printed); with { anyImpact: true }, no violation of any impact at all.
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// Zero axe violations of any impact (issue 14): minor and moderate ones fail a test too.
export async function expectAccessible(page, label, { anyImpact = true } = {}) {
  // Evaluated through DevTools, not as a <script> tag: the pages' Content-Security-Policy rightly
  // refuses inline scripts, and the test must not weaken it.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  const bad = result.violations.filter((v) => anyImpact || v.impact === 'serious' || v.impact === 'critical');
  for (const v of result.violations.filter((x) => !bad.includes(x))) {
    console.log(`  axe (${label}, ${v.impact}): ${v.id}: ${v.help} [${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}]`);
  }
  assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('; ')}`), [],
    `axe: ${anyImpact ? 'violations' : 'serious or critical violations'} on ${label}`);
}

// A full-page screenshot into the screenshots folder.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

// Both checks for one page in one state.
export async function checkState(page, name) {
  await shot(page, name);
  await expectAccessible(page, name);
}

// A button in someone's queue entry (facilitator console), found by the person's name.
export const entryButton = (page, name, action) =>
  page.locator('#queue li.entry', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).locator(`button[data-action=${action}]`);

// A person's row in the console's people list.
export const personRow = (page, name) =>
  page.locator('#people > li', { has: page.locator('strong', { hasText: new RegExp(`^${name}( \\(you\\))?$`) }) });

// Opens a panel of the console by its tab (the panel's module loads on first use).
export async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await until(page, `${name} panel drawn`, (n) => {
    const p = document.querySelector(`#panel-${n}`);
    return p && !p.hidden && p.children.length > 0;
  }, name);
}

// A poll's card on a page (participant: #poll-cards; console: #poll-list), by its question.
export const pollCard = (page, question) => page.locator('article.poll', { has: page.locator('h3', { hasText: question }) });
export const proposalCard = (page, title) => page.locator('article.proposal', { has: page.locator('h3', { hasText: title }) });

// The ack of a count (vote, upvote, signal) comes before the update that shows it: wait for text.
export async function waitGone(page, selector, timeout) {
  await until(page, `${selector} gone`, (s) => { const el = document.querySelector(s); return !el || !!el.closest('[hidden]'); }, selector, timeout);
}

// Waits until a locator's element shows the text (e.g. a poll card's turnout).
export async function waitIn(locator, text, timeout = 10000) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch {
    const seen = await locator.first().textContent().catch(() => '(nothing)');
    throw new Error(`"${text}" not seen within ${timeout} ms; saw: ${seen}`);
  }
}

// The console of a meeting created through the API (POST /api/meetings): the facilitator key is put
// where the start page puts it, then Fatima joins.
export async function openConsole(page, code, key, base = BASE) {
  await page.goto(`${base}/join`);
  await page.evaluate(([c, k]) => localStorage.setItem(`everyvoice:${c}:key`, JSON.stringify(k)), [code, key]);
  await page.goto(`${base}/facilitator?code=${code}`);
  await page.waitForSelector('#join-form');
  await page.fill('#join-name', 'Fatima');
  await page.click('#join-form button[type=submit]');
  await waitLive(page);
}
