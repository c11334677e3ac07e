// A meeting larger than a page of any list (issue 15): the console and the participant page draw a
// page of people, of the equity bars and of the queue, with a search and "Show more"; the heading
// keeps the whole count; a row that did not change is the same DOM node after an update, and one
// that changed is redrawn; screen readers and keyboards still reach everyone (axe, a keyboard path).
// 150 people join through WebSockets of their own, opened from a page of the same origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, PROJECTOR, createMeeting, expectAccessible, joinAs, launch, person, shot, waitLive, waitText } from '../lib/browser.mjs';
import { TestServer, canRunServer } from '../lib/server.mjs';

const CROWD = 150;   // joined by sockets: Person 1 .. Person 150
const HANDS = 80;    // of them raise a hand: the queue is longer than the console's 50 entries

describe('a meeting larger than a page', { skip: canRunServer ? false : 'needs EVERYVOICE_SERVER and EVERYVOICE_STATIC_DIR (run.sh sets them)' }, () => {
  let server, browser, fac, crowd, ada, screen, bo, code;

  before(async () => {
    server = await new TestServer(['--connections-per-ip=1000', '--commands-per-second=1000', '--command-burst=1000']).start();
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    crowd = await person(browser, DESKTOP, 'crowd');
    ada = await person(browser, PHONE, 'ada');
    screen = await person(browser, PROJECTOR, 'display');
    bo = await person(browser, PHONE, 'bo');
  });
  after(async () => {
    for (const p of [fac, ada, screen, bo]) assert.equal(p?.page.__errors || 0, 0, `no script errors on ${p?.name}'s page`);
    await browser?.close();
    await server?.remove();
  });

  it('lists a page of 151 people with the whole count, a search and "Show more"', async () => {
    code = await createMeeting(fac.page, { title: 'Town hall', name: 'Fatima', base: server.url });
    if (await fac.page.isVisible('#key-card')) await fac.page.click('#key-card-saved');
    // The crowd: one socket each, joined one after another; each answers "welcome".
    await crowd.page.goto(`${server.url}/join?code=${code}`);
    const joined = await crowd.page.evaluate(async ({ code, count }) => {
      window.crowd = [];
      const url = `${location.origin.replace(/^http/, 'ws')}/ws`;
      for (let i = 1; i <= count; i++) {
        const ws = new WebSocket(url);
        const welcome = new Promise((resolve, reject) => {
          ws.onmessage = (m) => { const msg = JSON.parse(m.data); if (msg.type === 'welcome') resolve(msg.you.id); if (msg.type === 'error') reject(new Error(msg.code)); };
          ws.onerror = () => reject(new Error('socket error'));
        });
        await new Promise((resolve) => { ws.onopen = resolve; });
        ws.send(JSON.stringify({ type: 'join', id: 'j1', code, name: `Person ${i}`, location: i % 2 ? 'remote' : 'in_room' }));
        await welcome;
        window.crowd.push(ws);
      }
      return window.crowd.length;
    }, { code, count: CROWD });
    assert.equal(joined, CROWD);
    await waitText(fac.page, '#people-h', `People (${CROWD + 1})`);
    assert.equal(await fac.page.locator('#people > li').count(), 50, 'a page of 50 people is drawn');
    assert.ok(await fac.page.isVisible('#people-search'), 'a search comes with a long list');
    assert.match(await fac.page.textContent('#people-status'), /Showing 50: 151 people/);
    await fac.page.click('#people ~ .list-footer .list-more');
    await fac.page.waitForFunction(() => document.querySelectorAll('#people > li').length === 100);
    await expectAccessible(fac.page, 'console with 151 people');
    await shot(fac.page, 'big-meeting-console');
  });

  it('finds anyone by name from the keyboard, and reaches their controls', async () => {
    await fac.page.focus('#people-search');
    await fac.page.keyboard.type('person 137');
    await fac.page.waitForFunction(() => document.querySelectorAll('#people > li').length === 1);
    assert.match(await fac.page.textContent('#people > li'), /Person 137/);
    assert.match(await fac.page.textContent('#people-status'), /1 of 151 people match/);
    // Tab goes from the search to the one person found: their "Manage" control, opened with Enter.
    await fac.page.keyboard.press('Tab');
    assert.equal(await fac.page.evaluate(() => document.activeElement.textContent), 'Manage Person 137');
    await fac.page.keyboard.press('Enter');
    await fac.page.keyboard.press('Tab');
    assert.match(await fac.page.evaluate(() => document.activeElement.textContent), /Make co-facilitator/);
    // Accents and case aside: "PERSON 1" finds 1, 10..19, 100..150 (62 people), a page of 50 shown.
    await fac.page.fill('#people-search', 'PERSON 1');
    await fac.page.waitForFunction(() => /62 of 151 people match/.test(document.querySelector('#people-status').textContent));
    assert.equal(await fac.page.locator('#people > li').count(), 50);
    await fac.page.fill('#people-search', '');
    await fac.page.waitForFunction(() => /^Showing 50: 151 people\.$/.test(document.querySelector('#people-status').textContent));
    assert.equal(await fac.page.locator('#people > li').count(), 50, 'an empty search: the first page again');
  });

  it('updates a row in place: the same node when it did not change, redrawn when it did', async () => {
    await fac.page.evaluate(() => {
      window.row = (name) => [...document.querySelectorAll('#people > li')].find((li) => li.querySelector('strong').textContent === name);
      window.kept = { three: window.row('Person 3'), four: window.row('Person 4') };
    });
    assert.ok(await fac.page.evaluate(() => !!(window.kept.three && window.kept.four)));
    // Person 4 steps away (the server marks them away): their row changes, Person 3's does not.
    await crowd.page.evaluate(() => window.crowd[3].send(JSON.stringify({ type: 'set_presence', id: 'p1', presence: 'away' })));
    await fac.page.waitForFunction(() => window.row('Person 4').querySelector('.tag-away'));
    const same = await fac.page.evaluate(() => {
      const rows = [...document.querySelectorAll('#people > li')];
      return { three: rows.includes(window.kept.three), four: rows.includes(window.kept.four) };
    });
    assert.deepEqual(same, { three: true, four: false });
  });

  it('shows the first 50 of a long queue (20 on a phone), and my own place wherever it is', async () => {
    // What the console says to a screen reader while 80 hands go up at once.
    await fac.page.evaluate(() => {
      window.said = [];
      new MutationObserver(() => { const t = document.querySelector('#announce-polite').textContent; if (t) window.said.push(t); })
        .observe(document.querySelector('#announce-polite'), { childList: true, characterData: true, subtree: true });
    });
    await crowd.page.evaluate((hands) => {
      for (let i = 0; i < hands; i++) window.crowd[i].send(JSON.stringify({ type: 'raise_hand', id: 'h1', kind: 'new_point' }));
    }, HANDS);
    await waitText(fac.page, '#queue-h', `Queue (${HANDS})`);
    // Said together, not 80 times over each other: every hand counted, in a few announcements.
    const counted = () => fac.page.evaluate(() => window.said.filter((t) => t.endsWith('raised a hand.'))
      .reduce((n, t) => n + (/ and (\d+) more raised/.exec(t) ? 3 + Number(/ and (\d+) more raised/.exec(t)[1]) : t.split(', ').length), 0));
    await fac.page.waitForFunction((hands) => window.said.filter((t) => t.endsWith('raised a hand.')).length > 0
      && window.said.filter((t) => t.endsWith('raised a hand.')).reduce((n, t) => n + (/ and (\d+) more raised/.exec(t) ? 3 + Number(/ and (\d+) more raised/.exec(t)[1]) : t.split(', ').length), 0) >= hands, HANDS, { timeout: 10000 });
    assert.equal(await counted(), HANDS, 'every hand is said once');
    const sayings = await fac.page.evaluate(() => window.said.filter((t) => t.endsWith('raised a hand.')));
    // (One every 1.5 s at most: however slowly a loaded machine takes the 80 hands in, far fewer than 80.)
    assert.ok(sayings.length <= 8, `a few announcements, not one per hand: ${sayings.length}`);
    // (80 sockets: the server may take their hands in any order.)
    assert.match(sayings[0], /^Person \d+ \(new point\), Person \d+ \(new point\), Person \d+ \(new point\) and \d+ more raised a hand\.$/);
    await joinAs(ada.page, code, { name: 'Ada', base: server.url });
    await ada.page.click('#raise');
    await waitText(ada.page, '#place', `Your place: ${HANDS + 1}st of ${HANDS + 1}`);
    await waitText(fac.page, '#queue-h', `Queue (${HANDS + 1})`);
    assert.equal(await fac.page.locator('#queue > li').count(), 50, 'the console draws 50 entries');
    await waitText(fac.page, '#queue ~ .queue-beyond', '31 more people in the queue, not listed here.');
    // Ada's phone: the first 20 and her own entry, marked as hers, and a line for the rest.
    assert.equal(await ada.page.locator('#queue > li').count(), 21);
    await waitText(ada.page, '#queue ~ .queue-beyond', '60 more people in the queue, not listed here.');
    assert.match(await ada.page.textContent('#queue > li.mine'), /Ada/);
    await expectAccessible(ada.page, 'participant page in a long queue');
    await ada.page.click('#people-details summary');
    await waitText(ada.page, '#people-count', String(CROWD + 2));
    // The list is drawn when the details open (their toggle event comes in a task of its own).
    await ada.page.waitForFunction(() => document.querySelectorAll('#people > li').length > 0);
    assert.equal(await ada.page.locator('#people > li').count(), 50, 'a page of people on the phone too');
    await shot(ada.page, 'big-meeting-participant');
  });

  it('fits the room display, counting the entries it never drew', async () => {
    await screen.page.goto(`${server.url}/display?code=${code}`);
    await waitLive(screen.page);
    await waitText(screen.page, '#queue-h', `Queue (${HANDS + 1})`);
    assert.ok(await screen.page.locator('#queue > li').count() <= 20, 'at most 20 entries drawn on a projector');
    const shown = await screen.page.locator('#queue > li:not([hidden])').count();
    await waitText(screen.page, '#queue-card .more', `+${HANDS + 1 - shown} more`);
    await shot(screen.page, 'big-meeting-display');
  });

  // Above 200 people the server sends a phone that joins the facilitators only, with the count
  // (protocol 1.1, section 7.2): the queue still names everyone, and a phone that held the whole
  // list before keeps it whole.
  it('above 200 people, a phone that joins gets the count and the facilitators, and still names the queue', async () => {
    await crowd.page.evaluate(async ({ code, count }) => {
      const url = `${location.origin.replace(/^http/, 'ws')}/ws`;
      for (let i = 1; i <= count; i++) {
        const ws = new WebSocket(url);
        const welcome = new Promise((resolve, reject) => {
          ws.onmessage = (m) => { const msg = JSON.parse(m.data); if (msg.type === 'welcome') resolve(); if (msg.type === 'error') reject(new Error(msg.code)); };
        });
        await new Promise((resolve) => { ws.onopen = resolve; });
        ws.send(JSON.stringify({ type: 'join', id: 'j1', code, name: `Guest ${i}`, location: 'remote' }));
        await welcome;
        window.crowd.push(ws);
      }
    }, { code, count: 60 });
    const everyone = CROWD + 2 + 60 + 1;  // the crowd, Fatima, Ada, the guests and Bo (not the display)
    await joinAs(bo.page, code, { name: 'Bo', base: server.url });
    await waitText(fac.page, '#people-h', `People (${everyone})`);
    await waitText(bo.page, '#people-count', String(everyone));
    await waitText(ada.page, '#people-count', String(everyone));
    // The queue's first entries joined before Bo, who was never sent their records: named all the same.
    const names = (page) => page.$$eval('#queue > li .name', (els) => els.slice(0, 20).map((el) => el.textContent));
    assert.deepEqual(await names(bo.page), await names(fac.page));
    // Who is here: the facilitator and Bo, and why.
    await bo.page.click('#people-details summary');
    await bo.page.waitForFunction(() => document.querySelectorAll('#people > li').length > 0);
    assert.ok(await bo.page.isVisible('#people-big'));
    assert.deepEqual(await bo.page.$$eval('#people > li', (els) => els.map((el) => el.querySelector('span').textContent)), ['Fatima', 'Bo (you)']);
    await expectAccessible(bo.page, 'participant page in a meeting of more than 200');
    // Ada held everyone before the meeting grew; past 200 people she is no longer told of each join
    // (a join storm would send every phone every join), and her page says so, as Bo's does.
    assert.equal(await ada.page.$eval('#people-big', (el) => el.hidden), false);
    // A guest Bo was never sent raises a point of process and is called: named in the queue and on the floor.
    await crowd.page.evaluate(() => window.crowd[window.crowd.length - 1].send(JSON.stringify({ type: 'raise_hand', id: 'h2', kind: 'point_of_process' })));
    await waitText(bo.page, '#queue > li:first-child .name', 'Guest 60');
    await fac.page.click('#call-next');
    await bo.page.waitForFunction(() => /Guest 60/.test(document.querySelector('#floor').textContent));
    await shot(bo.page, 'big-meeting-participant-over-200');
    // The console's figures come without the rows of zeros: it makes them, so every present person
    // (all but Person 4, away) has a bar, in join order, and the speaker's is the server's.
    await waitText(fac.page, '#bars-status', `Showing 50: ${everyone - 1} people.`);
    const first = await fac.page.$$eval('#bars > li strong', (els) => els.slice(0, 4).map((el) => el.textContent));
    assert.deepEqual(first, ['Fatima', 'Person 1', 'Person 2', 'Person 3']);
    await fac.page.fill('#bars-search', 'guest 60');
    await fac.page.waitForFunction(() => document.querySelectorAll('#bars > li').length === 1);
    await fac.page.waitForFunction(() => /1 turn/.test(document.querySelector('#bars > li .figs').textContent));
    await fac.page.fill('#bars-search', 'person 4');
    await fac.page.waitForFunction(() => /^1 of \d+ people match\.$/.test(document.querySelector('#bars-status').textContent)
      || document.querySelectorAll('#bars > li').length >= 1);
    assert.ok(!(await fac.page.$$eval('#bars > li strong', (els) => els.map((el) => el.textContent))).includes('Person 4'), 'away and silent: no bar');
  });
});
