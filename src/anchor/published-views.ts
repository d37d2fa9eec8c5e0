/**
 * The DNS front end's view of an anchor's hosted segments: one ZoneSet of every group's
 * zone view, swapped in whenever a group builds a new one.
 *
 * A group builds its view after the pass that applied a write, not inside it, so the
 * write's HTTP reply leaves first (SegmentGroup #markViewStale). Until then the source
 * holds `refreshAll` and runs it before its next read: the response cache is cleared at
 * once, and a query sent after a write's 200 is answered from a view that has the write.
 */
import { SwappableViewSource } from '../dns/view-source.js';
import { ZoneSet } from '../zone/zone-set.js';
import type { SegmentGroup } from './segment-group.js';

export class PublishedViews {
  readonly source = new SwappableViewSource(ZoneSet.of([]));
  readonly #groups: () => Iterable<SegmentGroup>;

  /** `groups` lists the hosted groups at the time of each call. */
  constructor(groups: () => Iterable<SegmentGroup>) {
    this.#groups = groups;
  }

  /** Swaps in every group's current view (SegmentGroupOptions.onView). */
  readonly publish = (): void => {
    this.source.swap(ZoneSet.of([...this.#groups()].map((group) => group.view)));
  };

  /** A group applied writes its view does not show yet (SegmentGroupOptions.onViewStale). */
  readonly stale = (): void => {
    this.source.invalidate(this.#refreshAll);
  };

  readonly #refreshAll = (): void => {
    for (const group of this.#groups()) group.refreshView();
  };
}
