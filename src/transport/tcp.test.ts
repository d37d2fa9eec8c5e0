import { createTcpTransport, TcpNetwork } from './index.js';
import { describeTransportConformance } from './transport.case.js';

describeTransportConformance('tcp', () => {
  const net = new TcpNetwork();
  return { anyAddress: '127.0.0.1:0', make: (o) => createTcpTransport(o), dial: (a) => net.dial(a) };
});
