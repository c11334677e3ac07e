// Every page: under 100 KB on the wire, no horizontal scrolling at 320 px wide nor at 200%
// zoom (640 px of a 1280 px screen), every page in a live meeting. Writes page-weights.json
// next to the screenshots.
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, SHOTS, checkState, createMeeting, joinAs, launch, person, waitLive, waitText } from '../lib/browser.mjs';

describe('pages', () => {
  let browser, fac, code;
  const pages = () => ({
    index: '/',
    join: `/join?code=${code}`,
    participant: `/participant?code=${code}`,
    facilitator: `/facilitator?code=${code}`,
    display: `/display?code=${code}`,
  });

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    code = await createMeeting(fac.page, { title: 'A meeting with a rather long title to see how it wraps', name: 'Fatima' });
  });
  after(async () => { await browser?.close(); });

  it('each page loads in under 100 KB on the wire', async () => {
    // Someone who has joined (their token in storage), so that every page draws a live meeting.
    const joined = await person(browser, DESKTOP, 'joined');
    await joinAs(joined.page, code, { name: 'Weigher' });
    const stored = { participant: await joined.context.storageState(), facilitator: await fac.context.storageState() };
    const weights = {};
    for (const [name, path] of Object.entries(pages())) {
      // A fresh context each time: an empty HTTP cache, so every byte is counted.
      const context = await browser.newContext({ ...DESKTOP, storageState: stored[name] });
      const page = await context.newPage();
      const sizes = [];
      page.on('requestfinished', async (req) => {
        try { const s = await req.sizes(); sizes.push(s.responseBodySize + s.responseHeadersSize); } catch { /* gone */ }
      });
      await page.goto(`${BASE}${path}`, { waitUntil: 'networkidle' });
      if (name !== 'index' && name !== 'join') await waitLive(page);
      await page.waitForTimeout(200);
      const total = sizes.reduce((n, b) => n + b, 0);
      weights[name] = { bytes: total, files: sizes.length };
      await context.close();
      assert.ok(total < 100 * 1024, `${name}: ${total} bytes on the wire`);
      assert.ok(sizes.length >= 5, `${name}: page, stylesheet and scripts were counted (${sizes.length})`);
    }
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, 'page-weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
    console.log('page weights (bytes on the wire):', JSON.stringify(weights));
  });

  for (const width of [320, 640]) {
    it(`no page scrolls sideways at ${width} px`, async () => {
      const viewer = await person(browser, { viewport: { width, height: 700 } }, `w${width}`);
      await joinAs(viewer.page, code, { name: `Narrow ${width}`, location: 'in_room' });
      await viewer.page.click('#raise');
      await waitText(viewer.page, '#place', 'Your place');
      const facNarrow = await browser.newContext({ viewport: { width, height: 700 }, storageState: await fac.context.storageState() });
      const facPage = await facNarrow.newPage();
      for (const [name, path] of Object.entries(pages())) {
        const page = name === 'facilitator' ? facPage : viewer.page;
        await page.goto(`${BASE}${path}`);
        if (name !== 'index' && name !== 'join') await waitLive(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
        if (width === 320 && (name === 'facilitator' || name === 'participant')) await checkState(page, `${name}-320px`);
      }
      await facNarrow.close();
    });
  }
});
