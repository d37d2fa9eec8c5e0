/**
 * Scripted interaction tests: every testdata/*.txt is a golden transcript. Regenerate with
 * `REWRITE=1 npx vitest run src/raft/interaction`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScript, renderScript } from './interaction/datadriven.js';
import { InteractionEnv } from './interaction/env.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

describe('interaction', () => {
  for (const f of files) {
    it(f, () => {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      const env = new InteractionEnv();
      const outputs = parseScript(text).map((b) => ({ b, got: env.run(b.command) }));
      if (process.env.REWRITE) {
        writeFileSync(path, renderScript(text, outputs.map((o) => o.got)));
        return;
      }
      for (const { b, got } of outputs) expect(got, `${f}:${b.line} ${b.command}`).toBe(b.expected);
    });
  }
});
