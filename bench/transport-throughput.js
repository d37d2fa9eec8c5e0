// Throughput of the anchor-to-anchor transport (src/transport) over loopback TCP:
//   npm run build && node bench/transport-throughput.js
// Sends 200k heartbeat-sized messages of 16 groups from one anchor to another, 1000 per
// event-loop turn, and reports messages/s and messages per socket write (batching).
import { createTcpTransport } from '../dist/transport/index.js';
import { makeMessage, MessageType } from '../dist/raft/index.js';

const a = createTcpTransport({ id: 'a', listen: '127.0.0.1:0', maxQueue: 1 << 20 });
const b = createTcpTransport({ id: 'b', listen: '127.0.0.1:0' });
try {
  await a.start();
  await b.start();
  a.addPeer('b', b.address);
  const total = 200_000;
  let got = 0;
  const done = new Promise((resolve) => b.onMessage(() => ++got === total && resolve()));
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1000) {
    for (let j = 0; j < 1000; j++) a.send(`g${j % 16}`, [makeMessage({ type: MessageType.MsgHeartbeat, from: 'a', to: 'b', term: 3, commit: i + j })]);
    await new Promise((r) => setImmediate(r));
  }
  await done;
  const s = (performance.now() - t0) / 1000;
  console.log(`${Math.round(total / s)} messages/s, ${(a.stats.messagesSent / a.stats.writes).toFixed(0)} messages per write`);
} finally {
  await a.close();
  await b.close();
}
