import { createMemoryTransport, MemoryNetwork } from './index.js';
import { describeTransportConformance } from './transport.case.js';

describeTransportConformance('in-process', () => {
  const net = new MemoryNetwork();
  return { anyAddress: 'mem:0', make: (o) => createMemoryTransport(net, o), dial: (a) => net.dial(a) };
});
