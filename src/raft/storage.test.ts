/** MemoryStorage against the shared Storage conformance suite. */
import { describeStorageConformance } from './storage.case.js';
import { MemoryStorage } from './storage.js';

describeStorageConformance('MemoryStorage', { create: () => new MemoryStorage() });
