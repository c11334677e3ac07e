// The room display on a projector, at 1280×720 and at 1920×1080, through a whole meeting: people
// join, hands go up (more than fit), a go-round, a poll opened, voted and closed, a proposal in
// its consent phase and adopted, the working agreement, the lock, the end. In every state: the
// page does not scroll, who has the floor and the queue are on screen, no card cuts its content
// off (a list that does not fit says "+N more" and the numbers add up), axe-core finds nothing of
// any impact; a screenshot of each state at both sizes (display-1280x720-*.png,
// display-1920x1080-*.png). The join card is large until more than three participants have
// joined, then small in the corner, large again on "J" or a click, and says "locked" while the
// meeting is locked. A finished result leaves after ?results_seconds (shortened here to 3 s).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, closeChecked, createMeeting, expectAccessible, joinAs, launch, openTab, person, pollCard, proposalCard, shot, until, waitIn, waitLive, waitText } from '../lib/browser.mjs';

const RESULTS_SECONDS = 3;
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];

// What a person in the room sees of the page, measured in it.
const measure = (page) => page.evaluate(() => {
  const shown = (el) => !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
  const box = (el) => { const r = el.getBoundingClientRect(); return { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width), height: Math.round(r.height) }; };
  const cards = [...document.querySelectorAll('section.card')].filter(shown)
    .map((el) => ({ id: el.id, ...box(el), cut: el.scrollHeight - el.clientHeight }));
  // Each list that may be shortened: how many items are left out, and what its "+N more" says.
  const lists = [...document.querySelectorAll('.more')].map((more) => {
    const list = more.previousElementSibling;
    return { list: list.id || list.dataset.part || list.className, hiddenItems: [...list.children].filter((li) => li.hidden).length,
      more: shown(more) ? Number((more.textContent.match(/^\+(\d+) more$/) || [])[1]) : 0, moreBox: shown(more) ? box(more) : null };
  });
  const entries = [...document.querySelectorAll('#queue .entry')];
  const qr = document.querySelector('#qr');
  return {
    vw: innerWidth, vh: innerHeight,
    docHeight: document.documentElement.scrollHeight, docWidth: document.documentElement.scrollWidth,
    cards, lists,
    queueTotal: entries.length, queueShown: entries.filter(shown).map(box),
    queueHeading: document.querySelector('#queue-h').textContent,
    joinLarge: document.querySelector('#grid').classList.contains('join-large'),
    qr: shown(qr) ? box(qr) : null,
    join: shown(document.querySelector('#join')) ? box(document.querySelector('#join')) : null,
  };
});

const inside = (r, m) => r.top >= 0 && r.left >= 0 && r.bottom <= m.vh && r.right <= m.vw;

// The checks of every state, on one display: returns the measurements for state-specific checks.
async function checkDisplay(d, state) {
  const m = await measure(d.page);
  await shot(d.page, `display-${m.vw}x${m.vh}-${state}`);
  const at = `${d.name}, ${state}`;
  assert.ok(m.docHeight <= m.vh, `${at}: the page is ${m.docHeight} px high on a ${m.vh} px screen (it would scroll)`);
  assert.ok(m.docWidth <= m.vw, `${at}: the page is ${m.docWidth} px wide on a ${m.vw} px screen`);
  const card = (id) => m.cards.find((c) => c.id === id);
  for (const id of ['floor', 'queue-card']) assert.ok(card(id), `${at}: #${id} is shown`);
  for (const c of m.cards) {
    assert.ok(inside(c, m), `${at}: #${c.id} is on screen (${JSON.stringify(c)})`);
    assert.ok(c.cut <= 1, `${at}: #${c.id} cuts ${c.cut} px of its content off`);
  }
  for (const e of m.queueShown) assert.ok(inside(e, m), `${at}: a queue entry is off screen (${JSON.stringify(e)})`);
  const queueMore = m.lists.find((l) => l.list === 'queue');
  assert.equal(m.queueShown.length + (queueMore ? queueMore.more : 0), m.queueTotal, `${at}: queue entries shown plus "+N more" is everyone waiting`);
  if (m.queueTotal) assert.equal(m.queueHeading, `Queue (${m.queueTotal})`);
  for (const l of m.lists) {
    assert.equal(l.more, l.hiddenItems, `${at}: "+N more" of ${l.list} counts what is left out`);
    if (l.moreBox) assert.ok(inside(l.moreBox, m), `${at}: "+${l.more} more" of ${l.list} is on screen`);
  }
  await expectAccessible(d.page, at, { anyImpact: true });
  return m;
}

