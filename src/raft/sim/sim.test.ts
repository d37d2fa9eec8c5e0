/**
 * Seeded simulation runs. A failure prints SEED=<n>; replay just that run with
 * `SEED=<n> npx vitest run src/raft/sim` (add TRACE=1 to print every event, NODES=5 for 5 nodes).
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type SimStats } from './cluster.js';

const SEEDS_3 = Number(process.env.SIM_SEEDS_3 ?? 2000);
const SEEDS_5 = Number(process.env.SIM_SEEDS_5 ?? 1000);
const SEEDS_1 = Number(process.env.SIM_SEEDS_1 ?? 300);
const CHAOS_TICKS = 300;
const LIVENESS_TICKS = 300;

function runSeeds(nodes: number, from: number, count: number): SimStats[] {
  const out: SimStats[] = [];
  for (let seed = from; seed < from + count; seed++) {
    out.push(new Simulation({ seed, nodes, chaosTicks: CHAOS_TICKS, livenessTicks: LIVENESS_TICKS }).run());
  }
  return out;
}

function total(stats: readonly SimStats[]): Record<keyof SimStats, number> {
  const t = {} as Record<keyof SimStats, number>;
  for (const s of stats) for (const k of Object.keys(s) as (keyof SimStats)[]) t[k] = (t[k] ?? 0) + s[k];
  return t;
}

function assertFaultsInjected(t: Record<keyof SimStats, number>): void {
  expect(t.crashes).toBeGreaterThan(0);
  expect(t.midReadyCrashes).toBeGreaterThan(0);
  expect(t.restarts).toBeGreaterThan(0);
  expect(t.partitions).toBeGreaterThan(0);
  expect(t.dropped).toBeGreaterThan(0);
  expect(t.duplicated).toBeGreaterThan(0);
  expect(t.confChanges).toBeGreaterThan(0);
  expect(t.compactions).toBeGreaterThan(0);
  expect(t.snapshotsSent).toBeGreaterThan(0);
  expect(t.committed).toBeGreaterThan(0);
  expect(t.readsServed).toBeGreaterThan(0);
  expect(t.transfers).toBeGreaterThan(0);
  expect(t.slowWrites).toBeGreaterThan(0);
  expect(t.sentBeforePersist).toBeGreaterThan(0);
  expect(t.inFlightCrashes).toBeGreaterThan(0);
}

if (process.env.SEED !== undefined) {
  it(`replays SEED=${process.env.SEED}`, () => {
    const s = new Simulation({
      seed: Number(process.env.SEED),
      nodes: Number(process.env.NODES ?? 3),
      chaosTicks: CHAOS_TICKS,
      livenessTicks: LIVENESS_TICKS,
      trace: process.env.TRACE === '1',
    }).run();
    console.log(s);
  });
} else {
  describe('raft simulator', () => {
    for (const [nodes, seeds] of [[1, SEEDS_1], [3, SEEDS_3], [5, SEEDS_5]] as const) {
      it(`${nodes} nodes × ${seeds} seeds: safety after every step, liveness after healing`, () => {
        const stats = runSeeds(nodes, Number(process.env.SIM_FROM ?? 1), seeds);
        const t = total(stats);
        console.log(`sim ${nodes} nodes, ${seeds} seeds:`, JSON.stringify(t));
        if (nodes === 1) {
          // A single voter: crashes happen between persisting and advancing; nothing committed may be lost.
          expect(t.midReadyCrashes).toBeGreaterThan(0);
          expect(t.committed).toBeGreaterThan(0);
        } else {
          assertFaultsInjected(t);
        }
      }, 600_000);
    }
  });
}
