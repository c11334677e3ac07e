// Taking part without watching the screen (issue 16): a person who asks for it gets a vibration
// and a short sound when they are next and when they have the floor, besides what the page says to
// screen readers; the choice is remembered in the browser; someone who did not ask gets neither.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, closeChecked, expectAccessible, launch, openMeeting, waitLive, waitText } from '../lib/browser.mjs';

// Records what the page asks of the phone: navigator.vibrate patterns and the tones it starts.
function recordCues() {
  window.__cues = [];
  navigator.vibrate = (pattern) => { window.__cues.push(`vibrate ${JSON.stringify(pattern)}`); return true; };
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() {
      const osc = super.createOscillator();
      const start = osc.start.bind(osc);
      osc.start = (at) => { window.__cues.push(`tone ${osc.frequency.value}`); start(at); };
      return osc;
    }
  };
}
const cuesOf = (page) => page.evaluate(() => window.__cues.splice(0));
const untilCues = (page, n) => page.waitForFunction((k) => window.__cues.length >= k, n);

describe('cues beyond the screen', () => {
  let browser, m;

  before(async () => {
    browser = await launch();
    m = await openMeeting(browser, { title: 'Quiet room', people: [
      { key: 'ben', device: DESKTOP, name: 'Ben', location: 'in_room' },
      { key: 'ada', device: PHONE, name: 'Ada', location: 'remote' },
    ], waitForAll: true });
    for (const p of [m.ada, m.ben]) {
      await p.context.addInitScript(recordCues);
      await p.page.reload();
      await waitLive(p.page);
    }
  });
  after(() => closeChecked(browser, [m.fac, m.display, m.ada, m.ben]));

  it('lets a person ask for a buzz and a sound, and gives a taste of each', async () => {
    const ada = m.ada.page;
    await ada.check('#cue-vibrate');
    await ada.check('#cue-sound');
    await untilCues(ada, 2);
    assert.deepEqual(await cuesOf(ada), ['vibrate [200]', 'tone 660']);
    await expectAccessible(ada, 'participant page with the cue choices');
  });

  it('buzzes and sounds when she is next, and again when she has the floor', async () => {
    await m.ben.page.click('#raise');
    await waitText(m.fac.page, '#queue-h', 'Queue (1)');
    await m.ada.page.click('#raise');
    await waitText(m.ada.page, '#place', 'Your place: 2nd of 2');
    assert.deepEqual(await cuesOf(m.ada.page), [], 'second in the queue: nothing yet');
    await m.fac.page.click('#call-next');  // Ben speaks: Ada is next
    await waitText(m.ada.page, '#announce-polite', 'Ben has the floor. You are next.');
    await untilCues(m.ada.page, 2);
    assert.deepEqual(await cuesOf(m.ada.page), ['vibrate [200]', 'tone 660']);
    await m.fac.page.click('#end-turn');
    await m.fac.page.click('#call-next');  // Ada has the floor
    await waitText(m.ada.page, '#announce-polite', 'You have the floor.');
    await untilCues(m.ada.page, 3);
    assert.deepEqual(await cuesOf(m.ada.page), ['vibrate [250,120,250]', 'tone 660', 'tone 880']);
    assert.deepEqual(await cuesOf(m.ben.page), [], 'Ben did not ask for cues: none, though he had the floor');
  });

  it('remembers the choice in this browser', async () => {
    await m.ada.page.reload();
    await waitLive(m.ada.page);
    assert.equal(await m.ada.page.isChecked('#cue-vibrate'), true);
    assert.equal(await m.ada.page.isChecked('#cue-sound'), true);
    assert.equal(await m.ben.page.isChecked('#cue-vibrate'), false);
  });
});
