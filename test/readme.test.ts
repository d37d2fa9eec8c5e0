/**
 * Every `dig` example in README.md runs against a real `anchordns serve` on the embedded
 * default zones (on a free port instead of 1053), and answers what the README says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from './helpers/dig.js';
import { REPO, startAnchor, type AnchorProcess } from './support/anchor-process.js';
import { TempDirs } from './support/temp-dirs.js';

let readme: string;
let anchor: AnchorProcess;
const temp = new TempDirs();

beforeAll(async () => {
  readme = await readFile(join(REPO, 'README.md'), 'utf8');
  anchor = await startAnchor({ args: ['--dns', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', await temp.make('anchordns-readme-')] });
});
afterAll(async () => {
  await anchor?.stop();
  await temp.removeAll();
});

/** `dig @127.0.0.1 -p 1053 NAME TYPE +flags` lines, and the sentence right after each. */
function examples(): Array<{ args: string[]; expectation: string }> {
  const found: Array<{ args: string[]; expectation: string }> = [];
  const re = /^ {4}dig @127\.0\.0\.1 -p 1053 (.+)$\n\n([^\n]+)/gm;
  for (let m = re.exec(readme); m; m = re.exec(readme)) found.push({ args: m[1]!.trim().split(/\s+/), expectation: m[2]! });
  return found;
}

describe('README examples', () => {
  it('has the set-up commands the project promises', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^ {4}npm test\b/m);
    expect(examples().length).toBeGreaterThanOrEqual(2);
  });

  it('answers each dig example as the README says', async () => {
    for (const { args, expectation } of examples()) {
      const result = await dig('dig', '127.0.0.1', anchor.dnsPort, args);
      const promised = /answers `([^`]+)`/.exec(expectation)?.[1];
      expect(promised, `README sentence after "dig ${args.join(' ')}" names no answer`).toBeDefined();
      expect(result.answer.map((r) => r.data)).toContain(promised);
      if (expectation.includes('`aa` flag')) expect(result.flags).toContain('aa');
    }
  });
});
