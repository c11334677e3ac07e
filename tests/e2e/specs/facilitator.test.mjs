// What a new facilitator trips on (issue 14): her key must survive a lost browser, and "Move…"
// must not keep anyone waiting for good.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, PROJECTOR, closeChecked, openTab, createMeeting, entryButton, expectAccessible, joinAs, launch, person, shot, waitLive, waitQueue, waitText } from '../lib/browser.mjs';

describe('the facilitator card and fair moves', () => {
  let browser, fac, laptop, ada, ben, cy, screen, late, code, key;

  before(async () => {
    browser = await launch();
    // Her browser is in Kathmandu (UTC+05:45, no daylight saving): the minutes give their times there.
    fac = await person(browser, DESKTOP, 'facilitator', { acceptDownloads: true, timezoneId: 'Asia/Kathmandu' });
    laptop = await person(browser, DESKTOP, 'second device');
    ada = await person(browser, PHONE, 'ada');
    ben = await person(browser, DESKTOP, 'ben');
    cy = await person(browser, DESKTOP, 'cy');
    screen = await person(browser, PROJECTOR, 'display');
    late = await person(browser, { viewport: { width: 390, height: 844 }, hasTouch: true }, 'late');
  });
  after(() => closeChecked(browser, [fac, laptop, ada, ben, cy, screen, late]));

  it('shows the facilitator card once, with a key she can download', async () => {
    code = await createMeeting(fac.page, { title: 'Housing panel', name: 'Fatima' });
    await waitText(fac.page, '#key-card', 'Your facilitator card');
    await expectAccessible(fac.page, 'console with the facilitator card');
    await shot(fac.page, 'facilitator-card');
    key = (await fac.page.textContent('#key-card .key-value')).trim();
    assert.match(key, /^[0-9a-f]{32,}$/, 'the key is shown whole');
    assert.ok(!fac.page.url().includes(key), 'the key is not in the address');
    const [download] = await Promise.all([fac.page.waitForEvent('download'), fac.page.click('#key-card-download')]);
    assert.match(download.suggestedFilename(), new RegExp(`everyvoice-${code}-facilitator-card\\.txt`));
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(text.includes(key), 'the downloaded card holds the key');
    assert.ok(text.includes(`/facilitator?code=${code}`), 'and the console address');
    assert.ok(!/facilitator\?code=[^\n]*[0-9a-f]{32}/.test(text), 'the console address carries no key');
    await fac.page.click('#key-card-saved');
    assert.equal(await fac.page.isVisible('#key-card'), false);
    await fac.page.reload();
    await waitLive(fac.page);
    assert.equal(await fac.page.isVisible('#key-card'), false, 'once saved, not shown again');
    await fac.page.click('#show-key-card');
    await waitText(fac.page, '#key-card .key-value', key);
    await fac.page.click('#key-card-saved');
  });

  it('opens the console on another device with the key from the card', async () => {
    await laptop.page.goto(`${BASE}/facilitator?code=${code}`);
    await laptop.page.waitForSelector('#key');
    assert.match(await laptop.page.textContent('#key-hint'), /facilitator card/);
    await laptop.page.fill('#key', key);
    await laptop.page.fill('#join-name', 'Fatima on the laptop');
    await laptop.page.click('#join-form button[type=submit]');
    await waitLive(laptop.page);
    await waitText(laptop.page, '#me-line', 'Facilitator');
    await waitText(fac.page, '#people', 'Fatima on the laptop');
  });

  it('moves someone to second place, and they are called after the one person ahead', async () => {
    await joinAs(ada.page, code, { name: 'Ada', location: 'remote' });
    await joinAs(ben.page, code, { name: 'Ben', location: 'in_room' });
    await joinAs(cy.page, code, { name: 'Cy', location: 'in_room' });
    // Ben and Cy have spoken already; Ada has not.
    for (const p of [ben, cy]) {
      await p.page.click('#raise');
      await fac.page.click('#call-next');
      await waitText(p.page, '#my-turn', 'You have the floor');
      await p.page.click('#end-turn');
      await waitText(fac.page, '#floor [data-part=speaker]', 'Nobody has the floor');
    }
    await ada.page.click('#raise');
    await ben.page.click('#raise');
    await waitQueue(fac.page, ['Ada', 'Ben']);
    await entryButton(fac.page, 'Ada', 'move').click();
    await waitText(fac.page, '#dialog', 'moves up each time someone ahead is called');
    await fac.page.fill('#dialog-position', '2');
    await fac.page.fill('#dialog-reason', 'let Ben answer first');
    await fac.page.click('#dialog-ok');
    await waitQueue(fac.page, ['Ben', 'Ada']);
    // Cy raises a point of process: it goes first, but Ada keeps one person ahead of her only.
    await cy.page.check('input[name=kind][value=point_of_process]');
    await cy.page.click('#raise');
    await waitQueue(fac.page, ['Cy', 'Ada', 'Ben']);
    await fac.page.click('#call-next');
    await waitText(fac.page, '#floor [data-part=speaker]', 'Cy');
    await waitQueue(fac.page, ['Ada', 'Ben']);
    await fac.page.click('#end-turn');
    await fac.page.click('#call-next');
    await waitText(ada.page, '#my-turn', 'You have the floor');
  });

  it('says a taken name in plain words, and lists the room display apart from people', async () => {
    await late.page.goto(`${BASE}/join?code=${code}`);
    await late.page.fill('#name', ' ada ');
    await late.page.check('input[name=location][value=remote]');
    await late.page.click('#join-button');
    await waitText(late.page, '#join-error', 'already uses the name "ada"');
    assert.doesNotMatch(await late.page.textContent('#join-error'), /already called|please add something/,
      "the server's own wording is for client authors, not for people");
    await joinAs(late.page, code, { name: 'Lee' });
    await screen.page.goto(`${BASE}/display?code=${code}`);
    await waitLive(screen.page);
    await openTab(fac.page, 'room');
    await waitText(fac.page, '#displays-h', 'Room displays (1)');
    await waitText(fac.page, '#people-h', 'People (6)');
    assert.doesNotMatch(await fac.page.textContent('#people'), /Room display/, 'a screen is not a person');
  });

  it('keeps "Raise my hand" on a phone\'s first screen, above polls and proposals', async () => {
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Which evening suits?');
    await fac.page.fill('#poll-options', 'Monday\nTuesday');
    await fac.page.click('#poll-form button[type=submit]');
    await late.page.waitForSelector('#poll-cards article.poll');
    const box = await late.page.locator('#raise').boundingBox();
    assert.ok(box && box.y + box.height <= 844, `"Raise my hand" ends at ${box && Math.round(box.y + box.height)} px on an 844 px phone`);
  });

  it('says who is up during a go-round instead of "waiting for the facilitator"', async () => {
    await openTab(fac.page, 'room');
    await fac.page.click('#round-form button[type=submit]');
    await waitText(late.page, '#floor [data-part=detail]', 'Go-round:');
    assert.doesNotMatch(await late.page.textContent('#floor [data-part=detail]'), /Waiting for the facilitator/);
  });

  it('shows participants the agenda, and tells an author when their point is hidden', async () => {
    await openTab(fac.page, 'record');
    await fac.page.fill('#agenda-title', 'Garden rota');
    await fac.page.click('#agenda-form button[type=submit]');
    await waitText(late.page, '#agenda', 'Garden rota');
    await late.page.fill('#point-text', 'Nobody waters on Sundays');
    await late.page.check('#point-anon');
    await late.page.click('#point-form button[type=submit]');
    await waitText(late.page, '#point-list', 'anonymous (you)');
    await openTab(fac.page, 'points');
    await fac.page.locator('#fpoint-list li', { hasText: 'Nobody waters on Sundays' }).locator('button[data-action=hide]').click();
    await fac.page.fill('#dialog-reason', 'off topic for tonight');
    await fac.page.click('#dialog-ok');
    await waitText(late.page, '#my-hidden-points', 'A facilitator hid your point “Nobody waters on Sundays”');
    await late.page.reload();
    await waitLive(late.page);
    await waitText(late.page, '#my-hidden-points', 'Nobody waters on Sundays');
  });

  it('prints minutes a secretary would sign: a clean PDF with the whole path of a decision', async () => {
    // A contested decision: an objection, an amendment, Ada consents to version 2 with a concern.
    await openTab(fac.page, 'consent');
    await fac.page.fill('#proposal-title', 'Water the garden on Sundays');
    await fac.page.fill('#proposal-text', 'Ben waters on Sundays.');
    await fac.page.click('#proposal-form button[type=submit]');
    const card = fac.page.locator('article.proposal', { has: fac.page.locator('h3', { hasText: 'Water the garden' }) });
    await card.locator('button[data-phase=consent]').click();
    await ada.page.waitForSelector('.answer-form');
    await ada.page.check('.answer-form input[value=concern]');
    await ada.page.fill('.answer-form textarea', 'Ben is away in August');
    await ada.page.click('.answer-form button[type=submit]');
    await waitText(fac.page, '#panel-consent', 'Ben is away in August');
    await card.locator('button[data-action=adopt]').click();
    await waitText(fac.page, '#panel-consent', 'Adopted');

    await fac.page.goto(`${BASE}/minutes?code=${code}`);
    await waitText(fac.page, '#minutes', 'Proposals, step by step');
    await expectAccessible(fac.page, 'minutes page');
    await shot(fac.page, 'minutes-page');
    const dir = mkdtempSync(join(tmpdir(), 'ev-minutes-'));
    try {
      await fac.page.emulateMedia({ media: 'print' });
      await fac.page.pdf({ path: join(dir, 'minutes.pdf'), format: 'A4' });
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'minutes.pdf'), '-'], { encoding: 'utf8' });
      const started = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kathmandu', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      const flat = text.replace(/\s+/g, ' ');  // lines wrap where the page is full
      const startedAt = /Started (\d\d:\d\d)/.exec(flat)?.[1];
      assert.ok(startedAt, `the printed minutes give the start:\n${text}`);
      const [h, m] = startedAt.split(':').map(Number);
      const nowThere = started.format(new Date()).split(':').map(Number);
      const minutesAgo = ((nowThere[0] * 60 + nowThere[1]) - (h * 60 + m) + 24 * 60) % (24 * 60);
      assert.ok(minutesAgo <= 30, `started ${startedAt} in Kathmandu, and it is ${nowThere.join(':')} there now`);
      // Chromium's ICU names the zone by its older spelling, Asia/Katmandu.
      assert.match(flat, /Times are Asia\/Kath?mandu time \(UTC\+05:45\)\./, 'the minutes name the zone and its offset');
      for (const part of ['Housing panel', 'Decision 1: Water the garden on Sundays', 'Ben is away in August',
        'consents with a concern', 'In the room:', 'How the floor was shared'])
        assert.ok(flat.includes(part), `the printed minutes say "${part}":\n${text}`);
      for (const chrome of ['Print or save as PDF', 'Back to the console', 'Skip to main content'])
        assert.ok(!text.includes(chrome), `the printed minutes leave out "${chrome}"`);
      for (const raw of ['in_room', 'stand_aside', '\\.', '<br>'])
        assert.ok(!text.includes(raw), `no "${raw}" in the printed minutes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fac.page.emulateMedia({ media: 'screen' });
    }
  });
});
