// The video call's link (issue 16): the facilitator saves it in the console; a remote participant
// gets "Open the call" (a new tab, no referrer), someone in the room does not, and the room display
// never has it in its page; a wrong address is refused in plain words; removing it takes it away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, closeChecked, expectAccessible, launch, openMeeting, shot, waitText } from '../lib/browser.mjs';

const LINK = 'https://meet.example.org/tenants-forum?pwd=garden42';

describe('the video call link', () => {
  let browser, m;

  before(async () => {
    browser = await launch();
    m = await openMeeting(browser, { title: 'Hybrid forum', people: [
      { key: 'rémi', device: PHONE, name: 'Rémi', location: 'remote' },
      { key: 'ines', device: DESKTOP, name: 'Inès', location: 'in_room' },
    ] });
  });
  after(() => closeChecked(browser, [m.fac, m.display, m['rémi'], m.ines]));

  it('reaches remote people only, never the room display', async () => {
    const fac = m.fac.page;
    if (await fac.isVisible('#key-card')) await fac.click('#key-card-saved');
    await fac.fill('#call-link', 'http://meet.example.org/plain');
    await fac.click('#call-form button[type=submit]');
    await waitText(fac, '.toast-text', 'A call link starts with https://');
    assert.equal(await fac.isVisible('#call-current'), false, 'a refused link is not saved');
    await fac.fill('#call-link', LINK);
    await fac.click('#call-form button[type=submit]');
    await fac.waitForSelector('#call-current', { state: 'visible' });
    assert.equal(await fac.getAttribute('#call-open', 'href'), LINK);

    const remote = m['rémi'].page;
    await remote.waitForSelector('#call', { state: 'visible' });
    assert.equal(await remote.getAttribute('#call-open', 'href'), LINK);
    assert.equal(await remote.getAttribute('#call-open', 'target'), '_blank');
    assert.match(await remote.getAttribute('#call-open', 'rel'), /noreferrer/);
    await expectAccessible(remote, 'remote participant with the call link');
    await shot(remote, 'call-link-remote');
    assert.equal(await m.ines.page.isVisible('#call'), false, 'in the room: no call link shown');
    await waitText(m.display.page, '#queue-h', 'Queue');
    assert.ok(!(await m.display.page.content()).includes('garden42'), 'the room display never holds the link');
  });

  it('is taken away for everyone when removed', async () => {
    await m.fac.page.click('#call-remove');
    await m.fac.page.waitForSelector('#call-current', { state: 'hidden' });
    await m['rémi'].page.waitForSelector('#call', { state: 'hidden' });
  });
});