describe('room display on a projector', () => {
  let browser, fac, code;
  const displays = [];
  const people = {};
  const everyone = () => [fac, ...displays, ...Object.values(people)];
  const checkAll = async (state) => {
    const out = [];
    for (const d of displays) out.push(await checkDisplay(d, state));
    return out;
  };
  const onAll = async (fn) => { for (const d of displays) await fn(d.page); };

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    for (const size of SIZES) displays.push(await person(browser, { viewport: size }, `display ${size.width}x${size.height}`));
    for (const [key, name] of [['ada', 'Ada'], ['ben', 'Ben'], ['kofi', 'Kofi'], ['dara', 'Dara']]) {
      people[key] = await person(browser, PHONE, key);
      people[key].who = name;
    }
  });
  after(() => closeChecked(browser, everyone()));

  it('opens with the join card large: code and a big QR code', async () => {
    code = await createMeeting(fac.page, { title: 'Neighbourhood plan: spring review of the community garden and the youth budget', name: 'Fatima' });
    for (const d of displays) {
      await d.page.goto(`${BASE}/display?code=${code}&results_seconds=${RESULTS_SECONDS}`);
      await waitLive(d.page);
      await waitText(d.page, '#code', code);
      await until(d.page, 'QR code loaded', () => document.querySelector('#qr').complete && document.querySelector('#qr').naturalWidth > 0);
    }
    for (const m of await checkAll('01-start')) {
      assert.equal(m.joinLarge, true);
      assert.ok(m.qr.height >= 0.35 * m.vh, `the QR code is large: ${m.qr.height} px of ${m.vh}`);
    }
  });

  it('keeps the join card large for three participants, and makes it small in the corner at the fourth', async () => {
    const order = Object.values(people);
    for (const p of order.slice(0, 3)) await joinAs(p.page, code, { name: p.who, location: 'in_room' });
    await waitText(fac.page, '#people-h', 'People (4)');
    for (const m of await checkAll('02-three-joined')) assert.equal(m.joinLarge, true, 'three participants: still large');
    await joinAs(people.dara.page, code, { name: 'Dara', location: 'remote' });
    await onAll((page) => until(page, 'join card small', () => !document.querySelector('#grid').classList.contains('join-large')));
    for (const m of await checkAll('03-four-joined')) {
      assert.ok(m.qr.height <= 0.2 * m.vh, `the QR code is small: ${m.qr.height} px of ${m.vh}`);
      assert.ok(m.join.right >= m.vw * 0.9 && m.join.bottom >= m.vh * 0.9, `the join card sits in the bottom right corner: ${JSON.stringify(m.join)}`);
      assert.ok(m.join.width <= m.vw * 0.45 && m.join.height <= m.vh * 0.3, `the join card is small: ${JSON.stringify(m.join)}`);
    }
  });

  it('brings the join card back large on "J" or a click, and small again', async () => {
    const [d] = displays;
    const large = () => d.page.evaluate(() => document.querySelector('#grid').classList.contains('join-large'));
    await d.page.keyboard.press('j');
    assert.equal(await large(), true, '"J" makes it large');
    const m = await checkDisplay(d, '04-join-asked');
    assert.ok(m.qr.height >= 0.35 * m.vh, `large again: ${m.qr.height} px`);
    await d.page.keyboard.press('J');
    assert.equal(await large(), false, '"J" again makes it small');
    await d.page.mouse.click(...await d.page.evaluate(() => { const r = document.querySelector('#join').getBoundingClientRect(); return [r.left + 10, r.top + 10]; }));
    assert.equal(await large(), true, 'a click anywhere on the small card makes it large');
    await d.page.click('#join-size');
    assert.equal(await large(), false, 'its button makes it small again');
  });

  it('raises more hands than fit: the queue shows who is next and "+N more"', async () => {
    for (const name of ['Grace', 'Hana', 'Ivo', 'Jun', 'Lena']) {
      await fac.page.fill('#proxy-name', name);
      await fac.page.click('#proxy-form button');
      await waitText(fac.page, '#people', name);
    }
    let n = 0;
    for (const p of Object.values(people)) {
      await p.page.click('#raise');
      n += 1;
      await onAll((page) => waitText(page, '#queue-h', `Queue (${n})`));
    }
    for (const name of ['Grace', 'Hana', 'Ivo', 'Jun', 'Lena']) {
      await fac.page.selectOption('#raise-for', { label: `${name} (proxy)` });
      await fac.page.click('#raise-form button');
      n += 1;
      await onAll((page) => waitText(page, '#queue-h', `Queue (${n})`));
    }
    for (const m of await checkAll('05-long-queue')) {
      const more = m.lists.find((l) => l.list === 'queue').more;
      assert.ok(more > 0, `nine hands do not all fit at ${m.vw}x${m.vh}: "+N more" says so`);
      assert.ok(m.queueShown.length >= 3, `at least the next three are shown (${m.queueShown.length})`);
      console.log(`  ${m.vw}x${m.vh}: queue card top ${m.cards.find((c) => c.id === 'queue-card').top} px, ${m.queueShown.length} entries shown, +${more} more`);
    }
  });

  it('calls the next person: the floor and the timer, the queue beside them', async () => {
    await fac.page.click('#call-next');
    await onAll((page) => waitText(page, '#floor [data-part=speaker]', 'Ada'));
    await onAll((page) => waitText(page, '#floor [data-part=timer]', ':'));
    await checkAll('06-speaking');
    await fac.page.click('#end-turn');
    await onAll((page) => waitText(page, '#floor [data-part=speaker]', 'Nobody has the floor'));
  });

  it('a go-round of ten: who is up, and everyone in order, beside the queue', async () => {
    await fac.page.fill('#round-topic', 'One thing you want from the spring review');
    await fac.page.selectOption('#round-order', 'join_order');
    await fac.page.click('#round-form button');
    await onAll((page) => waitText(page, '#round [data-part=up]', 'Up now: Fatima'));
    await fac.page.click('#round-pass');
    await onAll((page) => waitText(page, '#round [data-part=up]', 'Up now: Ada'));
    for (const m of await checkAll('07-round')) {
      const round = m.lists.find((l) => l.list === 'order');
      assert.equal(round.more, round.hiddenItems);
    }
    await fac.page.click('#round-end');
    await onAll((page) => until(page, 'round over', () => document.querySelector('#round').hidden));
  });

  it('a poll: open with its turnout, closed with its result, which leaves after the set time', async () => {
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Which should the spring review look at first, given the time we have tonight?');
    await fac.page.fill('#poll-options', 'The community garden\nThe youth budget\nTransport to the meetings\nSomething else');
    await fac.page.click('#poll-form button[type=submit]');
    await onAll((page) => waitText(page, '#results', '0 of'));
    for (const [p, option] of [[people.ada, 'The youth budget'], [people.ben, 'The youth budget'], [people.kofi, 'The community garden']]) {
      const card = pollCard(p.page, 'Which should');
      await card.locator('label.choice', { hasText: option }).click();
      await card.locator('button[type=submit]').click();
      await waitIn(card.locator('[data-part=voted]'), 'You have voted');
    }
    await onAll((page) => waitText(page, '#results', '3 of'));
    await checkAll('08-poll-open');
    // The join card asked for large while a poll is open: the poll and the queue still fit.
    await displays[0].page.keyboard.press('j');
    const big = await checkDisplay(displays[0], '08-poll-open-join-asked');
    assert.equal(big.joinLarge, true);
    for (const id of ['results', 'floor', 'queue-card']) assert.ok(big.cards.find((c) => c.id === id), `#${id} still on screen`);
    await displays[0].page.keyboard.press('j');
    await pollCard(fac.page, 'Which should').locator('button[data-action=close]').click();
    const seen = Date.now();
    await onAll((page) => waitText(page, '#results-h', 'results'));
    for (const m of await checkAll('09-poll-results')) assert.ok(m.cards.find((c) => c.id === 'results'), 'the result is on screen');
    const rows = await displays[0].page.$$eval('#results .result-row .figs', (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows, ['1 vote · 33%', '2 votes · 67%', '0 votes · 0%', '0 votes · 0%']);
    // Leaves by itself: not before the set time, and soon after it (the only wait that is a time).
    await onAll((page) => until(page, 'the result gone', () => document.querySelector('#results').hidden, null, RESULTS_SECONDS * 1000 + 5000));
    const gone = Date.now() - seen;
    assert.ok(gone >= RESULTS_SECONDS * 1000 - 500, `the result stayed ${gone} ms, at least the ${RESULTS_SECONDS} s set`);
    await checkAll('10-poll-gone');
  });

  it('a proposal: shown through its consent phase, then adopted, then it leaves', async () => {
    await openTab(fac.page, 'consent');
    await fac.page.fill('#proposal-title', 'Give the youth budget the first half hour of every spring meeting');
    await fac.page.fill('#proposal-text', 'The youth budget goes first on the agenda until June.');
    await fac.page.click('#proposal-form button[type=submit]');
    const card = proposalCard(fac.page, 'Give the youth budget');
    await card.locator('button[data-phase=consent]').click();
    await onAll((page) => waitText(page, '#proposal', 'Now: Consent'));
    for (const p of [people.ada, people.ben]) {
      const c = proposalCard(p.page, 'Give the youth budget');
      await c.locator('.answer-form input[value=consent]').check();
      await c.locator('.answer-form button[type=submit]').click();
    }
    await onAll((page) => waitText(page, '#proposal', 'Consent 2'));
    await checkAll('11-proposal-consent');
    await card.locator('input[type=date]').fill('2027-06-30');
    await card.locator('button[data-action=adopt]').click();
    await onAll((page) => waitText(page, '#proposal-h', 'adopted'));
    await checkAll('12-proposal-adopted');
    await onAll((page) => until(page, 'the proposal gone', () => document.querySelector('#proposal').hidden, null, RESULTS_SECONDS * 1000 + 5000));
  });

  it('a long working agreement: what fits, then "+N more"', async () => {
    await openTab(fac.page, 'agreement');
    const rules = ['One person speaks at a time, and we listen until they finish', 'Lived experience counts as expertise here',
      'We say when we do not understand a word', 'Phones on silent, not away: some of us need them', 'We start and end on time',
      'Anyone can call a break', 'What is said here stays here unless we agree otherwise', 'We challenge ideas, not people',
      'Jargon and acronyms get explained the first time', 'Remote people are asked first when the room goes quiet',
      'Nobody has to speak to take part', 'We check the agreement at the start of each meeting'];
    for (const [i, rule] of rules.entries()) {
      await fac.page.fill('#fagreement-text', rule);
      await fac.page.click('#fagreement-list ~ form button');
      await fac.page.locator('#fagreement-list button[data-action=adopt]').first().click();
      await fac.page.click('#dialog-ok');
      await onAll((page) => until(page, `${i + 1} rules`, (k) => document.querySelectorAll('#agreement-list li').length === k, i + 1));
    }
    for (const m of await checkAll('13-agreement')) {
      assert.ok(m.cards.find((c) => c.id === 'agreement'), 'the agreement is on screen');
      assert.equal(m.lists.find((l) => l.list === 'agreement-list').more, 0, 'nothing else is live: every rule is shown');
    }
    // Something live comes first: the agreement gives way to an open poll.
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Shall we take a ten-minute break at eight o’clock, before the youth budget?');
    await fac.page.fill('#poll-options', 'Yes\nNo');
    await fac.page.click('#poll-form button[type=submit]');
    await onAll((page) => waitText(page, '#results', '0 of'));
    for (const m of await checkAll('14-agreement-and-poll')) {
      assert.ok(m.cards.find((c) => c.id === 'results'), 'the open poll is on screen');
      const list = m.lists.find((l) => l.list === 'agreement-list');
      assert.ok(m.cards.find((c) => c.id === 'agreement'), 'the agreement is still on screen');
      assert.ok(list.more > 0 && list.more < rules.length, `some rules shown, then "+${list.more} more"`);
    }
    await pollCard(fac.page, 'Shall we take').locator('button[data-action=close]').click();
  });

  it('locks the meeting: the join card says so instead of a code, and stays small', async () => {
    await openTab(fac.page, 'room');
    await fac.page.check('#locked');
    await onAll((page) => waitText(page, '#locked-line', 'locked'));
    await displays[0].page.keyboard.press('j');
    for (const m of await checkAll('15-locked')) {
      assert.equal(m.qr, null, 'no QR code while nobody can join');
      assert.equal(m.joinLarge, false);
    }
    await fac.page.uncheck('#locked');
    await onAll((page) => until(page, 'unlocked', () => document.querySelector('#locked-line').hidden));
  });

  it('ends the meeting: the banner is readable (axe: colour contrast)', async () => {
    await openTab(fac.page, 'record');
    await fac.page.click('#end-meeting');
    await fac.page.click('#dialog-ok');
    await onAll((page) => waitText(page, '#ended', 'This meeting has ended'));
    const ended = await checkAll('16-ended');
    for (const m of ended) assert.ok(m.cards.find((c) => c.id === 'floor'));
    // The contrast itself, as a person reading it would get it (axe checks it too, above).
    const ratio = await displays[0].page.evaluate(() => {
      const el = document.querySelector('#ended');
      const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((c) => { const x = c / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; })
        .reduce((s, x, i) => s + x * [0.2126, 0.7152, 0.0722][i], 0);
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(getComputedStyle(el).backgroundColor))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    assert.ok(ratio >= 4.5, `the ended banner's contrast is ${ratio.toFixed(2)}:1`);
  });
});
