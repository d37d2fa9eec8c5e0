/** Public surface of the Raft core. Hosts import from here. */
export * from './types.js';
export * from './errors.js';
export type { Config } from './config.js';
export { DEFAULTS as CONFIG_DEFAULTS } from './config.js';
export { MemoryStorage, EMPTY_SNAPSHOT, type Storage, type InitialState } from './storage.js';
export { RawNode, type Ready, type Status } from './rawnode.js';
export { encodeConfChange, decodeConfChange, confChange, LEAVE_JOINT } from './confchange_codec.js';
export { entrySize, limitSize, NO_LIMIT } from './entries.js';
export { mulberry32 } from './rand.js';
