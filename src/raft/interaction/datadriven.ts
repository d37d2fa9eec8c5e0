/**
 * A small golden-file format for scripted tests (after cockroachdb/datadriven, which
 * etcd-io/raft's interaction tests use): each block is a command line, a `----` line, and the
 * expected output up to the next blank line. Output never contains blank lines.
 */
export interface Block {
  readonly command: string;
  readonly expected: string;
  readonly line: number;
}

export function parseScript(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after command "${l}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]);
    blocks.push({ command: l, expected: out.join('\n'), line: start });
  }
  return blocks;
}

/** Re-renders a script with new outputs, keeping comment lines where they were. */
export function renderScript(text: string, outputs: readonly string[]): string {
  const lines = text.split('\n');
  const res: string[] = [];
  let i = 0;
  let b = 0;
  while (i < lines.length) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) {
      res.push(lines[i++]);
      continue;
    }
    res.push(l, '----', outputs[b++]);
    i += 2;
    while (i < lines.length && lines[i] !== '') i++;
  }
  return res.join('\n');
}

/** Splits `cmd a b k=v k2=(1,2)` into positional args and key/values. */
export function parseCommand(line: string): { cmd: string; args: string[]; kv: Map<string, string> } {
  const [cmd, ...toks] = line.split(/\s+/);
  const args: string[] = [];
  const kv = new Map<string, string>();
  for (const t of toks) {
    const eq = t.indexOf('=');
    if (eq > 0) kv.set(t.slice(0, eq), t.slice(eq + 1));
    else args.push(t);
  }
  return { cmd, args, kv };
}

/** `(1,2,3)` → ["1","2","3"]. */
export function parseList(v: string | undefined): string[] {
  if (!v) return [];
  return v.replace(/[()]/g, '').split(',').filter((s) => s !== '');
}
