// A facilitator, three participants (two on phones) and a room display, each in their own
// browser context: join, raise hands, the progressive order and its reasons appear on every
// page, the facilitator calls the next person, and policy, turn limit, an override, a proxy,
// roles, the lock and the equity dashboard all reach the pages that show them. Each page words the
// queue's reasons itself (client-web/js/words.js); on the console they must read exactly as the
// English sentences the server sends beside their parts, under progressive, fifo and hybrid, for
// moved and away entries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, PROJECTOR, checkState, closeChecked, createMeeting, entryButton, joinAs, launch, person, personRow, until, waitLive, waitQueue, waitText, queueReasons, shot } from '../lib/browser.mjs';

// The queue as the server last sent it to a page, read off its WebSocket.
function recordQueue(page) {
  const sent = { queue: [] };
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    let msg;
    try { msg = JSON.parse(String(payload)); } catch { return; }
    const queue = msg.type === 'snapshot' ? msg.view && msg.view.queue : msg.type === 'update' ? msg.queue : undefined;
    if (Array.isArray(queue)) sent.queue = queue;
  }));
  return sent;
}

// The reasons a page shows, worded by the page from each entry's parts, are the server's English
// sentences to the letter; returns them. The entries carry the parts (or the page would have shown
// the sentence as sent, as it does for a 1.0 server).
async function reasonsAsSent(page, sent) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const shown = await queueReasons(page);
    const want = sent.queue.map((e) => e.reason);
    if (JSON.stringify(shown) === JSON.stringify(want)) break;
    if (Date.now() > deadline) assert.deepEqual(shown, want, `reasons on ${page.url()} as the server wrote them`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const e of sent.queue) {
    if (e.reason_code === 'not_spoken_yet' || e.reason_code === 'spoken_before') assert.equal(typeof e.turns, 'number', JSON.stringify(e));
    if (e.reason_code === 'moved_by_facilitator') assert.equal(typeof e.moved_reason, 'string', JSON.stringify(e));
  }
  return sent.queue.map((e) => e.reason);
}

