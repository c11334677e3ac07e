// Broadcast peer on Socket.IO: every "m" event is re-emitted to every connection with io.emit, which
// encodes the packet once for all of them. WebSocket transport only (no long-polling), compression
// off. The load generator speaks Engine.IO v4 / Socket.IO v5 on a raw WebSocket.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { options, announce } = require('./common');

const opt = options();
const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});
io.on('connection', (socket) => {
  socket.on('m', (data) => io.emit('m', data));
});
server.listen(opt.port, '127.0.0.1', () => announce(opt.portFile, server.address().port, 'socket.io'));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
