// A meeting prepared before it starts (issue 16): the facilitator creates it with "Prepare it
// first"; the console says it has not started and offers "Start the meeting"; a poll and a proposal
// are prepared; a participant who joins early is told to wait and has no hand to raise; the room
// display says it starts soon; once started, everyone is told, hands go up, the prepared poll opens
// and the prepared proposal is presented.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BASE, DESKTOP, PHONE, PROJECTOR, closeChecked, expectAccessible, joinAs, launch, openTab, person, pollCard, proposalCard, until,
  waitLive, waitQueue, waitText,
} from '../lib/browser.mjs';

describe('a meeting prepared before it starts', () => {
  let browser, fac, ada, display, code;

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    ada = await person(browser, PHONE, 'ada');
    display = await person(browser, PROJECTOR, 'display');
  });
  after(() => closeChecked(browser, [fac, ada, display]));

  it('waits for the facilitator, who prepares meanwhile', async () => {
    const page = fac.page;
    await page.goto(`${BASE}/`);
    await page.fill('#title', 'Spring planning');
    await page.fill('#name', 'Fatima');
    await page.check('#prepare');
    await page.click('#create-button');
    await page.waitForURL(/\/facilitator\?code=/);
    await waitLive(page);
    code = (await page.textContent('#share-code')).trim();
    if (await page.isVisible('#key-card')) await page.click('#key-card-saved');
    await page.waitForSelector('#prepare', { state: 'visible' });
    await waitText(page, '#prepare', 'This meeting has not started yet.');
    assert.equal(await page.isVisible('#call-next'), false, 'nobody is called before the start');
    await expectAccessible(page, 'console, meeting being prepared');

    // A poll prepared in advance.
    await openTab(page, 'polls');
    await page.fill('#poll-question', 'Which weekend suits you?');
    await page.selectOption('#poll-kind', 'single_choice');
    await page.fill('#poll-options', 'First\nSecond');
    await page.click('#poll-save-draft');
    await pollCard(page, 'Which weekend suits you?').waitFor({ timeout: 10000 });
    // And a proposal, as a draft.
    await openTab(page, 'consent');
    await page.fill('#proposal-title', 'Meet monthly');
    await page.fill('#proposal-text', 'From June, we meet on the first Monday of each month.');
    await page.click('#proposal-save-draft');
    await proposalCard(page, 'Meet monthly').waitFor({ timeout: 10000 });

    // Someone early: in, told to wait, no hand to raise.
    await joinAs(ada.page, code, { name: 'Ada', location: 'in_room' });
    await ada.page.waitForSelector('#not-started', { state: 'visible' });
    assert.equal(await ada.page.isVisible('#hand'), false, 'no hand before the start');
    await expectAccessible(ada.page, 'participant, meeting not started');
    await display.page.goto(`${BASE}/display?code=${code}`);
    await waitLive(display.page);
    await display.page.waitForSelector('#not-started', { state: 'visible' });
  });

  it('starts with one click: everyone is told, hands go up, the prepared poll and proposal open', async () => {
    await fac.page.click('#start-meeting');
    await fac.page.waitForSelector('#prepare', { state: 'hidden' });
    await fac.page.waitForSelector('#call-next', { state: 'visible' });
    await ada.page.waitForSelector('#not-started', { state: 'hidden' });
    await until(ada.page, 'start announced', () => document.querySelector('#announce-polite').textContent.includes('The meeting has started.'));
    await display.page.waitForSelector('#not-started', { state: 'hidden' });
    await ada.page.click('#raise');
    await waitQueue(fac.page, ['Ada']);
    await openTab(fac.page, 'polls');
    await pollCard(fac.page, 'Which weekend suits you?').locator('button[data-action=open-draft]').click();
    await pollCard(ada.page, 'Which weekend suits you?').waitFor({ timeout: 10000 });
    assert.ok(!(await ada.page.textContent('body')).includes('Meet monthly'), 'the draft proposal is unseen until presented');
    await openTab(fac.page, 'consent');
    await proposalCard(fac.page, 'Meet monthly').locator('button[data-action=present-draft]').click();
    await proposalCard(ada.page, 'Meet monthly').waitFor({ timeout: 10000 });
  });
});
