/**
 * How many strings equal to `value` the heap holds, from a V8 heap snapshot: the identity
 * of strings is not observable in JavaScript, so a test that says copies are shared counts
 * them this way. Slow (a whole snapshot): for tests only.
 */
import v8 from 'node:v8';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[] } };
  nodes: number[];
  strings: string[];
}

export async function countHeapStrings(value: string): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(Buffer.from(chunk as Buffer));
  const snapshot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const nameAt = fields.indexOf('name');
  let copies = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (snapshot.strings[snapshot.nodes[i + nameAt]!] === value) copies++;
  }
  return copies;
}
