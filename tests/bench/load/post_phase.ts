/**
 * The POST figures: each workload posted to the real server by the POST
 * generator, the generator's own ceiling against the bare server, and the
 * least work any server must do for the same POSTs.
 *
 * @module
 */

import { type PostLoadResult, runPostLoad } from "./post_load.ts";
import { type Server, startBareServer, startLeastWorkServer } from "./servers.ts";
import type { Workload } from "./workloads.ts";

/** The workloads of a run. */
export interface Workloads {
  /** Ed25519, each request seq 0 of a new chain. */
  readonly edFresh: Workload;
  /** Ed25519, appending to chains that hold a prefix already. */
  readonly edLong: Workload;
  /** nostr (BIP-340), each request seq 0 of a new chain. */
  readonly nostrFresh: Workload;
}

/** The POST figures of one server. */
export interface PostFigures {
  /** Ed25519 fresh chains. */
  readonly edFresh: PostLoadResult;
  /** Ed25519 long chains. */
  readonly edLong: PostLoadResult;
  /** nostr fresh chains. */
  readonly nostrFresh: PostLoadResult;
}

/**
 * Posts one workload to one or more real servers, its connections split
 * between them in turn.
 *
 * @param servers the real servers (on one database when more than one)
 * @param workload what to post
 * @param seconds the cap on the run
 * @returns the figures
 */
export async function postTo(
  servers: readonly Server[],
  workload: Workload,
  seconds: number,
): Promise<PostLoadResult> {
  return await runPostLoad({
    ports: servers.map((s) => s.port),
    lanes: workload.lanes,
    seconds,
    check: "event",
    serverPids: servers.map((s) => s.child.pid),
  });
}

/**
 * Posts each workload to the real server, one after the other.
 *
 * @param server the real server (its database holds the long chains' prefixes)
 * @param workloads what to post
 * @param seconds the cap on each run
 * @returns the figures
 */
export async function measureServerPosts(
  server: Server,
  workloads: Workloads,
  seconds: number,
): Promise<PostFigures> {
  const edFresh = await postTo([server], workloads.edFresh, seconds);
  const edLong = await postTo([server], workloads.edLong, seconds);
  const nostrFresh = await postTo([server], workloads.nostrFresh, seconds);
  return { edFresh, edLong, nostrFresh };
}

/**
 * Posts a workload to a stand-in for the real server, then stops it.
 *
 * @param server the stand-in, started
 * @param workload the requests
 * @param seconds the cap on the run
 * @param check how its answers are checked
 * @returns the figures
 */
async function postToStandIn(
  server: Server,
  workload: Workload,
  seconds: number,
  check: "event" | "status",
): Promise<PostLoadResult> {
  try {
    return await runPostLoad({
      ports: [server.port],
      lanes: workload.lanes,
      seconds,
      check,
      serverPids: [server.child.pid],
    });
  } finally {
    await server.child.stop();
  }
}

/**
 * The generator's ceiling: the same requests against a bare server that
 * reads each body and answers a `201` of the real answer's size.
 *
 * @param workload the requests
 * @param createdBytes the size of the real server's `201` body
 * @param seconds the cap on the run
 * @returns the figures
 */
export async function measureGeneratorCeiling(
  workload: Workload,
  createdBytes: number,
  seconds: number,
): Promise<PostLoadResult> {
  const bare = await startBareServer(createdBytes, "application/json", 201);
  return await postToStandIn(bare, workload, seconds, "status");
}

/**
 * The least work a server must do for these POSTs: the same requests against
 * `least_work_server.ts`, which parses, checks the signature and hashes each
 * event as the real server must, stores nothing, and answers the real `201`
 * (checked as the real server's are).
 *
 * @param workload the requests (Ed25519)
 * @param seconds the cap on the run
 * @returns the figures
 */
export async function measureLeastWork(
  workload: Workload,
  seconds: number,
): Promise<PostLoadResult> {
  return await postToStandIn(await startLeastWorkServer(), workload, seconds, "event");
}