describe('speaking queue across five pages', () => {
  let browser, fac, display, ada, ben, kofi, code, sentToFac;
  const everyone = () => [fac, display, ada, ben, kofi];

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    sentToFac = recordQueue(fac.page);
    display = await person(browser, PROJECTOR, 'display');
    ada = await person(browser, PHONE, 'ada');
    ben = await person(browser, DESKTOP, 'ben');
    kofi = await person(browser, PHONE, 'kofi');
  });
  after(() => closeChecked(browser, everyone()));

  it('creates a meeting and everyone joins', async () => {
    await fac.page.goto(`${BASE}/`);
    await checkState(fac.page, 'start-desktop');
    code = await createMeeting(fac.page, { title: 'Tenants forum', name: 'Fatima' });
    assert.match(code, /^[A-Z0-9]{6}$/);
    assert.ok(!fac.page.url().includes('key'), 'the facilitator key never appears in a URL');

    await display.page.goto(`${BASE}/display?code=${code}`);
    await waitLive(display.page);
    await waitText(display.page, '#code', code);

    await joinAs(ada.page, code, {
      name: 'Ada', location: 'in_room', preference: 'speak',
      beforeSubmit: (page) => checkState(page, 'join-phone-filled'),
    });
    await joinAs(ben.page, code, { name: 'Ben', location: 'remote' });
    await joinAs(kofi.page, code, { name: 'Kofi', location: 'remote', preference: 'write' });

    await waitText(fac.page, '#people-h', 'People (4)');
    await waitText(fac.page, '#people', 'Prefers writing');  // facilitators see preferences
    // Kofi's own details show the preference he chose (participants see nobody else's), so that
    // saving them does not reset it.
    await kofi.page.click('#profile summary');
    await kofi.page.waitForSelector('#profile-form');
    assert.equal(await kofi.page.isChecked('#profile-form input[name=preference][value=write]'), true);
    assert.equal(await kofi.page.isChecked('#profile-form input[name=location][value=remote]'), true);
    await kofi.page.click('#profile-form button[type=submit]');
    await waitText(kofi.page, '.toast', 'Your details are saved');
    await waitText(fac.page, '#people', 'Prefers writing');
    await checkState(ada.page, 'participant-phone-joined');
    await checkState(display.page, 'display-empty');
  });

  it('gives Ada a first turn, which she ends herself', async () => {
    await ada.page.click('#raise');
    await waitQueue(fac.page, ['Ada']);
    await fac.page.click('#call-next');
    for (const p of everyone()) await waitText(p.page, '#floor [data-part=speaker]', 'Ada');
    await waitText(ada.page, '#my-turn', 'You have the floor');
    await ada.page.click('#end-turn');
    for (const p of everyone()) await waitText(p.page, '#floor [data-part=speaker]', 'Nobody has the floor');
  });

  it('orders hands progressively, with the same order and reasons on every page', async () => {
    await ada.page.click('#raise');                      // new point; Ada has spoken once
    await waitQueue(fac.page, ['Ada']);
    await ben.page.click('#raise');                      // new point, not spoken yet
    await waitQueue(fac.page, ['Ben', 'Ada']);
    // Kofi uses only the keyboard: choose "clarifying question", then Tab to the button, Enter.
    await kofi.page.focus('input[name=kind][value=clarifying_question]');
    await kofi.page.keyboard.press('Space');
    await kofi.page.keyboard.press('Tab');
    assert.equal(await kofi.page.evaluate(() => document.activeElement.id), 'raise');
    await kofi.page.keyboard.press('Enter');

    const order = ['Kofi', 'Ben', 'Ada'];
    for (const p of everyone()) {
      await waitQueue(p.page, order);
      const reasons = await queueReasons(p.page);
      assert.match(reasons[0], /clarifying question goes before replies and new points; has not spoken yet/, p.name);
      assert.match(reasons[1], /^has not spoken yet$/, p.name);
      assert.match(reasons[2], /^1 turn so far, /, p.name);
    }
    await reasonsAsSent(fac.page, sentToFac);
    await waitText(kofi.page, '#place', 'Your place: 1st of 3');
    await waitText(kofi.page, '#next-banner', 'You are next');
    await waitText(ben.page, '#place', 'Your place: 2nd of 3');
    await waitText(ben.page, '#place-reason', 'has not spoken yet');
    await waitText(ada.page, '#place', 'Your place: 3rd of 3');
    await waitText(ada.page, '#place-reason', '1 turn so far');
    await until(kofi.page, '"you are next" announced', () => document.querySelector('#announce-polite').textContent.includes('You are next'));

    await checkState(ada.page, 'participant-phone-waiting');
    await checkState(kofi.page, 'participant-phone-next');
    await checkState(ben.page, 'participant-desktop-waiting');
    await checkState(display.page, 'display-queue');
    await checkState(fac.page, 'facilitator-queue');
  });

  it('calls the next person, and everyone sees who speaks', async () => {
    await fac.page.click('#call-next');
    for (const p of everyone()) {
      await waitText(p.page, '#floor [data-part=speaker]', 'Kofi');
      await waitQueue(p.page, ['Ben', 'Ada']);
    }
    await waitText(kofi.page, '#my-turn', 'You have the floor');
    await until(ben.page, 'speaker announced', () => document.querySelector('#announce-polite').textContent.includes('Kofi has the floor'));
    await waitText(display.page, '#floor [data-part=timer]', ':');
    await checkState(kofi.page, 'participant-phone-speaking');
  });

  it('sets a soft turn limit: the timer counts down', async () => {
    await fac.page.selectOption('#turn-limit', '60');
    await fac.page.click('#limit-form button');
    await waitText(display.page, '#floor [data-part=timer]', 'left');
    await waitText(ada.page, '#floor [data-part=detail]', 'Turn limit 1 min');
    await checkState(display.page, 'display-speaking');
    await fac.page.click('#end-turn');
    await waitText(display.page, '#floor [data-part=speaker]', 'Nobody has the floor');
  });

  it('switches the policy live: first come, first served', async () => {
    await fac.page.check('input[name=policy][value=fifo]');
    for (const p of everyone()) {
      await waitQueue(p.page, ['Ada', 'Ben']);
      assert.deepEqual(await queueReasons(p.page), ['first come, first served', 'first come, first served'], p.name);
    }
    await reasonsAsSent(fac.page, sentToFac);
    await waitText(ben.page, '#policy-line', 'First come, first served');
  });

  it('moves Ben with a reason: the override is visible and counted', async () => {
    await entryButton(fac.page, 'Ben', 'move').click();
    await fac.page.fill('#dialog-position', '1');
    await checkState(fac.page, 'facilitator-override-dialog');
    await fac.page.click('#dialog-ok');  // no reason yet: the form asks for one
    assert.equal(await fac.page.evaluate(() => document.querySelector('#dialog').open), true);
    await fac.page.fill('#dialog-reason', 'time-sensitive: has to leave at 11');
    await fac.page.click('#dialog-ok');
    for (const p of everyone()) await waitQueue(p.page, ['Ben', 'Ada']);
    await waitText(ben.page, '#place-reason', 'moved by the facilitator: time-sensitive: has to leave at 11');
    assert.deepEqual(await reasonsAsSent(fac.page, sentToFac),
      ['moved by the facilitator: time-sensitive: has to leave at 11', 'first come, first served']);
    await waitText(display.page, '#queue', 'moved by the facilitator: time-sensitive: has to leave at 11');
    await waitText(fac.page, '#overrides', 'time-sensitive: has to leave at 11');
    await waitText(fac.page, '#tiles', 'overrides of the queue');
  });

  it('shows the equity figures: turns, time, who has not spoken, rooms', async () => {
    await waitText(fac.page, '#bars', 'Ada');
    const adaLine = await fac.page.textContent('#bars li:has-text("Ada") .figs');
    assert.match(adaLine, /^1 turn · /);
    await waitText(fac.page, '#not-spoken', 'Ben');
    assert.ok(!(await fac.page.textContent('#not-spoken')).includes('Ada'));
    assert.ok(!(await fac.page.textContent('#not-spoken')).includes('Fatima'), 'the facilitator is not among the unheard');
    await waitText(fac.page, '#groups', 'In the room');
    await waitText(fac.page, '#tiles', 'Gini');
    await checkState(fac.page, 'facilitator-dashboard');
  });

  it('adds a proxy and raises a hand for them', async () => {
    await fac.page.fill('#proxy-name', 'Grace');
    await fac.page.click('#proxy-form button');
    await waitText(fac.page, '#people', 'Grace');
    await fac.page.selectOption('#raise-for', { label: 'Grace (proxy)' });
    await fac.page.selectOption('#raise-kind', 'direct_reply');
    await fac.page.click('#raise-form button');
    for (const p of everyone()) await waitQueue(p.page, ['Ben', 'Grace', 'Ada']);
    await waitText(display.page, '#queue', 'proxy');
    assert.equal((await reasonsAsSent(fac.page, sentToFac))[1], 'direct reply goes before new points; first come, first served');
  });

  it('takes a hand down with a reason and calls out of order with a reason', async () => {
    await entryButton(fac.page, 'Ada', 'remove').click();
    await fac.page.fill('#dialog-reason', 'already answered in the chat');
    await fac.page.click('#dialog-ok');
    await waitQueue(ada.page, ['Ben', 'Grace']);
    await until(ada.page, 'removal announced', () => document.querySelector('#announce-polite').textContent.includes('already answered in the chat'));
    await entryButton(fac.page, 'Grace', 'call').click();  // not first in the queue
    await fac.page.click('#dialog-ok');  // without a reason the server refuses, and says why
    await waitText(fac.page, '#dialog-error', 'reason');
    await fac.page.fill('#dialog-reason', 'direct reply to the last point');
    await fac.page.click('#dialog-ok');
    for (const p of everyone()) await waitText(p.page, '#floor [data-part=speaker]', 'Grace');
    await waitText(fac.page, '#overrides', 'direct reply to the last point');
    await fac.page.click('#end-turn');
  });

  it('shares facilitation: Ben becomes co-facilitator and moves to the console', async () => {
    await personRow(fac.page, 'Ben').locator('summary').click();
    await personRow(fac.page, 'Ben').locator('button[data-action=role][data-role=co_facilitator]').click();
    await waitText(ben.page, '#page-notice', 'You are now a facilitator');
    await ben.page.click('#page-notice a');
    await ben.page.waitForURL(/\/facilitator\?code=/);
    await waitLive(ben.page);
    await waitText(ben.page, '#me-line', 'Co-facilitator');
    await waitQueue(ben.page, ['Ben']);
    await waitText(ben.page, '#tiles', 'Gini');  // figures reach the new facilitator
  });

  it('locks the meeting: the display says so and a new person cannot join', async () => {
    await fac.page.check('#locked');
    await waitText(display.page, '#locked-line', 'locked');
    const late = await person(browser, PHONE, 'late');
    await late.page.goto(`${BASE}/join?code=${code}`);
    await late.page.fill('#name', 'Late Larry');
    await late.page.check('input[name=location][value=remote]');
    await late.page.click('#join-button');
    await waitText(late.page, '#join-error', 'locked');
    await shot(late.page, 'join-phone-locked');
    await late.context.close();
    await fac.page.uncheck('#locked');
    await until(display.page, 'unlocked', () => document.querySelector('#locked-line').hidden);
  });

  it('words hybrid and away reasons on every page as the server does', async () => {
    // Ben (co-facilitator, moved) still waits. Ada (in the room) and Kofi (remote) have spoken
    // once each; with both groups waiting, the alternation places the first of them.
    await fac.page.check('input[name=policy][value=hybrid]');
    await ada.page.check('input[name=kind][value=new_point]');
    await ada.page.click('#raise');
    await kofi.page.check('input[name=kind][value=new_point]');
    await kofi.page.click('#raise');
    await until(fac.page, 'three waiting', () => document.querySelectorAll('#queue .entry').length === 3);
    let reasons = await reasonsAsSent(fac.page, sentToFac);
    assert.equal(reasons[0], 'moved by the facilitator: time-sensitive: has to leave at 11');
    assert.match(reasons[1], /^in-room and remote take turns; 1 turn so far, \d+ s$/);
    assert.match(reasons[2], /^1 turn so far, \d+ s$/);
    for (const p of [display, ada, kofi]) {
      await until(p.page, 'the hybrid reasons', (want) => JSON.stringify([...document.querySelectorAll('#queue .entry .reason')].map((e) => e.textContent)) === want, JSON.stringify(reasons));
    }
    // Kofi steps away: his place is kept, and his reason says he is passed over.
    await kofi.page.click('#presence');
    await waitText(fac.page, '#queue', '(away: passed over until back)');
    reasons = await reasonsAsSent(fac.page, sentToFac);
    assert.equal(reasons.filter((r) => r.endsWith(' (away: passed over until back)')).length, 1);
    await waitText(display.page, '#queue', '(away: passed over until back)');
    await kofi.page.click('#presence');
    await until(fac.page, 'Kofi back', () => !document.querySelector('#queue').textContent.includes('(away:'));
    await reasonsAsSent(fac.page, sentToFac);
  });
});
