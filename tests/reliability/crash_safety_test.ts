// Crash safety: the real server is SIGKILLed in the middle of concurrent appends, several times,
// and restarted on the same file. Nothing it acknowledged may be lost or changed, and nothing
// it was never sent may appear.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ChainAuthor } from "../support/chain_author.ts";
import { ChainWriter } from "../support/chain_writer.ts";
import { ServerProcess } from "../support/server_process.ts";
import { integrityCheck } from "../support/sqlite_integrity.ts";
import { fetchChain } from "../support/stored_chain.ts";
import { verifyDatabase } from "../../lib/ops/mod.ts";
import { parseCheckpoint, parseNote } from "../../lib/tlog/mod.ts";

const ROUNDS = 4;
const ED25519_WRITERS = 14;
const NOSTR_WRITERS = 6;
/** Most events a writer sends in one round, so a slow kill cannot make a round unbounded. */
const MAX_PER_ROUND = 400;

/** Checks every writer's chain on the server against what it acknowledged, then adopts it. */
async function checkAndAdopt(server: ServerProcess, writers: ChainWriter[]): Promise<number> {
  let inDoubtStored = 0;
  for (const w of writers) {
    const before = w.acknowledged.length;
    w.adopt(await fetchChain(server.base, w.primary));
    inDoubtStored += w.acknowledged.length - before;
  }
  return inDoubtStored;
}

/**
 * Checks that the log, the chains and the last checkpoint agree: every stored
 * row is a leaf, every leaf is stored, and the served checkpoint is the root
 * of exactly those leaves.
 */
async function checkLog(server: ServerProcess, db: string): Promise<void> {
  const problems: unknown[] = [];
  const report = verifyDatabase(db, (p) => problems.push(p));
  assert.deepEqual(problems, []);
  const note = await (await fetch(`${server.base}/v1/log/checkpoint`)).text();
  assert.equal(parseCheckpoint(parseNote(note).text).size, report.events);
  assert.equal(report.logSize, report.events);
}

/** Runs every writer until one of them loses its server, or each hits `limit` events. */
async function load(server: ServerProcess, writers: ChainWriter[], limit: number) {
  let created = 0;
  const results = await Promise.all(writers.map(async (w) => {
    for (let i = 0; i < limit; i++) {
      const outcome = await w.appendNext(server.base, 10_000);
      if (outcome.kind === "lost") return "lost";
      if (outcome.kind === "refused") {
        throw new Error(`${w.primary}: ${outcome.status} ${outcome.code}`);
      }
      created++;
    }
    return "done";
  }));
  return { created, lost: results.filter((r) => r === "lost").length };
}

Deno.test("crash safety: SIGKILL mid-load loses nothing acknowledged", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-crash-" });
  const db = `${dir}/chains.db`;
  const writers = [
    ...Array.from({ length: ED25519_WRITERS }, () => new ChainWriter()),
    ...Array.from(
      { length: NOSTR_WRITERS },
      () => new ChainWriter(new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs")),
    ),
  ];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      await t.step(`round ${round}: restart, check, load, SIGKILL`, async () => {
        await using server = await ServerProcess.start({ db });
        // The previous kill left one event per writer unanswered: stored or not, either is fine.
        const inDoubtStored = await checkAndAdopt(server, writers);
        assert.deepEqual(integrityCheck(db), ["ok"]);
        await checkLog(server, db);
        // Kill once the round has some acknowledged appends behind it and many in flight.
        const killAfter = 20 + Math.floor(Math.random() * 150);
        const acked = () => writers.reduce((n, w) => n + w.acknowledged.length, 0);
        const start = acked();
        const killer = (async () => {
          const deadline = Date.now() + 20_000;
          while (acked() - start < killAfter && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 2));
          }
          server.kill("SIGKILL");
        })();
        const { created, lost } = await load(server, writers, MAX_PER_ROUND);
        await killer;
        const status = await server.exited(10_000);
        assert.equal(status.signal, "SIGKILL");
        console.log(
          `round ${round}: ${inDoubtStored} unanswered event(s) of the previous kill were stored; ` +
            `${created} acknowledged, then ${lost} in flight at the kill`,
        );
        assert.ok(lost > 0, "the kill came while requests were in flight");
      });
    }

    await t.step(
      "after the last crash: everything acknowledged is there and verifies",
      async () => {
        await using server = await ServerProcess.start({ db });
        await checkAndAdopt(server, writers);
        assert.deepEqual(integrityCheck(db), ["ok"]);
        // Nothing but these chains: every row belongs to one of them.
        const check = new DatabaseSync(db);
        const rows = (check.prepare("SELECT count(*) AS n FROM sigchain_events").get() as {
          n: number;
        }).n;
        check.close();
        assert.equal(rows, writers.reduce((n, w) => n + w.acknowledged.length, 0));
        await checkLog(server, db);

        // The clients carry on from where the server's chains stand.
        for (const w of writers) {
          for (let i = 0; i < 2; i++) {
            const outcome = await w.appendNext(server.base);
            assert.equal(outcome.kind, "created", JSON.stringify(outcome));
          }
          const chain = await fetchChain(server.base, w.primary);
          assert.deepEqual(chain?.events.map((e) => e.hash), w.acknowledged.map((e) => e.hash));
        }
        server.kill("SIGTERM");
        assert.equal((await server.exited(10_000)).code, 0);
        assert.doesNotMatch(server.log, /ERROR|internal error/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
