/**
 * The scale database: a copy of a seeded file (the original stays untouched
 * for the next run), with the long chains' prefixes added, and the chains the
 * GET figures read picked from it.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { insertEvents } from "./db.ts";
import type { BuiltEvent } from "./events.ts";
import { GET_CHAIN_EVENTS } from "./get_phase.ts";

/** The prepared copy. */
export interface ScaleCopy {
  /** The copy's path. */
  readonly path: string;
  /** Events in the seeded file. */
  readonly events: number;
  /** Distinct chains in the seeded file. */
  readonly chains: number;
  /** The seeded file's bytes (with its WAL, if any) per event. */
  readonly bytesPerEvent: number;
  /** Paths of chains of 10 events spread over the file, for the GET figures. */
  readonly getPaths: string[];
}

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Copies the seeded database and prepares the copy.
 *
 * @param source the seeded file
 * @param target where to copy it
 * @param prefix events to add (the long chains' prefixes)
 * @param getChains how many chains to pick for the GET figures
 * @returns the copy and the seeded file's figures
 * @throws {Error} when the file holds too few chains of 10 events
 */
export async function prepareScaleCopy(
  source: string,
  target: string,
  prefix: Iterable<BuiltEvent>,
  getChains: number,
): Promise<ScaleCopy> {
  await Deno.copyFile(source, target);
  if (sizeOf(`${source}-wal`) > 0) await Deno.copyFile(`${source}-wal`, `${target}-wal`);
  const bytes = sizeOf(source) + sizeOf(`${source}-wal`);
  const db = new DatabaseSync(target);
  try {
    const { events } = db.prepare("SELECT count(*) AS events FROM sigchain_events").get() as {
      events: number;
    };
    const { chains } = db.prepare(
      "SELECT count(*) AS chains FROM sigchain_events WHERE seq = 0",
    ).get() as { chains: number };
    // Chains spread over the key space (so over the file too), through the primary key.
    const next = db.prepare(
      `SELECT primary_id AS id FROM sigchain_events
       WHERE primary_scheme = 'ed25519' AND primary_id > ? ORDER BY primary_id LIMIT 1`,
    );
    const length = db.prepare(
      `SELECT count(*) AS n FROM sigchain_events
       WHERE primary_scheme = 'ed25519' AND primary_id = ?`,
    );
    const getPaths: string[] = [];
    for (let i = 0; i < getChains; i++) {
      let after = Math.floor((i * 256) / getChains).toString(16).padStart(2, "0");
      for (let tries = 0; tries < 100; tries++) {
        const row = next.get(after) as { id: string } | undefined;
        if (row === undefined) break;
        after = row.id;
        if ((length.get(row.id) as { n: number }).n === GET_CHAIN_EVENTS) {
          getPaths.push(`/v1/sigchains/ed25519/${row.id}`);
          break;
        }
      }
    }
    if (new Set(getPaths).size < getChains) {
      throw new Error(`${source} has too few chains of ${GET_CHAIN_EVENTS} events`);
    }
    insertEvents(db, prefix);
    return { path: target, events, chains, bytesPerEvent: bytes / events, getPaths };
  } finally {
    db.close();
  }
}
