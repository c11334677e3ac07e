// Broadcast peer on Bun (uWebSockets): every connection subscribes to one topic; a message received
// is published to it with server.publish (encoded once by uWS, sent to every subscriber, the sender
// included). Compression off. A new connection gets {"type":"welcome","seq":0}.
// Run with the npm package's binary: node_modules/.bin/bun bun-server.js --port=0 --port-file=F
const fs = require('fs');

let port = 0;
let portFile = '';
for (const a of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/.exec(a);
  if (!m) throw new Error(`bad argument ${a}`);
  if (m[1] === 'port') port = Number(m[2]);
  else if (m[1] === 'port-file') portFile = m[2];
  else throw new Error(`unknown flag --${m[1]}`);
}

const welcome = '{"type":"welcome","seq":0}';
const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  fetch(req, srv) {
    if (srv.upgrade(req)) return undefined;
    return new Response('WebSocket only', { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    maxPayloadLength: 64 * 1024,
    open(ws) {
      ws.subscribe('all');
      ws.send(welcome);
    },
    message(ws, message) {
      server.publish('all', message);
    },
  },
});

if (portFile) {
  fs.writeFileSync(`${portFile}.tmp`, `${server.port}\n`);
  fs.renameSync(`${portFile}.tmp`, portFile);
}
console.error(`bun: listening on 127.0.0.1:${server.port}`);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
