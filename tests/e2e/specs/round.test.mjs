// A go-round: everyone present is invited in join order; each speaks or passes (a pass is
// recorded), the facilitator answers for a proxy and skips someone with a reason; every page
// shows who is up and what each did.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PHONE, checkState, closeChecked, launch, openMeeting, personRow, until, waitLive, waitText } from '../lib/browser.mjs';

const steps = (page) => page.$$eval('#round [data-part=order] li, #round-running [data-part=order] li',
  (els) => els.map((e) => `${e.querySelector('.name').textContent}: ${e.querySelector('.step-state').textContent}`));

async function waitSteps(page, expected) {
  try {
    await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-part=order] li')]
      .filter((e) => !e.closest('[hidden]'))
      .map((e) => `${e.querySelector('.name').textContent}: ${e.querySelector('.step-state').textContent}`)) === JSON.stringify(want),
    expected, { timeout: 10000, polling: 100 });
  } catch {
    assert.deepEqual(await steps(page), expected, `round steps on ${page.url()}`);
  }
}

describe('go-round', () => {
  let browser, fac, display, ada, ben;

  before(async () => {
    browser = await launch();
    ({ fac, display, ada, ben } = await openMeeting(browser, { title: 'Check-in', waitForAll: false, people: [
      { key: 'ada', device: PHONE, name: 'Ada', location: 'in_room' },
      { key: 'ben', device: PHONE, name: 'Ben', location: 'remote' }] }));
    await fac.page.fill('#proxy-name', 'Grace');
    await fac.page.click('#proxy-form button');
    await waitText(fac.page, '#people', 'Grace');
  });
  after(() => closeChecked(browser, [fac, display, ada, ben]));

  it('starts a round in join order, the display is not in it', async () => {
    await fac.page.fill('#round-topic', 'How are you arriving today?');
    await fac.page.selectOption('#round-order', 'join_order');
    await fac.page.click('#round-form button');
    const start = ['Fatima (you): up now', 'Ada: waiting', 'Ben: waiting', 'Grace: waiting'];
    await waitSteps(fac.page, start);
    await waitSteps(display.page, ['Fatima: up now', 'Ada: waiting', 'Ben: waiting', 'Grace: waiting']);
    await waitText(ada.page, '#round [data-part=topic]', 'How are you arriving today?');
    assert.equal(await ada.page.isVisible('#round-mine'), false, 'not Ada’s go yet');
  });

  it('the facilitator passes; Ada speaks and ends her go', async () => {
    await fac.page.click('#round-pass');  // "I pass"
    await waitText(ada.page, '#round-mine', 'It’s your go');
    await until(ada.page, 'her go announced', () => document.querySelector('#announce-polite').textContent.includes('your go'));
    await checkState(ada.page, 'participant-phone-round-my-go');
    await ada.page.click('#round-speak');
    await waitText(display.page, '#floor [data-part=speaker]', 'Ada');
    await waitSteps(display.page, ['Fatima: passed', 'Ada: speaking now', 'Ben: waiting', 'Grace: waiting']);
    await checkState(display.page, 'display-round');
    await ada.page.click('#end-turn');
    await waitSteps(display.page, ['Fatima: passed', 'Ada: spoke', 'Ben: up now', 'Grace: waiting']);
  });

  it('Ben passes from his phone', async () => {
    await waitText(ben.page, '#round-mine', 'It’s your go');
    await ben.page.click('#round-pass');
    await waitSteps(ben.page, ['Fatima: passed', 'Ada: spoke', 'Ben (you): passed', 'Grace: up now']);
    await checkState(fac.page, 'facilitator-round');
  });

  it('the facilitator skips the proxy with a reason, and the round ends', async () => {
    await waitText(fac.page, '#round-skip', 'Skip Grace');
    await fac.page.click('#round-skip');
    await fac.page.fill('#dialog-reason', 'stepped out');
    await fac.page.click('#dialog-ok');
    for (const p of [display, ada, ben]) await until(p.page, 'round over', () => document.querySelector('#round').hidden);
    await until(fac.page, 'start form back', () => !document.querySelector('#round-form').hidden);
    await waitText(fac.page, '#bars', 'Ada');
    const adaLine = await fac.page.textContent('#bars li:has-text("Ada") .figs');
    assert.match(adaLine, /^1 turn · /, 'a go-round turn counts as a turn');
  });

  it('Ben steps away and comes back; the facilitator sees it', async () => {
    const benAway = () => personRow(fac.page, 'Ben').locator('.person-line .tag-away');
    await ben.page.click('#presence');
    await benAway().waitFor({ state: 'visible', timeout: 10000 });
    await waitText(ben.page, '#presence', 'I’m back');
    await ben.page.click('#presence');
    await benAway().waitFor({ state: 'detached', timeout: 10000 });
    await waitText(ben.page, '#presence', 'I’m stepping away');
  });

  it('hands facilitation over to Ada; each is offered the page for their new role', async () => {
    await personRow(fac.page, 'Ada').locator('summary').click();
    await personRow(fac.page, 'Ada').locator('button[data-action=hand-over]').click();
    await fac.page.click('#dialog-ok');
    await waitText(ada.page, '#page-notice', 'You are now a facilitator');
    await waitText(fac.page, '#page-notice', 'no longer a facilitator');
    await ada.page.click('#page-notice a');
    await ada.page.waitForURL(/\/facilitator\?code=/);
    await waitLive(ada.page);
    await waitText(ada.page, '#me-line', 'Ada · Facilitator');
    await fac.page.click('#page-notice a');
    await fac.page.waitForURL(/\/participant\?code=/);
    await waitLive(fac.page);
    await waitText(fac.page, '#me-name', 'Fatima');
  });
});
