// "Verify this record": the console checks the decision record in the browser, without trusting
// the server (Web Crypto; PROTOCOL.md 7.9). Three decisions are made (an agreement item adopted by
// a quick check, a consent round adopted, a proposal withdrawn), with non-ASCII names and text;
// the facilitator verifies them all. Then the page is reloaded behind a WebSocket route that
// changes one character of decision 2's text in every frame it receives: the server's own check
// still says intact (it checked its own copy), and Verify names decision 2. Where Web Crypto is
// missing (plain http to a LAN address), the button says it cannot check here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, checkState, closeChecked, launch, openMeeting, openTab, proposalCard, until, waitIn, waitLive, waitText } from '../lib/browser.mjs';

const TITLE = '会议时间';
const TEXT = 'We meet every other Tuesday at 18:00 🌱.';
const TAMPERED = 'We meet every other Tuesday at 19:00 🌱.';
const VECTORS = JSON.parse(readFileSync(new URL('../../../protocol/examples/decision-record/vectors.json', import.meta.url), 'utf8'));

// Changes decision 2's text in a frame from the server (a snapshot's view, or an update).
function tamper(frame) {
  const msg = JSON.parse(frame);
  for (const list of [msg.view?.decisions, msg.decisions]) {
    for (const d of list || []) if (d.id === 2) d.text = d.text.replace('18:00', '19:00');
  }
  return JSON.stringify(msg);
}

describe('verify the decision record in the browser', () => {
  let browser, fac, zoe, ming;

  before(async () => {
    browser = await launch();
    ({ fac, zoe, ming } = await openMeeting(browser, { title: 'Comité', people: [
      { key: 'zoe', device: PHONE, name: 'Zoë', location: 'in_room' },
      { key: 'ming', device: DESKTOP, name: '明 🌱', location: 'remote' }] }));
  });
  after(() => closeChecked(browser, [fac, zoe, ming]));

  it('makes three decisions', async () => {
    // 1. An agreement item, adopted by a quick consent check.
    await zoe.page.click('#agreement-propose summary');
    await zoe.page.fill('#agreement-text', 'Phones on silent 📵');
    await zoe.page.click('#agreement-form button[type=submit]');
    await openTab(fac.page, 'agreement');
    await waitText(fac.page, '#fagreement-list', 'Phones on silent');
    await fac.page.click('#fagreement-list button[data-action=adopt]');
    await fac.page.click('#dialog-ok');
    // 2. A consent round, adopted.
    await openTab(fac.page, 'consent');
    await fac.page.fill('#proposal-title', TITLE);
    await fac.page.fill('#proposal-text', TEXT);
    await fac.page.click('#proposal-form button[type=submit]');
    await proposalCard(fac.page, TITLE).locator('button[data-phase=consent]').click();
    for (const p of [zoe, ming]) {
      const card = proposalCard(p.page, TITLE);
      await card.locator('.answer-form input[value=consent]').check();
      await card.locator('.answer-form button[type=submit]').click();
    }
    const card = proposalCard(fac.page, TITLE);
    await waitIn(card.locator('[data-part=tally]'), 'Consent: 2');
    await card.locator('button[data-action=adopt]').click();
    await waitIn(card.locator('[data-part=phase]'), 'Adopted');
    // 3. A proposal withdrawn.
    await fac.page.fill('#proposal-title', 'Snacks');
    await fac.page.fill('#proposal-text', 'Everyone brings snacks.');
    await fac.page.click('#proposal-form button[type=submit]');
    await proposalCard(fac.page, 'Snacks').locator('button[data-action=withdrawn]').click();
    await fac.page.click('#dialog-ok');
    await waitText(zoe.page, '#decision-list', 'withdrawn');
  });

  it('verifies the record: all three decisions check out', async () => {
    await openTab(fac.page, 'record');
    await waitText(fac.page, '#chain-status', 'Hash chain intact');
    await waitText(fac.page, '#fdecision-list', 'Snacks');
    await fac.page.click('#verify-record');
    await waitText(fac.page, '#verify-result', 'All 3 decisions check out: the record has not been changed.');
    assert.equal(await fac.page.getAttribute('#verify-result', 'class'), 'notice notice-ok');
    await until(fac.page, 'the result announced', () => document.querySelector('#announce-polite').textContent.startsWith('All 3 decisions check out'));
    // The newest hash, as the page holds it, is named so it can be compared later.
    const newest = await fac.page.evaluate(() => document.querySelector('#decision-3 .hash').textContent.slice(5, 21));
    await waitText(fac.page, '#verify-result', `The newest hash begins ${newest}.`);
    await checkState(fac.page, 'facilitator-record-verified');
  });

  it('the page computes the test vectors byte for byte (protocol/examples/decision-record)', async () => {
    const found = await fac.page.evaluate(async (v) => {
      const check = await import('/js/record-check.js');
      const utf8 = new TextEncoder();
      const same = v.decisions.map((d, i) => {
        const mine = check.digestInput(d);
        const theirs = utf8.encode(v.digest_inputs[i]);
        return mine.length === theirs.length && mine.every((b, j) => b === theirs[j]);
      });
      const edited = structuredClone(v.decisions);
      edited[5].present_names = ['Zoë'];
      const result = await check.checkRecord(v.decisions);
      const broken = await check.checkRecord(edited);
      return { same, ok: result.ok, count: result.count, broken: [broken.ok, broken.index, broken.problem] };
    }, VECTORS);
    assert.deepEqual(found, { same: VECTORS.decisions.map(() => true), ok: true, count: VECTORS.decisions.length, broken: [false, 5, 'changed'] });
  });

  it('names the decision whose text was changed on its way to the page', async () => {
    await fac.page.routeWebSocket(/\/ws(\/[A-Z0-9]{6})?$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((frame) => ws.send(typeof frame === 'string' ? tamper(frame) : frame));
    });
    await fac.page.reload();
    await waitLive(fac.page);
    await openTab(fac.page, 'record');
    await fac.page.click('#decision-2 summary');
    await waitText(fac.page, '#decision-2', TAMPERED);
    // The server checked its own copy, so its check still says intact; this page's check does not.
    await waitText(fac.page, '#chain-status', 'Hash chain intact');
    await fac.page.click('#verify-record');
    await waitText(fac.page, '#verify-result', `Decision 2 (“${TITLE}”) does not check out: its fields do not give its hash, so it was changed after it was recorded.`);
    assert.equal(await fac.page.getAttribute('#verify-result', 'class'), 'notice notice-error');
    await checkState(fac.page, 'facilitator-record-tampered');
  });

  it('says it cannot check where the browser has no Web Crypto (plain http to a LAN address)', async () => {
    const page = await fac.context.newPage();
    page.on('pageerror', (err) => { fac.page.__errors = (fac.page.__errors || 0) + 1; console.error(`[insecure] ${err.message}`); });
    await page.addInitScript(() => Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined }));
    await page.goto(fac.page.url());
    await waitLive(page);
    await openTab(page, 'record');
    await page.click('#verify-record');
    await waitText(page, '#verify-result', 'This browser cannot check the record here');
    assert.equal(await page.getAttribute('#verify-result', 'class'), 'notice notice-warn');
    await page.close();
  });
});
