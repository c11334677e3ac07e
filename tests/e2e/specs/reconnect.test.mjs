// A participant's network drops and comes back; the page reconnects by itself, says so, and the
// person keeps their place (the server keeps it while they are away). A reload resumes the same
// person with the token kept for that meeting code. (The run starts the server with a 2 s away
// grace so "away" shows quickly.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, checkState, closeChecked, createMeeting, joinAs, launch, person, until, waitLive, waitQueue, waitText } from '../lib/browser.mjs';

describe('network drops and reloads', () => {
  let browser, fac, ada, ben;
  const adaSockets = [];  // Ada's WebSockets, passed through by the test so it can cut them

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    ada = await person(browser, PHONE, 'ada');
    await ada.context.routeWebSocket(/\/ws(\/[A-Z0-9]{6})?$/, (ws) => { ws.connectToServer(); adaSockets.push(ws); });
    ben = await person(browser, DESKTOP, 'ben');
    const code = await createMeeting(fac.page, { title: 'Reconnect check', name: 'Fatima', location: 'remote' });
    await joinAs(ada.page, code, { name: 'Ada', location: 'remote' });
    await joinAs(ben.page, code, { name: 'Ben', location: 'in_room' });
    await ada.page.click('#raise');
    await waitQueue(fac.page, ['Ada']);
    await ben.page.click('#raise');
    await waitQueue(fac.page, ['Ada', 'Ben']);
  });
  after(() => closeChecked(browser, [fac, ada, ben]));

  it('shows "connection lost" at once when the network drops', async () => {
    await ada.context.setOffline(true);
    await until(ada.page, 'connection lost shown', () => document.querySelector('#conn').dataset.state === 'lost');
    await waitText(ada.page, '#conn', 'Offline');
    await until(ada.page, 'connection lost announced', () => document.querySelector('#announce-assertive').textContent.includes('Connection lost'));
    await checkState(ada.page, 'participant-phone-offline');
  });

  it('keeps her place while she is away, and the others see her as away', async () => {
    await waitText(fac.page, '#queue', 'away');
    await waitText(fac.page, '#queue', 'passed over until back');
    await waitQueue(fac.page, ['Ada', 'Ben']);
    // Things change while she is gone: a new policy, and Ben takes a turn (Ada is passed over).
    await fac.page.check('input[name=policy][value=fifo]');
    await fac.page.click('#call-next');
    await waitText(fac.page, '#floor [data-part=speaker]', 'Ben');
    await fac.page.click('#end-turn');
    await waitText(fac.page, '#floor [data-part=speaker]', 'Nobody has the floor');
  });

  it('reconnects by itself when the network is back, with her place kept and the news applied', async () => {
    await ada.context.setOffline(false);
    await waitLive(ada.page);
    await until(ada.page, 'reconnected announced', () => document.querySelector('#announce-polite').textContent.includes('Reconnected'));
    await waitText(ada.page, '#place', 'Your place: 1st of 1');
    await waitText(ada.page, '#policy-line', 'First come, first served');
    await waitQueue(ada.page, ['Ada']);
    await until(fac.page, 'Ada back', () => !document.querySelector('#queue').textContent.includes('away'));
    await checkState(ada.page, 'participant-phone-reconnected');
  });

  it('recovers when the socket closes under it', async () => {
    // Cut Ada's connection between her page and the server, as a proxy dropping it would.
    const count = adaSockets.length;
    for (const ws of adaSockets) await ws.close({ code: 1001, reason: 'test cut' });
    for (let i = 0; i < 100 && adaSockets.length === count; i++) await ada.page.waitForTimeout(100);
    assert.ok(adaSockets.length > count, 'the page opened a new connection by itself');
    await waitLive(ada.page);
    await waitText(ada.page, '#place', 'Your place: 1st of 1');
  });

  it('resumes the same person after a reload', async () => {
    const before = await fac.page.textContent('#people-h');
    await ada.page.reload();
    await waitLive(ada.page);
    await waitText(ada.page, '#me-name', 'Ada');
    await waitText(ada.page, '#place', 'Your place: 1st of 1');
    assert.equal(await fac.page.textContent('#people-h'), before, 'nobody new joined');
  });
});
