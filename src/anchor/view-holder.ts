/**
 * Holds the zone view the DNS front end answers from. Readers take `current()` once per
 * query; a writer (zone reload now, Raft apply later) builds the next view and `swap`s it
 * in, so no query ever sees half an update (the CoreDNS snapshot()/setData() pattern).
 */
import type { ZoneSetView } from '../zone/types.js';

export class ZoneViewHolder {
  #view: ZoneSetView;
  #listeners: Array<() => void> = [];

  constructor(initial: ZoneSetView) {
    this.#view = initial;
  }

  current(): ZoneSetView {
    return this.#view;
  }

  /** Installs `next` and tells listeners (the response cache clears itself). */
  swap(next: ZoneSetView): void {
    this.#view = next;
    for (const listener of this.#listeners) listener();
  }

  onSwap(listener: () => void): void {
    this.#listeners.push(listener);
  }
}
