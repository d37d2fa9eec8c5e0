/**
 * Where the front end gets the zone view it answers from. Readers take `current()` once
 * per query (a snapshot); the anchor builds the next view and swaps it in, and listeners
 * (the response cache) learn of the swap. No query ever sees half an update.
 */
import type { ZoneSetView } from '../zone/types.js';

export interface ViewSource {
  /** The view to answer the next query from. */
  current(): ZoneSetView;
  /** Calls `listener` after every swap (and every `invalidate`). */
  onSwap(listener: () => void): void;
}

/**
 * A ViewSource holding one view at a time, swapped by `swap`. An owner that defers
 * building its next view (the anchor builds it after a write's reply has left) says so
 * with `invalidate`, and the next read builds it first: no reader sees the old view
 * after that call.
 * @example
 * const source = new SwappableViewSource(await loadZoneDirectory('zones'));
 * source.swap(nextView); // listeners run, the response cache is cleared
 * source.invalidate(() => source.swap(build())); // build() runs at the next current()
 */
export class SwappableViewSource implements ViewSource {
  #view: ZoneSetView;
  readonly #listeners: Array<() => void> = [];
  /** Brings the view up to date (through `swap`), run before the next read. */
  #refresh: (() => void) | null = null;

  constructor(view: ZoneSetView) {
    this.#view = view;
  }

  current(): ZoneSetView {
    const refresh = this.#refresh;
    if (refresh !== null) {
      this.#refresh = null;
      refresh();
    }
    return this.#view;
  }

  /**
   * The view is out of date. Listeners run now, so the response cache forgets answers
   * from the old view at once, and `refresh` runs before the next `current()`. It may
   * run after its owner has already brought the view up to date, so it must be a no-op
   * then. One owner: a second call replaces the first one's `refresh`.
   */
  invalidate(refresh: () => void): void {
    this.#refresh = refresh;
    for (const listener of this.#listeners) listener();
  }

  onSwap(listener: () => void): void {
    this.#listeners.push(listener);
  }

  swap(view: ZoneSetView): void {
    this.#view = view;
    for (const listener of this.#listeners) listener();
  }
}

/** A view with no zones: every query is REFUSED. */
export const EMPTY_VIEW: ZoneSetView = { findZone: () => undefined };
