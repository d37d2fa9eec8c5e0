/**
 * Runs `dig` (BIND) or `kdig` (Knot) against a test server and parses what they print,
 * so black-box tests check the wire through independent implementations.
 */
import { execFile } from 'node:child_process';

export type DigTool = 'dig' | 'kdig';

export interface DigRecord {
  name: string;
  ttl: number;
  type: string;
  data: string;
}

export interface DigResult {
  status: string;
  opcode: string;
  flags: string[];
  /** The question name as printed (case kept). */
  question: string;
  hasEdns: boolean;
  ednsText: string;
  answer: DigRecord[];
  authority: DigRecord[];
  additional: DigRecord[];
  raw: string;
}

/** Runs `tool @server -p port args…` with one try and a short timeout. */
export function dig(tool: DigTool, server: string, port: number, args: string[]): Promise<DigResult> {
  const common = tool === 'dig' ? ['+tries=1', '+time=3'] : ['+retry=0', '+time=3'];
  return new Promise((resolve, reject) => {
    execFile(tool, [`@${server}`, '-p', String(port), ...common, ...args], { timeout: 15_000 }, (err, stdout) => {
      const parsed = parseDig(stdout);
      if (parsed === null) reject(new Error(`${tool} ${args.join(' ')}: no answer\n${stdout}${err ? String(err) : ''}`));
      else resolve(parsed);
    });
  });
}

/** Runs the tool and returns what it printed, whatever it was. */
export function digRaw(tool: DigTool, server: string, port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(tool, [`@${server}`, '-p', String(port), ...args], { timeout: 15_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
  });
}

export function parseDig(out: string): DigResult | null {
  const header = /->>HEADER<<- opcode: (\w+)[,;] status: (\w+)/.exec(out);
  if (header === null) return null;
  const flags = /;; flags: ([a-z ]*);/i.exec(out);
  const question = /;; QUESTION SECTION:\n;;? ?(\S+)/.exec(out);
  const edns = /(?:; EDNS: |;; Version: )(.*)/.exec(out);
  return {
    opcode: header[1],
    status: header[2],
    flags: (flags?.[1] ?? '').trim().split(/\s+/).filter(Boolean),
    question: question?.[1] ?? '',
    hasEdns: edns !== null,
    ednsText: edns?.[1] ?? '',
    answer: section(out, 'ANSWER'),
    authority: section(out, 'AUTHORITY'),
    additional: section(out, 'ADDITIONAL'),
    raw: out,
  };
}

function section(out: string, name: string): DigRecord[] {
  const start = out.indexOf(`;; ${name} SECTION:\n`);
  if (start < 0) return [];
  const records: DigRecord[] = [];
  for (const line of out.slice(start).split('\n').slice(1)) {
    if (line.trim() === '') break;
    if (line.startsWith(';')) continue;
    const [rname, ttl, , type, ...data] = line.split(/\s+/);
    records.push({ name: rname, ttl: Number(ttl), type, data: data.join(' ') });
  }
  return records;
}
