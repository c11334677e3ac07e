// A group's space across meetings (issue 17), in Chromium: a group is created, a meeting of the
// group is opened on the console with its facilitator key, a participant writes an anonymous point,
// the facilitator carries it forward to the group; an organiser sets its status on the group page;
// the point's author, back on the join page of the same browser, sees what became of it, across a
// second meeting of the group. Last, an organiser starts a group and its first meeting from the
// pages alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, closeChecked, expectAccessible, joinAs, launch, openConsole, openTab, person, until, waitLive, waitText } from '../lib/browser.mjs';

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}


describe('a group across its meetings', () => {
  let browser, fac, ana, group;

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    ana = await person(browser, PHONE, 'ana');
    group = await api('POST', '/api/groups', { name: "Tenants' panel" });
  });
  after(() => closeChecked(browser, [fac, ana]));

  it('an anonymous point is carried forward, and its author follows it from the join page', async () => {
    const march = await api('POST', '/api/meetings', { title: 'March forum', group: { code: group.code, group_key: group.group_key } });
    await openConsole(fac.page, march.code, march.facilitator_key);
    await joinAs(ana.page, march.code, { name: 'Ana' });
    await ana.page.fill('#point-text', 'A bench by the front door');
    await ana.page.check('#point-anon');
    await ana.page.click('#point-form button[type=submit]');

    await openTab(fac.page, 'points');
    const point = fac.page.locator('#fpoint-list li.point', { hasText: 'A bench by the front door' });
    await point.waitFor({ timeout: 10000 });
    await point.locator('button[data-action=carry]').click();
    await point.locator('.tag', { hasText: 'Carried forward' }).waitFor({ timeout: 10000 });
    assert.equal(await point.locator('button[data-action=carry]').count(), 0, 'carried once');
    await ana.page.locator('#point-list li.point .tag', { hasText: 'Carried forward to the group' }).waitFor({ timeout: 10000 });

    // The organisers set its status; the author's browser shows it on the join page.
    const record = await api('GET', `/api/groups/${group.code}`, undefined, { 'X-Group-Key': group.group_key });
    assert.equal(record.ideas.length, 1);
    assert.ok(!JSON.stringify(record).includes('Ana'), 'the group record names nobody');
    // The organiser's group page (the key where the group page keeps it): status and reason.
    await fac.page.evaluate(([c, k]) => localStorage.setItem(`everyvoice:group:${c}`, JSON.stringify(k)), [group.code, group.group_key]);
    await fac.page.goto(`${BASE}/group?code=${group.code}`);
    await waitText(fac.page, '#group-name', "Tenants' panel");
    await waitText(fac.page, '#group-ideas', 'A bench by the front door');
    await fac.page.selectOption('#idea-status-1', 'working');
    await fac.page.fill('#idea-reason-1', 'We asked the council');
    await fac.page.click('#group-ideas form button[type=submit]');
    await waitText(fac.page, '#group-ideas .tag', 'Being worked on');
    await expectAccessible(fac.page, 'group page');
    // Printed, the group page is the group report: the record without the forms.
    await fac.page.emulateMedia({ media: 'print' });
    assert.equal(await fac.page.locator('#new-meeting-form').isVisible(), false, 'no forms on paper');
    assert.equal(await fac.page.locator('#group-ideas form').first().isVisible(), false);
    assert.ok(await fac.page.locator('#group-ideas').isVisible(), 'the ideas are printed');
    assert.ok((await fac.page.pdf()).length > 1000, 'it saves as a PDF');
    await fac.page.emulateMedia({ media: 'screen' });
    await ana.page.goto(`${BASE}/join`);
    await ana.page.waitForSelector('#my-ideas', { state: 'visible' });
    await waitText(ana.page, '#my-ideas-list', 'Being worked on');
    await waitText(ana.page, '#my-ideas-list', 'We asked the council');
    await waitText(ana.page, '#my-ideas-list', "In Tenants' panel, from March forum");
    await expectAccessible(ana.page, 'join page with followed ideas');
  });

  it('the next meeting starts with the agreement; the idea, done, shows on the join page', async () => {
    const april = await api('POST', '/api/meetings', { title: 'April forum', group: { code: group.code, group_key: group.group_key } });
    await api('POST', `/api/groups/${group.code}/ideas/1`, { status: 'done', reason: 'The bench is in' }, { 'X-Group-Key': group.group_key });
    await ana.page.goto(`${BASE}/join?code=${april.code}`);
    await waitText(ana.page, '#my-ideas-list', 'Done');
    await waitText(ana.page, '#my-ideas-list', 'The bench is in');
    const followed = await ana.page.evaluate(() => JSON.parse(localStorage.getItem('everyvoice:follows')));
    assert.equal(followed.length, 1, 'one secret kept, for the one point written');
    assert.match(followed[0].follow, /^[0-9a-f]{32}$/);
    await until(ana.page, 'no secret in the address', () => !location.href.includes('follow'));
  });

  it('an organiser starts a group and its first meeting from the pages alone', async () => {
    const org = await person(browser, DESKTOP, 'organiser');
    const page = org.page;
    await page.goto(`${BASE}/`);
    await page.click('#groups-link');
    await page.fill('#group-name-input', 'Allotment group');
    await page.click('#create-group-button');
    await page.waitForSelector('#group-key-card', { state: 'visible' });
    const key = (await page.textContent('#group-key-value')).trim();
    assert.match(key, /^[0-9a-f]{32}$/);
    assert.ok(!page.url().includes(key), 'the key is never in the address');
    const groupCode = new URL(page.url()).searchParams.get('code');
    await page.click('#group-key-saved');
    await waitText(page, '#group-name', 'Allotment group');
    await waitText(page, '#agreement-h', 'version 0');
    await page.fill('#meeting-title', 'Spring');
    await page.click('#new-meeting-button');
    await page.waitForURL(/\/facilitator\?code=/);
    await page.waitForSelector('#join-form');
    assert.equal(await page.locator('#key').count(), 0, 'the facilitator key was kept: not asked for');
    await page.fill('#join-name', 'Fatima');
    await page.click('#join-form button[type=submit]');
    await waitLive(page);
    await page.goto(`${BASE}/group?code=${groupCode}`);
    await waitText(page, '#group-meetings', 'Spring');
    // Narrow phones and 200 % zoom: the group page does not scroll sideways.
    await page.setViewportSize({ width: 320, height: 700 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px');
    await expectAccessible(page, 'group page, a new group');
    await closeChecked(null, [org]);
  });
});
