/**
 * Counts in a V8 heap snapshot: the identity of strings and the number of objects of a
 * kind are not observable in JavaScript, so a test that says copies are shared, or that
 * records hold no object of their own, counts them this way. Slow (a whole snapshot): for
 * tests only.
 */
import v8 from 'node:v8';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

async function takeSnapshot(): Promise<HeapSnapshot> {
  const chunks: Buffer[] = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(Buffer.from(chunk as Buffer));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as HeapSnapshot;
}

/** How many heap nodes of snapshot type `type` ('string', 'object', …) are named `name`. */
async function countNodes(type: string, name: string): Promise<number> {
  const snapshot = await takeSnapshot();
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  let count = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (typeNames[snapshot.nodes[i + typeAt]!] === type && snapshot.strings[snapshot.nodes[i + nameAt]!] === name) count++;
  }
  return count;
}

/** How many strings equal to `value` the heap holds. */
export function countHeapStrings(value: string): Promise<number> {
  return countNodes('string', value);
}

/** How many objects the heap holds whose constructor is `name` (`Uint8Array`, a class name). */
export function countHeapObjects(name: string): Promise<number> {
  return countNodes('object', name);
}
