// Broadcast peer on Node `ws`: every message received is relayed to every open connection, as the
// same Buffer (encoded once: no per-client JSON), text frames, permessage-deflate off.
// A new connection gets {"type":"welcome","seq":0} so the load generator knows it is subscribed.
'use strict';
const { WebSocketServer, WebSocket } = require('ws');
const { options, announce } = require('./common');

const opt = options();
const welcome = Buffer.from('{"type":"welcome","seq":0}');
const wss = new WebSocketServer({ host: '127.0.0.1', port: opt.port, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws) => {
  ws.send(welcome, { binary: false });
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
  });
  ws.on('error', () => {});
});
wss.on('listening', () => announce(opt.portFile, wss.address().port, 'ws'));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
