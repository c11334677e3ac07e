// "You said, we did" across two meetings and a restart, in Chromium (issue 17): an anonymous point
// is carried forward to the group; the server restarts (SIGTERM, same data); its author, in the
// same browser, still sees where it stands on the join page; a second meeting of the group opens;
// the idea is done, and the author sees the whole story. This spec runs its own server
// (lib/server.mjs), so that stopping it does not disturb the other specs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, closeChecked, joinAs, launch, openConsole, openTab, person, waitText } from '../lib/browser.mjs';
import { TestServer, canRunServer } from '../lib/server.mjs';

describe('an idea followed across two meetings and a restart', { skip: canRunServer ? false : 'needs EVERYVOICE_SERVER and EVERYVOICE_STATIC_DIR (run.sh sets them)' }, () => {
  let server, browser, fac, ana, group;

  const api = async (method, path, body, headers = {}) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const meeting = (title) => api('POST', '/api/meetings', { title, group: { code: group.code, group_key: group.group_key } });
  const setStatus = (status, reason) =>
    api('POST', `/api/groups/${group.code}/ideas/1`, { status, reason }, { 'X-Group-Key': group.group_key });

  before(async () => {
    server = await new TestServer().start();
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    ana = await person(browser, PHONE, 'ana');
    group = await api('POST', '/api/groups', { name: 'Allotment group' });
  });
  after(async () => {
    await closeChecked(browser, [fac, ana]);
    await server?.remove();
  });

  it('an anonymous point is carried forward in the first meeting', async () => {
    const first = await meeting('May meeting');
    await openConsole(fac.page, first.code, first.facilitator_key, server.url);
    await joinAs(ana.page, first.code, { name: 'Ana', base: server.url });
    await ana.page.fill('#point-text', 'A water butt by the shed');
    await ana.page.check('#point-anon');
    await ana.page.click('#point-form button[type=submit]');
    await openTab(fac.page, 'points');
    const point = fac.page.locator('#fpoint-list li.point', { hasText: 'A water butt by the shed' });
    await point.waitFor({ timeout: 10000 });
    await point.locator('button[data-action=carry]').click();
    await ana.page.locator('#point-list li.point .tag', { hasText: 'Carried forward to the group' }).waitFor({ timeout: 10000 });
    await setStatus('working', 'We asked the landlord');
  });

  it('after a restart, its author still sees where it stands', async () => {
    assert.equal(await server.stop('SIGTERM'), 0, 'a clean stop');
    await server.start();
    await ana.page.goto(`${server.url}/join`);
    await ana.page.waitForSelector('#my-ideas', { state: 'visible' });
    await waitText(ana.page, '#my-ideas-list', 'Being worked on');
    await waitText(ana.page, '#my-ideas-list', 'We asked the landlord');
    await waitText(ana.page, '#my-ideas-list', 'In Allotment group, from May meeting');
  });

  it('in the second meeting the idea is done, and its author sees it', async () => {
    const second = await meeting('June meeting');
    await setStatus('done', 'The water butt is in');
    await ana.page.goto(`${server.url}/join?code=${second.code}`);
    await waitText(ana.page, '#my-ideas-list', 'Done');
    await waitText(ana.page, '#my-ideas-list', 'The water butt is in');
    const record = await api('GET', `/api/groups/${group.code}`, undefined, { 'X-Group-Key': group.group_key });
    assert.equal(record.meetings.length, 2);
    assert.deepEqual(record.ideas[0].history.map((h) => h.status), ['open', 'working', 'done']);
    assert.ok(!JSON.stringify(record).includes('Ana'), 'the group record names nobody');
  });
});
