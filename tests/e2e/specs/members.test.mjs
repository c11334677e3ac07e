// Group members (issue 17, members), in Chromium: an organiser gives Rosa a member link on the
// group page; Rosa opens it (the key leaves the address at once), offers to take notes and to
// welcome people, and agrees to a participation record; a new meeting of the group shows her roles
// on her page and on the console; she joins from the join page (her browser sends its member keys)
// and speaks; the group's participation record (CSV) then has her row; she leaves the group from
// the member page and is gone from the organiser's list and from the record.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE, DESKTOP, PHONE, closeChecked, expectAccessible, joinAs, launch, openConsole, person, shot, until, waitText } from '../lib/browser.mjs';

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}


// The participation record reaches the group when the meeting reports to it: asked again until the
// row is there (or is gone), for at most 10 s.
async function csvUntil(group, what, test) {
  const deadline = Date.now() + 10000;
  let csv = '';
  while (Date.now() < deadline) {
    csv = await api('GET', `/api/groups/${group.code}?format=csv`, undefined, { 'X-Group-Key': group.group_key });
    if (test(csv)) return csv;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`${what}: not in the participation record within 10 s; it was:\n${csv}`);
}

describe('group members', () => {
  let browser, org, rosa, fac, group, link;
  const groupKey = () => ({ 'X-Group-Key': group.group_key });

  before(async () => {
    browser = await launch();
    org = await person(browser, DESKTOP, 'organiser');
    rosa = await person(browser, PHONE, 'rosa');
    fac = await person(browser, DESKTOP, 'facilitator');
    group = await api('POST', '/api/groups', { name: 'Lived experience panel' });
  });
  after(() => closeChecked(browser, [org, rosa, fac]));

  it('an organiser gives Rosa a member link; she chooses her offers and a record', async () => {
    const page = org.page;
    await page.goto(`${BASE}/join`);
    await page.evaluate(([c, k]) => localStorage.setItem(`everyvoice:group:${c}`, JSON.stringify(k)), [group.code, group.group_key]);
    await page.goto(`${BASE}/group?code=${group.code}`);
    await waitText(page, '#group-name', 'Lived experience panel');
    await waitText(page, '#group-members', 'No members yet');
    await page.fill('#member-name', 'Rosa Quintero');
    await page.click('#add-member-button');
    await page.waitForSelector('#member-link-card', { state: 'visible' });
    await waitText(page, '#member-link-h', "Rosa Quintero's member link");
    link = (await page.textContent('#member-link')).trim();
    assert.match(link, new RegExp(`^${BASE}/member#${group.code}\\.[0-9a-f]{32}$`));
    await page.click('#member-link-copy');
    await until(page, 'copied, or selected to copy', () => /Copied|selected/.test(document.querySelector('#member-link-status').textContent));
    await waitText(page, '#group-members', 'Rosa Quintero');
    await waitText(page, '#group-members', 'No participation record');
    await expectAccessible(page, 'group page with a member link');
    await shot(page, 'group-member-link');
    await page.click('#member-link-done');
    assert.equal(await page.textContent('#member-link'), '', 'the link leaves the page once given');

    // Rosa opens her link: the key is kept in her browser and leaves the address at once.
    const key = link.split('#')[1];
    await rosa.page.goto(link);
    await waitText(rosa.page, '#m0-h', 'Lived experience panel');
    await until(rosa.page, 'no key in the address', () => !location.href.includes('#'));
    assert.deepEqual(await rosa.page.evaluate(() => JSON.parse(localStorage.getItem('everyvoice:members'))), [key]);
    assert.equal(await rosa.page.inputValue('#m0-name'), 'Rosa Quintero');
    await rosa.page.check('#m0-form input[name=offers][value=notes]');
    await rosa.page.check('#m0-form input[name=offers][value=welcoming]');
    await rosa.page.check('#m0-form input[name=preference][value=write]');
    await rosa.page.check('#m0-form input[name=record]');
    await rosa.page.click('#m0-form button[type=submit]');
    await waitText(rosa.page, '#m0-saved', 'Saved');
    await waitText(rosa.page, '#m0-attendance', 'No meetings recorded yet');
    await expectAccessible(rosa.page, 'member page');
    // Narrow phones: the member page does not scroll sideways.
    await rosa.page.setViewportSize({ width: 320, height: 700 });
    assert.ok(await rosa.page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px');
    await expectAccessible(rosa.page, 'member page at 320 px');
    await shot(rosa.page, 'member-phone');
    await rosa.page.setViewportSize(PHONE.viewport);

    const record = await api('GET', `/api/groups/${group.code}`, undefined, groupKey());
    assert.deepEqual(record.members.map((m) => [m.name, m.preference, m.offers, m.record]), [['Rosa Quintero', 'write', ['notes', 'welcoming'], true]]);
    await page.reload();
    await waitText(page, '#group-members', 'Offers taking notes, welcoming newcomers');
    await waitText(page, '#group-members', 'Agreed to a participation record: 0 meetings recorded');
  });

  it('a meeting of the group shows her roles; she speaks and the record holds her time', async () => {
    const meeting = await api('POST', '/api/meetings', { title: 'Spring review', group: { code: group.code, group_key: group.group_key } });
    await openConsole(fac.page, meeting.code, meeting.facilitator_key);
    await waitText(fac.page, '#meeting-roles', 'Rosa Quintero takes notes');
    // From the join page, in her browser: it sends the member key she keeps.
    await joinAs(rosa.page, meeting.code, { name: 'Rosa' });
    await waitText(rosa.page, '#meeting-roles', 'Lived experience panel · Rosa Quintero takes notes · Rosa Quintero welcomes people');
    await expectAccessible(rosa.page, 'participant page with roles');
    await shot(rosa.page, 'participant-roles');

    await rosa.page.click('#raise');
    await fac.page.locator('#queue .entry .name', { hasText: 'Rosa' }).waitFor({ timeout: 10000 });
    await fac.page.click('#call-next');
    await waitText(rosa.page, '#my-turn', 'You have the floor');
    await fac.page.click('#end-turn');
    await waitText(rosa.page, '#floor [data-part=speaker]', 'Nobody has the floor');

    const csv = await csvUntil(group, 'Rosa Quintero', (text) => text.includes('"Rosa Quintero"'));
    const row = csv.split(/\r?\n/).find((l) => l.includes('"Rosa Quintero"'));
    assert.match(row, new RegExp(`^1,"Rosa Quintero",${meeting.code},"Spring review",\\d{4}-\\d{2}-\\d{2},\\d+,1$`), row);

    // The organiser sees the meeting's roles on the group page.
    await org.page.reload();
    await waitText(org.page, '#group-meetings', 'Rosa Quintero takes notes · Rosa Quintero welcomes people');
    await waitText(org.page, '#group-members', '1 meeting recorded');
    await shot(org.page, 'group-members');
    await rosa.page.goto(`${BASE}/member`);
    await waitText(rosa.page, '#m0-attendance', 'Spring review');
    await waitText(rosa.page, '#m0-roles', 'Taking notes: Spring review');
  });

  it('Rosa leaves the group: her data is erased and her link no longer works', async () => {
    const key = link.split('#')[1];
    await waitText(rosa.page, '#m0-h', 'Lived experience panel');
    // On a shared device she can forget her link there and stay a member; opening it again brings it back.
    await rosa.page.click('#m0-forget');
    await waitText(rosa.page, '#memberships', 'You are still a member');
    assert.equal(await rosa.page.evaluate(() => localStorage.getItem('everyvoice:members')), null, 'the key is forgotten here');
    await rosa.page.goto(link);
    await waitText(rosa.page, '#m0-h', 'Lived experience panel');
    rosa.page.once('dialog', (d) => d.accept());
    await rosa.page.click('#m0-leave');
    await waitText(rosa.page, '#memberships', 'You have left Lived experience panel');
    assert.equal(await rosa.page.evaluate(() => localStorage.getItem('everyvoice:members')), null, 'the key is forgotten');
    await expectAccessible(rosa.page, 'member page, left');

    await org.page.reload();
    await waitText(org.page, '#group-members', 'No members yet');
    assert.ok(!(await org.page.textContent('#group-members')).includes('Rosa'), 'gone from the members list');
    const csv = await api('GET', `/api/groups/${group.code}?format=csv`, undefined, groupKey());
    assert.ok(!csv.includes('Rosa'), 'gone from the participation record');

    // Her old link: the page says it is no longer valid, and keeps nothing.
    await rosa.page.goto(link);
    await waitText(rosa.page, '#m0-h', 'no longer valid');
    assert.equal(await rosa.page.evaluate(() => localStorage.getItem('everyvoice:members')), null);
    await rosa.page.goto(`${BASE}/member`);
    await rosa.page.waitForSelector('#no-key', { state: 'visible' });
    await expectAccessible(rosa.page, 'member page without a link');
    assert.ok(key.startsWith(`${group.code}.`));
  });
});
