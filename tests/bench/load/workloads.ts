/**
 * The POST workloads of a run, built and signed before anything is measured:
 * fresh chains (each request is seq 0 of a new chain) and long chains (each
 * connection appends to chains of its own, in seq order, after a prefix that
 * is written to the database before the server starts).
 *
 * @module
 */

import { type BuiltEvent, ChainWriter, checkEvents } from "./events.ts";
import { type PostRequest, postRequest } from "./post_load.ts";
import type { Signer } from "./signers.ts";

/** Requests split over connections, with a sample of their events for checking. */
export interface Workload {
  /** One list per connection. */
  readonly lanes: readonly (readonly PostRequest[])[];
  /** How many requests in all. */
  readonly count: number;
  /** Events to insert into the database before the server starts (long chains' prefixes). */
  readonly prefix: readonly BuiltEvent[];
}

/**
 * Fresh chains: `count` new primaries, one seq-0 event each, dealt round-robin
 * to `connections` lanes (order does not matter between chains).
 *
 * @param newSigner makes the signer of a new primary
 * @param count how many events
 * @param connections how many lanes
 * @returns the workload
 */
export function freshChains(
  newSigner: () => Signer,
  count: number,
  connections: number,
): Workload {
  const lanes: PostRequest[][] = Array.from({ length: connections }, () => []);
  const sample: BuiltEvent[] = [];
  for (let i = 0; i < count; i++) {
    const writer = new ChainWriter(newSigner());
    const ev = writer.next();
    lanes[i % connections]!.push(postRequest(writer.path, ev.line, ev.seq, ev.hash));
    if (i % 1000 === 0) sample.push(ev);
  }
  checkEvents(sample, []);
  return { lanes, count, prefix: [] };
}

/**
 * Long chains: `chains` primaries with `prefix` events each already stored,
 * then `append` more each to POST. Chain c belongs to lane c % connections,
 * which sends its chains' events round by round, so each chain's events go
 * in seq order on one connection and concurrent requests never conflict.
 *
 * @param newSigner makes the signer of a new primary
 * @param chains how many chains (a multiple of `connections` keeps lanes even)
 * @param prefix events per chain stored before the run
 * @param append events per chain to POST
 * @param connections how many lanes
 * @returns the workload
 */
export function longChains(
  newSigner: () => Signer,
  chains: number,
  prefix: number,
  append: number,
  connections: number,
): Workload {
  const writers = Array.from({ length: chains }, () => new ChainWriter(newSigner()));
  const stored: BuiltEvent[] = [];
  const first: BuiltEvent[] = [];
  for (let seq = 0; seq < prefix; seq++) {
    for (const [c, w] of writers.entries()) {
      const ev = w.next();
      stored.push(ev);
      if (c === 0) first.push(ev);
    }
  }
  const lanes: PostRequest[][] = Array.from({ length: connections }, () => []);
  const sample: BuiltEvent[] = [];
  for (let k = 0; k < append; k++) {
    for (const [c, w] of writers.entries()) {
      const ev = w.next();
      lanes[c % connections]!.push(postRequest(w.path, ev.line, ev.seq, ev.hash));
      if (c === 0) first.push(ev);
      if ((k * chains + c) % 1000 === 0) sample.push(ev);
    }
  }
  checkEvents(sample, first.slice(0, prefix + Math.min(append, 20)));
  return { lanes, count: chains * append, prefix: stored };
}
