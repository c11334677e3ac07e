// Taking part without speaking: a written question, posted anonymously, is upvoted by others and
// taken up by the facilitator; a point is hidden with a reason; process signals reach the
// facilitator at once and the room display once enough people send them. The agenda with a
// timebox on the display; the meeting ends (read-only) and the minutes download in three formats.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, checkState, closeChecked, expectAccessible, launch, openMeeting, openTab, shot, until, waitGone, waitText } from '../lib/browser.mjs';

const QUESTION = 'Who decides the housing list?';
const pointItem = (page, list, text) => page.locator(`${list} > li`, { has: page.locator('.point-text', { hasText: text }) });

describe('written points, signals, agenda, end and minutes', () => {
  let browser, fac, display, ada, ben, kofi, code;

  before(async () => {
    browser = await launch();
    ({ fac, display, ada, ben, kofi, code } = await openMeeting(browser, { title: 'Budget forum', people: [
      { key: 'ada', device: PHONE, name: 'Ada', location: 'in_room', preference: 'write' },
      { key: 'ben', device: PHONE, name: 'Ben', location: 'remote' },
      { key: 'kofi', device: DESKTOP, name: 'Kofi', location: 'remote' }] }));
  });
  after(() => closeChecked(browser, [fac, display, ada, ben, kofi]));

  it('shows the QR code of the join link on request', async () => {
    await fac.page.click('#show-qr');
    await until(fac.page, 'QR code loaded or explained', () => {
      const img = document.querySelector('#qr');
      return (!img.hidden && img.complete && img.naturalWidth > 0) || !document.querySelector('#qr-missing').hidden;
    });
    assert.equal(await fac.page.getAttribute('#show-qr', 'aria-expanded'), 'true');
  });

  it('sets the agenda: the current item and its timebox show on the display', async () => {
    await openTab(fac.page, 'record');
    for (const [title, box] of [['Budget lines', '30'], ['Youth projects', '15']]) {
      await fac.page.fill('#agenda-title', title);
      await fac.page.fill('#agenda-box', box);
      await fac.page.click('#agenda-form button');
      await waitText(fac.page, '#agenda-list', title);
    }
    await fac.page.locator('#agenda-list li', { hasText: 'Budget lines' }).locator('button[data-action=start]').click();
    await waitText(display.page, '#agenda-now', 'Budget lines');
    await waitText(display.page, '#agenda-now', 'of 30 min');
    await waitText(fac.page, '#agenda-list .current', 'of 30 min');
  });

  it('a question written anonymously is upvoted by others and taken up', async () => {
    await ada.page.check('input[name=point-kind][value=question]');
    await ada.page.fill('#point-text', QUESTION);
    await ada.page.check('#point-anon');
    await ada.page.click('#point-form button[type=submit]');
    await ben.page.fill('#point-text', 'Bus fares are too high to come to meetings');
    await ben.page.click('#point-form button[type=submit]');
    await until(fac.page, 'new question announced', () => document.querySelector('#announce-polite').textContent.includes('New written'));
    const adaQuestion = pointItem(ada.page, '#point-list', QUESTION);
    await adaQuestion.waitFor({ timeout: 10000 });
    assert.match(await adaQuestion.textContent(), /anonymous/, 'no name on an anonymous question, not even for its author');
    for (const p of [ben, kofi]) {
      const item = pointItem(p.page, '#point-list', QUESTION);
      await item.waitFor({ timeout: 10000 });
      await item.locator('button[data-action=upvote]').click();
      await until(p.page, 'upvote marked', (q) => [...document.querySelectorAll('#point-list > li')].some((li) => li.textContent.includes(q) && li.textContent.includes('Upvoted')), QUESTION);
    }
    await openTab(fac.page, 'points');
    await waitText(fac.page, '#fpoint-list > li:first-child', '2 upvotes');
    assert.match(await fac.page.textContent('#fpoint-list > li:first-child'), new RegExp(QUESTION.replace('?', '\\?')), 'most upvoted first');
    await waitText(fac.page, '#tab-points .badge', '2');
    await checkState(fac.page, 'facilitator-points');
    await pointItem(fac.page, '#fpoint-list', QUESTION).locator('button[data-action=taken_up]').click();
    await until(ada.page, 'taken up', (q) => [...document.querySelectorAll('#point-list > li')].some((li) => li.textContent.includes(q) && li.textContent.includes('taken up')), QUESTION);
    await checkState(kofi.page, 'participant-desktop-points');
  });

  it('shows the top points on the room display when the facilitator chooses, the one taken up first', async () => {
    assert.equal(await display.page.isVisible('#points'), false, 'no points on the display until asked');
    await fac.page.selectOption('#points-shown', '3');
    await display.page.waitForSelector('#points', { state: 'visible' });
    await waitText(display.page, '#point-list > li:first-child', 'Now discussing');
    assert.match(await display.page.textContent('#point-list > li:first-child'), new RegExp(QUESTION.replace('?', '\\?')));
    await waitText(display.page, '#point-list', 'Bus fares are too high');
    await expectAccessible(display.page, 'room display with written points');
    await shot(display.page, 'display-points');
  });

  it('hides a point with a reason: gone for participants, kept for facilitators', async () => {
    await pointItem(fac.page, '#fpoint-list', 'Bus fares').locator('button[data-action=hide]').click();
    await fac.page.fill('#dialog-reason', 'moved to the transport item');
    await fac.page.click('#dialog-ok');
    await until(kofi.page, 'hidden point gone', () => !document.querySelector('#point-list').textContent.includes('Bus fares'));
    await waitText(fac.page, '#fpoint-list', 'Hidden: moved to the transport item');
    await until(display.page, 'hidden point gone from the display', () => !document.querySelector('#point-list').textContent.includes('Bus fares'));
  });

  it('moderated: a new point waits for approval, seen only by its author and the facilitators', async () => {
    await fac.page.check('#points-moderated');
    await until(fac.page, 'moderation on, acknowledged', () => document.querySelector('#points-moderated').getAttribute('aria-disabled') !== 'true');
    await ben.page.fill('#point-text', 'Can we meet in the evening?');
    await ben.page.click('#point-form button[type=submit]');
    const bens = pointItem(ben.page, '#point-list', 'Can we meet in the evening?');
    await bens.waitFor({ timeout: 10000 });
    assert.match(await bens.textContent(), /waiting for approval/);
    assert.match(await bens.textContent(), /Only you and the facilitators see it/);
    assert.equal(await bens.locator('button[data-action=upvote]').count(), 0, 'nobody upvotes a waiting point');
    const facs = pointItem(fac.page, '#fpoint-list', 'Can we meet in the evening?');
    await facs.waitFor({ timeout: 10000 });
    assert.match(await fac.page.textContent('#fpoint-list > li:first-child'), /Can we meet in the evening\?.*Approve/s, 'waiting points first');
    // Kofi's phone gets a stub without words and shows nothing; nor does the room display.
    assert.ok(!(await kofi.page.textContent('#point-list')).includes('evening'));
    assert.ok(!(await display.page.textContent('#points')).includes('evening'));
    await expectAccessible(ben.page, 'participant page with a point waiting for approval');
    await expectAccessible(fac.page, 'points panel with a point waiting for approval');
    await shot(fac.page, 'points-moderated-console');
    await facs.locator('button[data-action=open]').click();  // Approve
    await waitText(kofi.page, '#point-list', 'Can we meet in the evening?');
    await until(ben.page, 'approved', () => ![...document.querySelectorAll('#point-list > li')].some((li) => li.textContent.includes('evening') && li.textContent.includes('waiting')));
    // Declined: hidden with a reason; its writer is told.
    await kofi.page.fill('#point-text', 'Off topic remark');
    await kofi.page.click('#point-form button[type=submit]');
    const kofis = pointItem(fac.page, '#fpoint-list', 'Off topic remark');
    await kofis.waitFor({ timeout: 10000 });
    await kofis.locator('button[data-action=hide]').click();
    assert.match(await fac.page.textContent('#dialog-h'), /Decline/);
    await fac.page.fill('#dialog-reason', 'not for this meeting');
    await fac.page.click('#dialog-ok');
    await waitText(kofi.page, '#my-hidden-points', 'A facilitator hid your point “Off topic remark”');
    assert.ok(!(await ben.page.textContent('#point-list')).includes('Off topic'), 'never seen by others');
    await fac.page.uncheck('#points-moderated');
    await until(fac.page, 'moderation off, acknowledged', () => document.querySelector('#points-moderated').getAttribute('aria-disabled') !== 'true');
  });

  it('a signal reaches the facilitator at once, and the room at the threshold', async () => {
    await ada.page.click('#signal-buttons button[data-kind=slow_down]');
    await waitText(fac.page, '#signal-counts', 'Slow down: 1');
    await until(fac.page, 'signal announced', () => document.querySelector('#announce-polite').textContent.includes('Signal: Slow down'));
    await waitText(ada.page, '#signal-buttons', 'Slow down ✓ sent');
    assert.equal(await display.page.isVisible('#signals'), false, 'one signal is below the room threshold (3)');
    await checkState(ada.page, 'participant-phone-signal-sent');
    await ben.page.click('#signal-buttons button[data-kind=slow_down]');
    await kofi.page.click('#signal-buttons button[data-kind=slow_down]');
    await ben.page.click('#signal-buttons button[data-kind=lost]');
    await waitText(display.page, '#signals', 'Slow down (3)');
    assert.ok(!(await display.page.textContent('#signals')).includes('lost'), 'one "I’m lost" stays below the threshold');
    await waitText(fac.page, '#signal-counts', 'I’m lost: 1');
    await waitText(ada.page, '#signals-active', 'Slow down (3)');
    await checkState(display.page, 'display-signals-agenda');
    await checkState(fac.page, 'facilitator-signals');
  });

  it('ends the meeting: read-only for everyone', async () => {
    await openTab(fac.page, 'record');
    await fac.page.click('#end-meeting');
    await fac.page.click('#dialog-ok');
    for (const p of [ada, ben, display, fac]) await waitText(p.page, '#ended', 'This meeting has ended');
    for (const part of ['#hand', '#signals', '#point-form']) await waitGone(ada.page, part);
    await waitText(ada.page, '#point-list', QUESTION);  // what was written stays readable
    await checkState(ada.page, 'participant-phone-ended');
  });

  it('downloads the minutes as Markdown, JSON and CSV, with the key in a header only', async () => {
    const urls = [];
    fac.page.on('request', (r) => { if (r.url().includes('/minutes')) urls.push({ url: r.url(), key: r.headers()['x-facilitator-key'] }); });
    const got = {};
    for (const format of ['md', 'json', 'csv']) {
      const [download] = await Promise.all([
        fac.page.waitForEvent('download', { timeout: 10000 }),
        fac.page.click(`#panel-record button[data-format=${format}]`),
      ]);
      assert.equal(download.suggestedFilename(), `everyvoice-${code}.${format}`);
      got[format] = readFileSync(await download.path(), 'utf8');
    }
    assert.match(got.md, /Budget forum/);
    assert.match(got.md, /housing list/);
    const json = JSON.parse(got.json);
    assert.equal(json.code, code);
    assert.equal(json.ended, true);
    assert.match(got.csv, /^participant,name,location,present,spoken_seconds,turns,share/);
    assert.equal(urls.length, 3);
    for (const u of urls) {
      assert.ok(!u.url.includes(u.key), 'the key is never in the URL');
      assert.match(u.key, /^[0-9a-f]{32}$/);
    }
    await checkState(fac.page, 'facilitator-ended');
  });

  it('deletes the meeting: every page says so, and nobody can come back to it', async () => {
    await fac.page.click('#panel-record details.sub summary');
    await fac.page.click('#delete-meeting');
    await fac.page.click('#dialog-ok');
    await waitText(fac.page, '#page-notice', 'deleted');
    for (const p of [ada, kofi, display]) await waitText(p.page, '#page-notice', 'no longer exists');
    await checkState(ada.page, 'participant-phone-meeting-deleted');
    const res = await fetch(`${BASE}/api/meetings/${code}/qr.svg`);
    assert.equal(res.status, 404, 'the meeting is gone from the server');
  });
});
