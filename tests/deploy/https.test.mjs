// Through nginx, over https:// and wss:// (tests/deploy/nginx_test.sh starts nginx with a
// self-signed certificate in front of the server and sets EVERYVOICE_URL=https://localhost:PORT):
// a meeting is created on the start page, two people join, a poll is opened, both vote and the
// result shows; one of them reloads and is back with the same state (a new wss:// connection);
// the QR code on the room display and on the console encodes the public URL's join link. No page
// reports a Content-Security-Policy violation. Debian's Chromium through playwright-core
// (tests/e2e/lib/browser.mjs); jsQR (npm, tests/e2e/node_modules) reads the QR code.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, PROJECTOR, closeChecked, createMeeting, joinAs, launch, openTab, person, pollCard, waitLive, waitText } from '../e2e/lib/browser.mjs';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const jsQR = require('jsqr');

describe('https through nginx', () => {
  let browser, fac, display, ada, ben, code;
  const violations = [];
  const sockets = [];

  // A person over https with the test's self-signed certificate. Every CSP violation is caught two
  // ways: Chromium's console message, and the page's securitypolicyviolation event (reported by an
  // init script, which the page's policy does not govern).
  async function httpsPerson(device, name) {
    const p = await person(browser, device, name, { ignoreHTTPSErrors: true });
    await p.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
    });
    p.page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(`[${name}] ${m.text()}`); });
    p.page.on('websocket', (ws) => sockets.push({ name, url: ws.url() }));
    return p;
  }

  before(async () => {
    assert.match(BASE, /^https:\/\//, 'EVERYVOICE_URL is the https:// address of nginx');
    browser = await launch();
    fac = await httpsPerson(DESKTOP, 'facilitator');
    display = await httpsPerson(PROJECTOR, 'display');
    ada = await httpsPerson(PHONE, 'ada');
    ben = await httpsPerson(PHONE, 'ben');
  });
  after(() => closeChecked(browser, [fac, display, ada, ben].filter(Boolean)));

  it('creates a meeting on the start page; two people join over wss://', async () => {
    code = await createMeeting(fac.page, { title: 'Tenants forum', name: 'Fatima', location: 'in_room' });
    assert.match(code, /^[A-Z0-9]{6}$/);
    assert.ok(fac.page.url().startsWith(`${BASE}/facilitator?code=`), fac.page.url());
    await display.page.goto(`${BASE}/display?code=${code}`);
    await waitLive(display.page);
    await joinAs(ada.page, code, { name: 'Ada', location: 'in_room' });
    await joinAs(ben.page, code, { name: 'Ben', location: 'remote' });
    await waitText(fac.page, '#people-h', 'People (3)');
    const wsBase = BASE.replace(/^https:/, 'wss:');
    assert.ok(sockets.length >= 4, `every page opened a WebSocket: ${JSON.stringify(sockets)}`);
    for (const s of sockets) assert.equal(s.url, `${wsBase}/ws/${code}`, `${s.name}'s socket goes through nginx over wss://`);
  });

  it('the QR code on the room display and the console encodes the public join link', async () => {
    const want = `${BASE}/join?code=${code}`;
    assert.equal(await readQr(display.page), want, 'room display');
    await fac.page.click('#show-qr');
    assert.equal(await readQr(fac.page), want, 'facilitator console');
  });

  it('a poll: opened, both vote, the result shows', async () => {
    await openTab(fac.page, 'polls');
    await fac.page.fill('#poll-question', 'Meet monthly from June?');
    await fac.page.selectOption('#poll-kind', 'single_choice');
    await fac.page.fill('#poll-options', 'Yes\nNo');
    await fac.page.check('#poll-form input[name=results][value=at_close]');
    await fac.page.click('#poll-form button[type=submit]');
    for (const [p, choice] of [[ada, '0'], [ben, '1']]) {
      const card = pollCard(p.page, 'Meet monthly');
      await card.waitFor({ timeout: 10000 });
      await card.locator(`input[value="${choice}"]`).check();
      await card.locator('button[type=submit]').click();
      await waitText(p.page, '#poll-cards', 'You have voted');
    }
    await waitText(display.page, '#results', '2 of 3 have voted');
    await pollCard(fac.page, 'Meet monthly').locator('button[data-action=close]').click();
    await waitText(display.page, '#results', '1 vote');
    const rows = await display.page.$$eval('#results .result-row .figs', (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows, ['1 vote · 50%', '1 vote · 50%']);
    for (const p of [ada, ben]) await waitText(p.page, '#poll-cards', '50%');
  });

  it('a reload reconnects (a new wss:// connection) and shows the same state', async () => {
    const before = sockets.filter((s) => s.name === 'ben').length;
    await ben.page.reload();
    await waitLive(ben.page);
    await waitText(ben.page, '#me-name', 'Ben');
    await waitText(ben.page, '#poll-cards', '50%');
    assert.ok(sockets.filter((s) => s.name === 'ben').length > before, 'a new WebSocket after the reload');
    assert.equal(await fac.page.textContent('#people-h'), 'People (3)', 'the same person, nobody new');
  });

  it('no page reported a Content-Security-Policy violation', () => {
    const distinct = [...new Set(violations)];
    assert.equal(violations.length, 0, `${violations.length} CSP violation(s); the distinct ones:\n${distinct.slice(0, 10).join('\n')}`);
  });
});

// Reads the QR code the page shows (#qr, an SVG the server draws): the page fetches the image it
// shows, draws it into a canvas at 8 pixels a module (given a size: the SVG has only a viewBox), and
// jsQR decodes the pixels in node. Nothing is injected into the page, whose policy allows no
// inline script; the data: image is allowed by img-src.
async function readQr(page) {
  await page.waitForFunction(() => { const img = document.querySelector('#qr'); return img && !img.hidden && img.complete && img.naturalWidth > 0; },
    null, { timeout: 10000 });
  const { width, height, data } = await page.evaluate(async () => {
    const svg = await (await fetch(document.querySelector('#qr').src)).text();
    const modules = Number(/viewBox="0 0 (\d+) /.exec(svg)[1]);
    const size = modules * 8;
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    const img = new Image();
    img.src = `data:image/svg+xml;base64,${btoa(sized)}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size; canvas.height = size;
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0, size, size);
    return { width: size, height: size, data: Array.from(ctx.getImageData(0, 0, size, size).data) };
  });
  const found = jsQR(Uint8ClampedArray.from(data), width, height);
  assert.ok(found, 'jsQR found a QR code in the image');
  return found.data;
}
