/**
 * Where the front end gets the zone view it answers from. Readers take `current()` once
 * per query (a snapshot); the anchor builds the next view and swaps it in, and listeners
 * (the response cache) learn of the swap. No query ever sees half an update.
 */
import type { ZoneSetView } from '../zone/types.js';

export interface ViewSource {
  /** The view to answer the next query from. */
  current(): ZoneSetView;
  /** Calls `listener` after every swap. */
  onSwap(listener: () => void): void;
}

/**
 * A ViewSource holding one view at a time, swapped by `swap`.
 * @example
 * const source = new SwappableViewSource(await loadZoneDirectory('zones'));
 * source.swap(nextView); // listeners run, the response cache is cleared
 */
export class SwappableViewSource implements ViewSource {
  #view: ZoneSetView;
  readonly #listeners: Array<() => void> = [];

  constructor(view: ZoneSetView) {
    this.#view = view;
  }

  current(): ZoneSetView {
    return this.#view;
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
