// A server started with --create-key: the start page asks for the key when the server says it is
// needed, says so plainly when it is wrong, and creates the meeting with the right one. The key
// travels in a header, never in the page's address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, launch, person, waitLive } from '../lib/browser.mjs';
import { TestServer, canRunServer } from '../lib/server.mjs';

describe('create key', { skip: canRunServer ? false : 'needs EVERYVOICE_SERVER and EVERYVOICE_STATIC_DIR (run.sh sets them)' }, () => {
  let server, browser, fac;

  before(async () => {
    server = await new TestServer(['--create-key=tenants-2026']).start();
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
  });
  after(async () => {
    await browser?.close();
    await server?.remove();
  });

  it('asks for the key, refuses a wrong one, and creates the meeting with the right one', async () => {
    const p = fac.page;
    await p.goto(`${server.url}/`);
    assert.equal(await p.isVisible('#create-key'), false, 'no key field until the server asks');
    await p.fill('#title', 'Tenants forum');
    await p.fill('#name', 'Fatima');
    await p.click('#create-button');
    await p.waitForSelector('#create-key', { state: 'visible' });
    assert.match(await p.textContent('#create-error'), /needs a create key/);
    await p.fill('#create-key', 'a guess');
    await p.click('#create-button');
    await p.waitForFunction(() => /not right/.test(document.querySelector('#create-error').textContent));
    await p.fill('#create-key', 'tenants-2026');
    await p.click('#create-button');
    await p.waitForURL(/\/facilitator\?code=/);
    await waitLive(p);
    assert.doesNotMatch(p.url(), /tenants-2026/, 'the key is never in the address');
  });
});
