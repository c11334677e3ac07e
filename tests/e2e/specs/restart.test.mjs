// The server restarts mid-meeting: it is stopped with SIGTERM and started again on the same port
// with the same data folder. Every page says the connection is lost, then recovers by itself
// (resume with its token and last seq), with the queue, each person's place and the reasons
// kept, a vote still counted, and the meeting going on. This spec runs its own server
// (lib/server.mjs), so that stopping it does not disturb the other specs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, PROJECTOR, checkState, closeChecked, createMeeting, joinAs, launch, openTab, person, pollCard, until, waitIn, waitLive, waitQueue, waitText } from '../lib/browser.mjs';
import { TestServer, canRunServer } from '../lib/server.mjs';

describe('server restart', { skip: canRunServer ? false : 'needs EVERYVOICE_SERVER and EVERYVOICE_STATIC_DIR (run.sh sets them)' }, () => {
  let server, browser, fac, display, ada, ben;
  const everyone = () => [fac, display, ada, ben];

  before(async () => {
    server = await new TestServer().start();
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    display = await person(browser, PROJECTOR, 'display');
    ada = await person(browser, PHONE, 'ada');
    ben = await person(browser, PHONE, 'ben');
    const base = server.url;
    const code = await createMeeting(fac.page, { title: 'Restart check', name: 'Fatima', base });
    await display.page.goto(`${base}/display?code=${code}`);
    await waitLive(display.page);
    await joinAs(ada.page, code, { name: 'Ada', location: 'in_room', base });
    await joinAs(ben.page, code, { name: 'Ben', location: 'remote', base });
  });
  after(async () => {
    await closeChecked(browser, everyone());
    await server?.remove();
  });

  it('sets the scene: two hands up, a poll with a vote', async () => {
    await ada.page.click('#raise');
    await waitQueue(fac.page, ['Ada']);
    await ben.page.check('input[name=kind][value=direct_reply]');
    await ben.page.click('#raise');
    await waitQueue(fac.page, ['Ben', 'Ada']);
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Tea or coffee?');
    await fac.page.fill('#poll-options', 'Tea\nCoffee');
    await fac.page.click('#poll-form button[type=submit]');
    const card = pollCard(ada.page, 'Tea or coffee?');
    await card.locator('label.choice', { hasText: 'Coffee' }).click();
    await card.locator('button[type=submit]').click();
    await waitText(display.page, '#results', '1 of 3 have voted');
    await waitText(ben.page, '#place', 'Your place: 1st of 2');
  });

  it('stops the server (SIGTERM): every page says the connection is lost', async () => {
    const how = await server.stop('SIGTERM');
    assert.equal(how, 0, 'the server exits cleanly on SIGTERM');
    for (const p of everyone()) {
      await until(p.page, 'connection lost shown', () => document.querySelector('#conn').dataset.state === 'lost', undefined, 15000);
    }
    await waitText(ada.page, '#conn', 'Connection lost');
    await until(ada.page, 'loss announced', () => document.querySelector('#announce-assertive').textContent.includes('Connection lost'));
    // What the page showed stays on screen while it reconnects.
    await waitText(ada.page, '#place', 'Your place: 2nd of 2');
    await checkState(ada.page, 'participant-phone-server-down');
  });

  it('starts it again on the same port and data: pages recover by themselves, places kept', async () => {
    await server.start();
    for (const p of everyone()) await until(p.page, 'live again', () => document.querySelector('#conn').dataset.state === 'live', undefined, 20000);
    await until(ada.page, 'reconnection announced', () => document.querySelector('#announce-polite').textContent.includes('Reconnected'));
    for (const p of everyone()) await waitQueue(p.page, ['Ben', 'Ada']);
    await waitText(ada.page, '#place', 'Your place: 2nd of 2');
    await waitText(ben.page, '#place', 'Your place: 1st of 2');
    await waitText(ben.page, '#place-reason', 'direct reply goes before new points');
    await waitIn(pollCard(ada.page, 'Tea or coffee?').locator('[data-part=voted]'), 'You have voted');
    await waitText(display.page, '#results', '1 of 3 have voted');
    await checkState(ada.page, 'participant-phone-after-restart');
    await checkState(fac.page, 'facilitator-after-restart');
  });

  it('the meeting goes on: a new vote and the next speaker', async () => {
    const card = pollCard(ben.page, 'Tea or coffee?');
    await card.locator('label.choice', { hasText: 'Tea' }).click();
    await card.locator('button[type=submit]').click();
    await waitText(display.page, '#results', '2 of 3 have voted');
    await fac.page.click('#call-next');
    for (const p of everyone()) await waitText(p.page, '#floor [data-part=speaker]', 'Ben');
    await waitText(ada.page, '#place', 'Your place: 1st of 1');
    const people = await fac.page.textContent('#people-h');
    assert.equal(people, 'People (3)', 'nobody joined twice');
  });
});
