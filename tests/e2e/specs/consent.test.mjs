// A consent round in which an objection blocks adoption until the proposal is amended: clarifying
// questions, reactions (a go-round), consent; a concern and an objection with their text; the
// server refuses to adopt while the objection is open; the facilitator amends (version 2, the
// objection counts as resolved); an objection withdrawn by its author; adoption with a review
// date; the decision record on every page with its hash chain. Then the working agreement: an item
// proposed anonymously, adopted by a quick consent check, flagged as broken, shown on the display.
// Last, an amendment that gives the proposal a new title (issue 14, item 4): the cards, the
// display and the decision record name the new title, the console keeps the old one with version 1.
// Then a proposal prepared in advance, presented with one click, and a draft deleted unseen.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, checkState, closeChecked, launch, openMeeting, openTab, proposalCard, until, waitIn, waitText } from '../lib/browser.mjs';

const TITLE = 'Meet on Tuesdays';

async function answer(p, kind, text, title = TITLE) {
  const card = proposalCard(p.page, title);
  await card.locator(`.answer-form input[value=${kind}]`).check();
  if (text != null) await card.locator('.answer-form textarea').fill(text);
  await card.locator('.answer-form button[type=submit]').click();
}

describe('consent round and working agreement', () => {
  let browser, fac, display, ada, ben, kofi;

  before(async () => {
    browser = await launch();
    ({ fac, display, ada, ben, kofi } = await openMeeting(browser, { title: 'Tenants forum', people: [
      { key: 'ada', device: PHONE, name: 'Ada', location: 'in_room' },
      { key: 'ben', device: PHONE, name: 'Ben', location: 'remote' },
      { key: 'kofi', device: DESKTOP, name: 'Kofi', location: 'remote' }] }));
  });
  after(() => closeChecked(browser, [fac, display, ada, ben, kofi]));

  it('presents a proposal: clarifying questions, then reactions in a go-round', async () => {
    // The console's tabs by keyboard: arrow keys move between them (roving focus).
    await fac.page.focus('#tab-room');
    await fac.page.keyboard.press('ArrowRight');
    await fac.page.keyboard.press('ArrowRight');
    assert.equal(await fac.page.evaluate(() => document.activeElement.id), 'tab-consent');
    assert.equal(await fac.page.getAttribute('#tab-consent', 'aria-selected'), 'true');
    await until(fac.page, 'consent panel', () => !!document.querySelector('#proposal-form'));
    await fac.page.fill('#proposal-title', TITLE);
    await fac.page.fill('#proposal-text', 'We meet every other Tuesday at 6 pm.');
    await fac.page.click('#proposal-form button[type=submit]');
    const card = proposalCard(ada.page, TITLE);
    await card.waitFor({ timeout: 10000 });
    await waitIn(card.locator('[data-part=phase]'), 'Now: Clarifying questions');
    assert.equal(await card.locator('.answer-form').isVisible(), false, 'no answers before the consent phase');
    await waitText(display.page, '#proposal', TITLE);
    await proposalCard(fac.page, TITLE).locator('button[data-phase=reactions]').click();
    await waitText(ada.page, '#round [data-part=topic]', `Reactions: ${TITLE}`);
    await waitIn(card.locator('[data-part=phase]'), 'Now: Reactions');
    await fac.page.click('#round-end');
    await until(ada.page, 'round over', () => document.querySelector('#round').hidden);
  });

  it('consent phase: consent, a concern and an objection, each with its text', async () => {
    await proposalCard(fac.page, TITLE).locator('button[data-phase=consent]').click();
    await until(ben.page, 'consent announced', () => document.querySelector('#announce-polite').textContent.includes('consent round'));
    await answer(ada, 'consent');
    // An objection needs its reason: the field says so, and the server refuses it empty.
    const benCard = proposalCard(ben.page, TITLE);
    await benCard.locator('.answer-form input[value=objection]').check();
    await waitIn(benCard.locator('.answer-form label[for$="-text"]'), 'Why you object (needed)');
    await benCard.locator('.answer-form button[type=submit]').click();
    await waitIn(benCard.locator('.answer-form [role=alert]'), 'Say why you object');
    await answer(ben, 'objection', 'Tuesdays clash with my shift work');
    await answer(kofi, 'concern', 'Buses are rare after 8 pm');
    await waitIn(benCard.locator('[data-part=mine]'), 'Your objection is open');
    assert.equal(await benCard.locator('button[data-action=withdraw]').isVisible(), true);
    await waitIn(proposalCard(kofi.page, TITLE).locator('[data-part=answers]'), 'Tuesdays clash with my shift work');
    await waitText(display.page, '#proposal', 'Objection 1');
    await checkState(ben.page, 'participant-phone-objection');
  });

  it('cannot adopt while the objection is open', async () => {
    const card = proposalCard(fac.page, TITLE);
    await waitIn(card.locator('[data-part=objections]'), 'Tuesdays clash');
    await card.locator('button[data-action=adopt]').click();
    await waitText(fac.page, '.toast', 'objection');
    await waitIn(card.locator('[data-part=phase]'), 'Now: Consent');
    await waitIn(proposalCard(ada.page, TITLE).locator('[data-part=answers]'), 'cannot be adopted');
    await checkState(fac.page, 'facilitator-consent-blocked');
  });

  it('amends the proposal: version 2, the objection resolved, everyone answers again', async () => {
    const card = proposalCard(fac.page, TITLE);
    await card.locator('details[data-part=amend] summary').click();
    const text = card.locator('details[data-part=amend] textarea');
    assert.equal(await text.inputValue(), 'We meet every other Tuesday at 6 pm.', 'the amendment starts from the current text');
    await text.fill('We meet every other Tuesday at 6 pm, with a video link for people on shifts.');
    await card.locator('details[data-part=amend] button[type=submit]').click();
    const benCard = proposalCard(ben.page, TITLE);
    await waitIn(benCard.locator('h3'), 'version 2');
    await waitIn(benCard.locator('.proposal-text'), 'video link');
    assert.equal(await benCard.locator('[data-part=mine]').textContent(), '', 'answers start again');
    await waitIn(card.locator('[data-part=objections]'), 'answered by an amendment: the objector is asked again');
    // Kofi objects, then withdraws his own objection.
    await answer(kofi, 'objection', 'Not sure the link works');
    const kofiCard = proposalCard(kofi.page, TITLE);
    await kofiCard.locator('button[data-action=withdraw]').click();
    await until(kofi.page, 'objection gone', () => !document.querySelector('#proposal-cards [data-action=withdraw]'));
    await waitIn(card.locator('[data-part=objections]'), 'withdrawn');
    for (const p of [ada, ben, kofi]) await answer(p, 'consent');
    await waitIn(card.locator('[data-part=tally]'), 'Consent: 3');
  });

  it('adopts with a review date: the decision is on every page, with its hash chain', async () => {
    const card = proposalCard(fac.page, TITLE);
    await card.locator('input[type=date]').fill('2027-06-30');
    await card.locator('button[data-action=adopt]').click();
    await waitIn(proposalCard(ada.page, TITLE).locator('[data-part=phase]'), 'Adopted');
    for (const p of [ada, ben, kofi]) await waitText(p.page, '#decision-list', 'review by 2027-06-30');
    const decision = await ada.page.textContent('#decision-list');
    assert.match(decision, /Meet on Tuesdays/);
    assert.match(decision, /consent round \(version 2\)/);
    await openTab(fac.page, 'record');
    await waitText(fac.page, '#chain-status', 'Hash chain intact');
    await waitText(fac.page, '#fdecision-list', 'video link');
    await checkState(ada.page, 'participant-phone-decided');
    await checkState(fac.page, 'facilitator-record');
  });

  it('the working agreement: proposed anonymously, adopted by a quick check, flagged', async () => {
    // An open "full text" of a decision stays open while the page redraws around it.
    await ada.page.click('#decision-list details summary');
    await kofi.page.click('#agreement-propose summary');
    await kofi.page.fill('#agreement-text', 'We let each person finish');
    await kofi.page.check('#agreement-form input[name=anonymous]');
    await kofi.page.click('#agreement-form button[type=submit]');
    await openTab(fac.page, 'agreement');
    await waitText(fac.page, '#fagreement-list', 'We let each person finish');
    await waitText(fac.page, '#fagreement-list', 'anonymous');
    await waitText(fac.page, '#tab-agreement .badge', '1');
    await fac.page.click('#fagreement-list button[data-action=adopt]');
    await fac.page.click('#dialog-ok');
    await waitText(display.page, '#agreement', 'We let each person finish');
    const flag = ada.page.locator('#agreement-list button[data-action=flag]');
    await flag.waitFor({ timeout: 10000 });
    await flag.click();
    await waitText(ada.page, '.toast', 'Flagged anonymously');
    await waitText(fac.page, '#fagreement-list', 'flagged 1 time');
    assert.ok(!(await ada.page.textContent('#agreement-list')).includes('flagged'), 'participants do not see flag counts');
    await waitText(ada.page, '#decision-list', 'quick consent check');
    assert.equal(await ada.page.locator('#decision-list details[data-key="text-1"]').getAttribute('open'), '', 'still open after updates');
    await checkState(display.page, 'display-agreement');
    await checkState(fac.page, 'facilitator-agreement');
  });

  it('amends with a new title: the cards, the display and the decision name the new title', async () => {
    const OLD = 'Biscuits at meetings', NEW = 'Fruit at meetings';
    await openTab(fac.page, 'consent');
    await fac.page.fill('#proposal-title', OLD);
    await fac.page.fill('#proposal-text', 'We bring biscuits to every meeting.');
    await fac.page.click('#proposal-form button[type=submit]');
    const card = proposalCard(fac.page, OLD);
    await card.waitFor({ timeout: 10000 });
    await card.locator('button[data-phase=consent]').click();
    await answer(ben, 'objection', 'Not everyone can eat biscuits', OLD);
    await waitIn(card.locator('[data-part=objections]'), 'Not everyone can eat biscuits');
    // The amend dialog starts from the current title and text.
    await card.locator('details[data-part=amend] summary').click();
    const title = card.locator('details[data-part=amend] input[type=text]');
    assert.equal(await title.inputValue(), OLD, 'the amendment starts from the current title');
    assert.equal(await card.locator('details[data-part=amend] label', { hasText: 'Title' }).count(), 1, 'the title field has a label');
    await title.fill(NEW);
    await card.locator('details[data-part=amend] textarea').fill('We bring fruit to every meeting.');
    await checkState(fac.page, 'facilitator-amend-title');
    await card.locator('details[data-part=amend] button[type=submit]').click();
    // Participants' cards and the display show the new title; the old one is gone from them.
    const adaCard = proposalCard(ada.page, NEW);
    await waitIn(adaCard.locator('h3'), `${NEW} (version 2)`);
    await waitIn(adaCard.locator('.proposal-text'), 'fruit');
    assert.equal(await proposalCard(ada.page, OLD).count(), 0, 'no card keeps the old title');
    await until(ben.page, 'retitle announced', (t) => document.querySelector('#announce-polite').textContent.includes(t),
      `now called “${NEW}”`);
    await waitText(display.page, '#proposal', NEW);
    // The console: the new title on the card, the old one with version 1 under "Earlier versions".
    const facCard = proposalCard(fac.page, NEW);
    await waitIn(facCard.locator('h3'), `${NEW} · version 2`);
    await waitIn(facCard.locator('[data-part=objections]'), 'answered by an amendment: the objector is asked again');
    await facCard.locator('[data-part=versions] summary').click();
    await waitIn(facCard.locator('[data-part=versions] li'), OLD);
    await checkState(fac.page, 'facilitator-consent-retitled');
    for (const p of [ada, ben, kofi]) await answer(p, 'consent', null, NEW);
    await waitIn(facCard.locator('[data-part=tally]'), 'Consent: 3');
    await facCard.locator('button[data-action=adopt]').click();
    await waitIn(adaCard.locator('[data-part=phase]'), 'Adopted');
    // The decision names the version adopted: the new title, version 2.
    await waitText(ada.page, '#decision-list', NEW);
    const decisions = await ada.page.textContent('#decision-list');
    assert.ok(!decisions.includes(OLD), 'the decision record does not name the old title');
    assert.match(decisions, /Fruit at meetings[\s\S]*consent round \(version 2\)/);
    await openTab(fac.page, 'record');
    await waitText(fac.page, '#fdecision-list', NEW);
    await waitText(fac.page, '#chain-status', 'Hash chain intact');
    await checkState(ada.page, 'participant-phone-retitled');
  });

  // Prepared in advance (issue 16): a draft waits under "Prepared" on the console only; "Present it
  // now" puts it to everyone with one click; a draft deleted is never seen and never recorded.
  it('a proposal prepared in advance is seen by facilitators only, then presented with one click', async () => {
    await openTab(fac.page, 'consent');
    await fac.page.fill('#proposal-title', 'Rotate the note-taker');
    await fac.page.fill('#proposal-text', 'Each meeting, someone new takes the notes.');
    await fac.page.click('#proposal-save-draft');
    const draft = proposalCard(fac.page, 'Rotate the note-taker');
    await draft.waitFor({ timeout: 10000 });
    assert.ok(await fac.page.locator('#proposal-drafts').locator('article.proposal', { hasText: 'Rotate the note-taker' }).isVisible(), 'under Prepared');
    await waitIn(draft.locator('[data-part=phase]'), 'Prepared: nobody else sees it until you present it.');
    await fac.page.fill('#proposal-title', 'Meet in the library');
    await fac.page.fill('#proposal-text', 'From May, we meet in the library.');
    await fac.page.click('#proposal-save-draft');
    await proposalCard(fac.page, 'Meet in the library').waitFor({ timeout: 10000 });
    for (const p of [ada, ben, display]) {
      const text = await p.page.textContent('body');
      assert.ok(!text.includes('note-taker') && !text.includes('library'), `${p.name}: no draft`);
    }
    await checkState(fac.page, 'facilitator-proposal-drafts');
    await draft.locator('button[data-action=present-draft]').click();
    const card = proposalCard(ada.page, 'Rotate the note-taker');
    await card.waitFor({ timeout: 10000 });
    await waitIn(card.locator('[data-part=phase]'), 'Now: Clarifying questions');
    await waitText(display.page, '#proposal', 'Rotate the note-taker');
    // The other draft is deleted: gone from the console, never seen by anyone else, not recorded.
    await proposalCard(fac.page, 'Meet in the library').locator('button[data-action=delete-draft]').click();
    await fac.page.click('#dialog-ok');
    await proposalCard(fac.page, 'Meet in the library').waitFor({ state: 'detached', timeout: 10000 });
    assert.ok(!(await ada.page.textContent('body')).includes('library'));
    assert.ok(!(await ada.page.textContent('#decision-list')).includes('library'), 'a deleted draft is not a decision');
  });
});
