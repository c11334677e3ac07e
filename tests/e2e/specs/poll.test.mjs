// Polls. An anonymous fist-to-five poll: the participants' pages say plainly that it is anonymous
// and that results show only at close (and only with at least 3 voters); they vote; the room
// display and the console show only how many have voted until the facilitator closes it; then
// everyone sees the result. A named ranked-choice poll with live results, ranked by keyboard; an
// open-text poll; a vote for a proxy; a reload keeps "you voted".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, checkState, closeChecked, launch, openMeeting, openTab, pollCard, until, waitIn, waitLive, waitText } from '../lib/browser.mjs';

describe('polls', () => {
  let browser, fac, display, ada, ben, kofi;
  const voters = () => [ada, ben, kofi];

  before(async () => {
    browser = await launch();
    ({ fac, display, ada, ben, kofi } = await openMeeting(browser, { title: 'Housing plan', people: [
      { key: 'ada', device: PHONE, name: 'Ada', location: 'in_room' },
      { key: 'ben', device: PHONE, name: 'Ben', location: 'remote' },
      { key: 'kofi', device: DESKTOP, name: 'Kofi', location: 'remote' }] }));
  });
  after(() => closeChecked(browser, [fac, display, ...voters()]));

  it('opens an anonymous fist-to-five poll; every page says what anonymous means', async () => {
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Fist to five: the housing plan');
    await fac.page.selectOption('#poll-kind', 'fist_to_five');
    await fac.page.check('#poll-anonymous');
    assert.equal(await fac.page.isVisible('#poll-k'), true, 'the k field shows for anonymous polls');
    assert.equal(await fac.page.isVisible('input[name=results]'), false, 'no results choice: anonymous is at close');
    await checkState(fac.page, 'facilitator-poll-form');
    await fac.page.click('#poll-form button[type=submit]');
    const card = pollCard(ada.page, 'Fist to five');
    await card.waitFor({ timeout: 10000 });
    const rules = await card.locator('[data-part=rules]').textContent();
    assert.match(rules, /^Anonymous: nobody, not even the facilitator, can see what you chose\./);
    assert.match(rules, /only when the poll closes, and only if at least 3 people voted/);
    await until(ada.page, 'poll announced', () => document.querySelector('#announce-polite').textContent.includes('A poll has opened'));
    assert.match(await card.locator('legend').first().textContent(), /from 0 to 5/);
    await waitText(display.page, '#results', '0 of 4 have voted');
    await checkState(ada.page, 'participant-phone-poll-open');
  });

  it('counts votes without showing them until close', async () => {
    // Ada by keyboard: arrow keys move through the scale, Enter on the button votes.
    const adaCard = pollCard(ada.page, 'Fist to five');
    await adaCard.locator('input[value="0"]').focus();
    for (let i = 0; i < 4; i++) await ada.page.keyboard.press('ArrowRight');
    assert.equal(await adaCard.locator('input[value="4"]').isChecked(), true);
    await adaCard.locator('button[type=submit]').focus();
    await ada.page.keyboard.press('Enter');
    await waitText(ada.page, '#poll-cards [data-part=voted]', 'You voted');
    assert.equal(await adaCard.locator('form').isVisible(), false, 'one vote in an anonymous poll: the form goes');
    for (const [p, value] of [[ben, '2'], [kofi, '5']]) {
      const c = pollCard(p.page, 'Fist to five');
      await c.locator(`label.scale-step:has(input[value="${value}"])`).click();
      await c.locator('button[type=submit]').click();
      await waitText(p.page, '#poll-cards [data-part=voted]', 'You voted');
    }
    await waitText(display.page, '#results', '3 of 4 have voted');
    for (const p of [fac, ada]) await waitIn(pollCard(p.page, 'Fist to five').locator('[data-part=turnout]'), '3 of 4 have voted');
    // Only the count: no tally anywhere while it is open.
    for (const p of [display, fac, ada, ben]) assert.equal(await p.page.locator('.result-rows').count(), 0, `${p.name} sees no tally`);
    await waitText(fac.page, '#poll-list', 'sealed until you close');
    await checkState(display.page, 'display-poll-count-only');
    await checkState(fac.page, 'facilitator-poll-counting');
    await checkState(ben.page, 'participant-phone-voted');
  });

  it('keeps "you voted" across a reload (from the server, not from the page)', async () => {
    await ben.page.reload();
    await waitLive(ben.page);
    await waitText(ben.page, '#poll-cards [data-part=voted]', 'You voted');
    assert.equal(await pollCard(ben.page, 'Fist to five').locator('form').isVisible(), false);
  });

  it('closes the poll: the result shows on every page', async () => {
    await pollCard(fac.page, 'Fist to five').locator('button[data-action=close]').click();
    for (const p of [display, fac, ...voters()]) {
      await waitText(p.page, p === display ? '#results' : '.poll', 'Average: 3.7');
    }
    const rows = await display.page.$$eval('#results .result-row .figs', (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows, ['0 votes · 0%', '0 votes · 0%', '1 vote · 33%', '0 votes · 0%', '1 vote · 33%', '1 vote · 33%']);
    await waitText(display.page, '#results-h', 'results');
    await checkState(display.page, 'display-poll-results');
    await checkState(ada.page, 'participant-phone-poll-results');
  });

  // Reduced motion honoured (issue 16): the result bars grow smoothly, unless the person's system
  // asks for less motion (every test context asks for it; here the display is asked both ways).
  it('result bars move only where the system allows motion', async () => {
    const duration = () => display.page.$eval('#results .bar > span', (e) => getComputedStyle(e).transitionDuration);
    await display.page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.equal(await duration(), '0.4s');
    await display.page.emulateMedia({ reducedMotion: 'reduce' });
    assert.equal(await duration(), '0s');
  });

  it('a named ranked-choice poll with live results, ranked by keyboard', async () => {
    await fac.page.fill('#poll-question', 'Rank the youth projects');
    await fac.page.selectOption('#poll-kind', 'ranked_choice');
    assert.equal(await fac.page.isVisible('#poll-options'), true);
    await fac.page.fill('#poll-options', 'Garden\nStudio\nFootball');
    await fac.page.check('#poll-form input[name=results][value=live]');
    await fac.page.click('#poll-form button[type=submit]');
    const card = pollCard(kofi.page, 'Rank the youth projects');
    await card.waitFor({ timeout: 10000 });
    assert.match(await card.locator('[data-part=rules]').textContent(), /^Named: .*Results show live/);
    // Nothing arrives ranked: Vote untouched sends nothing and says why (before, it sent the order the
    // facilitator typed).
    assert.equal(await card.locator('ol.rank .rank-item').count(), 0, 'nothing is ranked for Kofi');
    await card.locator('button[type=submit]').click();
    await waitText(kofi.page, '#poll-cards [role=alert]', 'Rank at least one option');
    // Kofi, keyboard only: Football first, then Garden; focus moves along the options not yet ranked.
    await card.locator('button[aria-label="Rank next: Football"]').focus();
    await kofi.page.keyboard.press('Enter');
    await waitText(kofi.page, '#poll-cards [role=status]', 'Football: your 1st choice');
    await card.locator('button[aria-label="Rank next: Garden"]').focus();
    await kofi.page.keyboard.press('Enter');
    await card.locator('button[aria-label="Rank next: Studio"]').focus();
    await kofi.page.keyboard.press('Enter');
    // Studio up once: focus stays on the button as it moves.
    await card.locator('button[aria-label="Move Studio up"]').focus();
    await kofi.page.keyboard.press('Enter');
    assert.equal(await kofi.page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Move Studio up');
    await waitText(kofi.page, '#poll-cards [role=status]', 'Studio: now 2nd');
    const order = await card.locator('ol.rank .rank-name').allTextContents();
    assert.deepEqual(order, ['Football', 'Studio', 'Garden']);
    await checkState(kofi.page, 'participant-desktop-ranking');
    await card.locator('button[type=submit]').focus();
    await kofi.page.keyboard.press('Enter');
    await waitText(kofi.page, '#poll-cards', 'You have voted. You can change your vote');
    // Live: everyone sees the running result; while open the leader is "leading", never "wins".
    await waitText(ada.page, '#poll-cards', 'Results so far');
    await waitText(display.page, '#results', '1 person voted');
    const adaCard = pollCard(ada.page, 'Rank the youth projects');
    await adaCard.locator('button[aria-label="Rank next: Garden"]').click();
    await adaCard.locator('button[type=submit]').click();
    await waitText(display.page, '#results', '2 people voted');
    assert.doesNotMatch(await adaCard.locator('[data-part=result]').textContent(), /wins/, 'nothing wins while the poll is open');
    // A named vote can be changed while open.
    await pollCard(kofi.page, 'Rank the youth projects').locator('[data-part=change]').click();
    assert.equal(await pollCard(kofi.page, 'Rank the youth projects').locator('form').isVisible(), true);
  });

  it('the facilitator votes for a proxy in a named poll, then an open-text poll', async () => {
    await openTab(fac.page, 'room');
    await fac.page.fill('#proxy-name', 'Grace');
    await fac.page.click('#proxy-form button');
    await waitText(fac.page, '#people', 'Grace');
    await openTab(fac.page, 'polls');
    const card = pollCard(fac.page, 'Rank the youth projects');
    await card.locator('details[data-part=proxy] summary').click();
    await card.locator('details[data-part=proxy] select').selectOption({ label: 'Grace' });
    // A proxy's ballot starts empty too: the facilitator ranks what Grace asked for.
    await card.locator('details[data-part=proxy] button[type=submit]').click();
    await waitIn(card.locator('details[data-part=proxy] [role=alert]'), 'Rank at least one option');
    await card.locator('details[data-part=proxy] button[aria-label="Rank next: Football"]').click();
    await card.locator('details[data-part=proxy] button[type=submit]').click();
    await waitText(display.page, '#results', '3 people voted');
    await card.locator('button[data-action=close]').click();
    await waitText(ada.page, '#poll-cards', 'wins');

    await fac.page.fill('#poll-question', 'One word for today');
    await fac.page.selectOption('#poll-kind', 'open_text');
    await fac.page.check('#poll-anonymous');
    await fac.page.click('#poll-form button[type=submit]');
    for (const [p, word] of [[ada, 'hopeful'], [ben, 'tired'], [kofi, 'curious']]) {
      const c = pollCard(p.page, 'One word for today');
      await c.locator('textarea').fill(word);
      await c.locator('button[type=submit]').click();
      await waitIn(c.locator('[data-part=voted]'), 'You voted');
    }
    await waitIn(pollCard(fac.page, 'One word for today').locator('[data-part=turnout]'), '3 of 4 have voted');  // Grace, a proxy, cannot vote in an anonymous poll: not counted
    await pollCard(fac.page, 'One word for today').locator('button[data-action=close]').click();
    await waitText(display.page, '#results', 'curious');
    const answers = await display.page.$$eval('#results ul.answers li', (els) => els.map((e) => e.textContent));
    assert.deepEqual(answers, ['curious', 'hopeful', 'tired'], 'answers sorted: their order says nothing about who wrote them');
    await checkState(fac.page, 'facilitator-polls-closed');
  });

  // Prepared in advance (issue 16): a draft sits under "Prepared" on the console only; "Open it
  // now" puts it to everyone with one click; a draft can be deleted unseen.
  it('a poll prepared in advance is seen by facilitators only, then opens with one click', async () => {
    await fac.page.fill('#poll-question', 'Shall we meet monthly from March?');
    await fac.page.selectOption('#poll-kind', 'single_choice');
    await fac.page.fill('#poll-options', 'Yes\nNo');
    await fac.page.click('#poll-save-draft');
    const draft = pollCard(fac.page, 'Shall we meet monthly');
    await draft.waitFor({ timeout: 10000 });
    assert.ok(await fac.page.locator('#poll-drafts').locator('article.poll', { hasText: 'Shall we meet monthly' }).isVisible(), 'under Prepared');
    await waitIn(draft.locator('[data-part=turnout]'), 'Prepared: nobody else sees it until you open it.');
    assert.equal(await draft.locator('button[data-action=close]').isVisible(), false, 'a draft cannot be closed');
    await fac.page.fill('#poll-question', 'Which room next time?');
    await fac.page.fill('#poll-options', 'Hall\nLibrary');
    await fac.page.click('#poll-save-draft');
    await pollCard(fac.page, 'Which room next time?').waitFor({ timeout: 10000 });
    // The participants' pages and the display have neither.
    for (const p of [ada, kofi, display]) assert.ok(!(await p.page.textContent('body')).includes('meet monthly'), `${p.name}: no draft`);
    await checkState(fac.page, 'facilitator-poll-drafts');
    await draft.locator('button[data-action=open-draft]').click();
    const card = pollCard(ada.page, 'Shall we meet monthly');
    await card.waitFor({ timeout: 10000 });
    await until(ada.page, 'poll announced', () => document.querySelector('#announce-polite').textContent.includes('A poll has opened: Shall we meet monthly'));
    await waitIn(pollCard(fac.page, 'Shall we meet monthly').locator('[data-part=turnout]'), '0 of 5 have voted');
    // The other draft is deleted: gone from the console, never seen by anyone else.
    await pollCard(fac.page, 'Which room next time?').locator('button[data-action=delete-draft]').click();
    await fac.page.click('#dialog-ok');
    await pollCard(fac.page, 'Which room next time?').waitFor({ state: 'detached', timeout: 10000 });
    assert.ok(!(await ada.page.textContent('body')).includes('Which room'));
  });
});
