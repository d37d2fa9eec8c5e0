/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, the top N,
 * so a report can say where the time goes without opening DevTools.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {string} dir where --cpu-prof-dir wrote the profile (the newest file is read)
 * @param {number} top
 * @returns {{ file: string, totalMs: number, busyMs: number, top: { fn: string, where: string, selfMs: number, pctOfBusy: number }[] } | undefined}
 */
export function summariseProfile(dir, top = 15) {
  let files;
  try { files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort(); } catch { return undefined; }
  const last = files.at(-1);
  if (!last) return undefined;
  const prof = JSON.parse(readFileSync(path.join(dir, last), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const agg = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    const key = `${cf.functionName || '(anonymous)'}\t${path.basename(cf.url || '')}:${cf.lineNumber + 1}`;
    agg.set(key, (agg.get(key) ?? 0) + us);
    total += us;
  }
  // Percentages are of busy time: (idle) is the event loop waiting for packets.
  const idle = [...agg.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, us]) => s + us, 0);
  const busy = total - idle;
  const rows = [...agg.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => {
    const [fn, where] = k.split('\t');
    return { fn, where, selfMs: us / 1000, pctOfBusy: (100 * us) / busy };
  });
  return { file: path.join(dir, last), totalMs: total / 1000, busyMs: busy / 1000, top: rows };
}
