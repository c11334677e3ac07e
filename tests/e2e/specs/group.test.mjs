// A group's space across meetings (issue 17), in Chromium: a group is created, a meeting of the
// group is opened on the console with its facilitator key, a participant writes an anonymous point,
// the facilitator carries it forward to the group; the group's organisers set its status (HTTP, as
// the group page will); the point's author, back on the join page of the same browser, sees what
// became of it, across a second meeting of the group.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, closeChecked, expectAccessible, joinAs, launch, openTab, person, until, waitLive, waitText } from '../lib/browser.mjs';

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

// The console of a meeting created through the API: the key is put where the start page puts it.
async function openConsole(page, code, key) {
  await page.goto(`${BASE}/join`);
  await page.evaluate(([c, k]) => localStorage.setItem(`everyvoice:${c}:key`, JSON.stringify(k)), [code, key]);
  await page.goto(`${BASE}/facilitator?code=${code}`);
  await page.waitForSelector('#join-form');
  await page.fill('#join-name', 'Fatima');
  await page.click('#join-form button[type=submit]');
  await waitLive(page);
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
    await api('POST', `/api/groups/${group.code}/ideas/1`, { status: 'working', reason: 'We asked the council' }, { 'X-Group-Key': group.group_key });
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
});
