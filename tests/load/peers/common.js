// Shared by the Node peers: --port=N (0: any free port), --port-file=F (the bound port is written
// there once listening). Loopback only, like everything under tests/load.
'use strict';
const fs = require('fs');

function options() {
  const o = { port: 0, portFile: '' };
  for (const a of process.argv.slice(2)) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    if (m[1] === 'port') o.port = Number(m[2]);
    else if (m[1] === 'port-file') o.portFile = m[2];
    else throw new Error(`unknown flag --${m[1]}`);
  }
  return o;
}

function announce(portFile, port, name) {
  if (portFile) {
    fs.writeFileSync(`${portFile}.tmp`, `${port}\n`);
    fs.renameSync(`${portFile}.tmp`, portFile);
  }
  console.error(`${name}: listening on 127.0.0.1:${port}`);
}

module.exports = { options, announce };
