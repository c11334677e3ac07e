// The start and join pages join, keep the token and close; the next page resumes. They ask for no
// snapshot (protocol 1.2, PROTOCOL.md 3.3): in a big meeting it would be the whole meeting for a
// facilitator, sent to a connection that is closing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, closeChecked, createMeeting, joinAs, launch, person } from '../lib/browser.mjs';

// The messages each WebSocket of the page received, by type, in the order the sockets opened.
function recordSockets(page) {
  const sockets = [];
  page.on('websocket', (ws) => {
    const received = [];
    sockets.push(received);
    ws.on('framereceived', (f) => {
      try { received.push(JSON.parse(String(f.payload)).type); } catch { received.push('?'); }
    });
  });
  return sockets;
}

describe('the join and start pages', () => {
  let browser, fac, ada;

  before(async () => {
    browser = await launch();
    fac = await person(browser, DESKTOP, 'facilitator');
    ada = await person(browser, PHONE, 'Ada');
  });
  after(async () => closeChecked(browser, [fac, ada]));

  it('get the welcome alone, and the next page its snapshot', async () => {
    const facSockets = recordSockets(fac.page);
    const code = await createMeeting(fac.page, { title: 'Tenants forum', name: 'Fatima' });
    const adaSockets = recordSockets(ada.page);
    await joinAs(ada.page, code, { name: 'Ada' });
    for (const [who, sockets] of [['the facilitator', facSockets], ['Ada', adaSockets]]) {
      assert.ok(sockets.length >= 2, `${who}: a socket to join and one to resume (${JSON.stringify(sockets)})`);
      assert.deepEqual(sockets[0].filter((t) => t !== 'figures'), ['welcome'], `${who}: the join page's socket got no snapshot`);
      assert.deepEqual(sockets[1].slice(0, 2), ['welcome', 'snapshot'], `${who}: the next page resumed and got the meeting`);
    }
  });
});
