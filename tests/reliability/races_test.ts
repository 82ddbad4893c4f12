// Races against the real server binary (signatures checked on its worker threads, appends
// grouped into shared commits): one winner per seq, and parallel chains that all end complete.

import assert from "node:assert/strict";
import { ChainAuthor } from "../support/chain_author.ts";
import { ChainWriter, postEvent } from "../support/chain_writer.ts";
import { ServerProcess } from "../support/server_process.ts";
import { fetchChain } from "../support/stored_chain.ts";
import { Sigchain } from "../../lib/protocol/mod.ts";

async function withServer(fn: (server: ServerProcess) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kez-races-" });
  try {
    await using server = await ServerProcess.start({ db: `${dir}/chains.db` });
    await fn(server);
    server.kill("SIGTERM");
    assert.equal((await server.exited(10_000)).code, 0);
    assert.doesNotMatch(server.log, /ERROR|internal error/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("races: different events at one seq, on many chains at once", async (t) => {
  await withServer(async (server) => {
    const chains = 10;
    const racersPerSeq = 12;
    const authors = Array.from(
      { length: chains },
      (_, i) => new ChainAuthor(i % 3 === 0 ? "nostr-secp256k1-schnorr-sha256-jcs" : undefined),
    );
    const heads = new Map<string, string | undefined>();
    for (const seq of [0, 1, 2]) {
      await t.step(`seq ${seq}: exactly one 201 per chain, every other racer 409`, async () => {
        const racers = authors.flatMap((a) =>
          Array.from({ length: racersPerSeq }, (_, i) => {
            const prev = heads.get(a.primary);
            return {
              a,
              env: a.sign({
                seq,
                ...(prev === undefined ? {} : { prev }),
                created_at: "2026-03-01T00:00:00Z",
                op: "add",
                subject: `race:${seq}-${i}`,
              }),
            };
          })
        );
        // The same event twice as well: its duplicate must lose like any other racer.
        racers.push({ ...racers[0]! });
        const outcomes = await Promise.all(
          racers.map(({ a, env }) => postEvent(server.base, a.path, JSON.stringify(env))),
        );
        for (const a of authors) {
          const mine = outcomes.filter((_, i) => racers[i]!.a === a);
          const won = mine.filter((o) => o.kind === "created");
          assert.equal(won.length, 1, `${a.primary}: ${JSON.stringify(mine)}`);
          for (const o of mine) {
            if (o.kind !== "created") {
              assert.deepEqual(o, { kind: "refused", status: 409, code: "conflict" });
            }
          }
          heads.set(a.primary, (won[0] as { hash: string }).hash);
        }
      });
    }
    await t.step("each chain holds its three winners and verifies", async () => {
      for (const a of authors) {
        const chain = await fetchChain(server.base, a.primary);
        assert.equal(chain?.length, 3);
        assert.equal(chain.head, heads.get(a.primary));
      }
    });
  });
});

Deno.test("races: many chains written in parallel all end valid and complete", async (t) => {
  await withServer(async (server) => {
    const writers = Array.from(
      { length: 40 },
      (_, i) =>
        new ChainWriter(
          new ChainAuthor(i % 4 === 0 ? "nostr-secp256k1-schnorr-sha256-jcs" : undefined),
        ),
    );
    const perChain = 25;
    let writing = true;
    const snapshots: { primary: string; jsonl: string }[] = [];
    await t.step(
      `${writers.length} chains × ${perChain} events, with readers alongside`,
      async () => {
        // Readers keep fetching chains while they grow; each answer must be a verifiable prefix.
        const readers = Array.from({ length: 4 }, async (_, r) => {
          for (let i = 0; writing && i < 10_000; i++) {
            const w = writers[(i * 7 + r) % writers.length]!;
            const res = await fetch(`${server.base}/v1/sigchains/${w.path}`);
            const text = await res.text();
            if (res.status !== 200) {
              assert.equal(res.status, 404, text);
            } else if (snapshots.length < 150) {
              // Kept up to a few hundred: verifying each costs a signature check per event.
              snapshots.push({ primary: w.primary, jsonl: text });
            }
          }
        });
        const written = Promise.all(writers.map(async (w) => {
          for (let i = 0; i < perChain; i++) {
            const outcome = await w.appendNext(server.base);
            assert.equal(outcome.kind, "created", `${w.primary}: ${JSON.stringify(outcome)}`);
          }
        })).finally(() => writing = false);
        await Promise.all([written, ...readers]);
      },
    );
    await t.step("every chain verifies and holds exactly what was acknowledged", async () => {
      for (const w of writers) {
        const chain = await fetchChain(server.base, w.primary);
        assert.deepEqual(chain?.events.map((e) => e.line), w.acknowledged.map((e) => e.line));
      }
    });
    await t.step(`every read taken during the writes was a prefix of the final chain`, () => {
      const finals = new Map(writers.map((w) => [w.primary, w.acknowledged]));
      assert.ok(snapshots.length > 0);
      for (const { primary, jsonl } of snapshots) {
        const partial = Sigchain.fromJsonl(jsonl, primary);
        const full = finals.get(primary)!;
        partial.events.forEach((e, i) => assert.equal(e.hash, full[i]!.hash));
      }
    });
  });
});
