import assert from "node:assert/strict";
import postgres from "postgres";
import { Appender } from "../../lib/append/mod.ts";
import { KezError, parsePrimary, toChainEvent } from "../../lib/protocol/mod.ts";
import { PgStore } from "../../lib/store/pg_store.ts";
import {
  openCheckpoint,
  verifierKey,
  verifyConsistency,
  verifyInclusion,
} from "../../lib/tlog/mod.ts";
import { leafHash } from "../../lib/tlog/mod.ts";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ChainAuthor } from "../support/chain_author.ts";
import { postgresTest } from "../support/postgres.ts";

const SIGNER = { origin: "example.com/log", seed: new Uint8Array(32).fill(7) };
const KEY = verifierKey(SIGNER.origin, ed25519.getPublicKey(SIGNER.seed));
const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function text(jsonl: Uint8Array | ReadableStream<Uint8Array>): Promise<string> {
  return jsonl instanceof Uint8Array ? decoder.decode(jsonl) : await new Response(jsonl).text();
}

postgresTest("PgStore: appends, reads and the log on a real PostgreSQL", async (t, cluster) => {
  const url = await cluster.createDatabase("kez");

  await t.step("two stores starting together migrate once and share one log", async () => {
    const [a, b] = await Promise.all([
      PgStore.open(url, { log: SIGNER }),
      PgStore.open(url, { log: SIGNER }),
    ]);
    try {
      assert.equal(a.log.checkpoint().size, 0);
      assert.equal(b.log.checkpoint().note, a.log.checkpoint().note);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  await t.step("a store under another log key is refused", async () => {
    const other = { origin: SIGNER.origin, seed: new Uint8Array(32).fill(8) };
    await assert.rejects(PgStore.open(url, { log: other }), /not signed by this server's log key/);
  });

  await t.step(
    "appends through two stores: one chain, dense indices, 409 for a stale seq",
    async () => {
      const a = await PgStore.open(url, { log: SIGNER, checkpointPollMs: 20 });
      const b = await PgStore.open(url, { log: SIGNER, checkpointPollMs: 20 });
      const [appendA, appendB] = [new Appender(a), new Appender(b)];
      try {
        const author = new ChainAuthor();
        const first = toChainEvent(author.next("add", "github:a"));
        assert.deepEqual(await appendA.append(first), { seq: 0, hash: first.hash, index: 0 });
        const second = toChainEvent(author.next("add", "dns:a.example"));
        assert.deepEqual(await appendB.append(second), { seq: 1, hash: second.hash, index: 1 });
        // b's tip moved under a: a checks against the database, not a memory of its own.
        const revoke = toChainEvent(author.next("revoke", "github:a"));
        assert.equal((await appendA.append(revoke)).seq, 2);
        const again = await appendB.append(revoke).catch((e) => e);
        assert.ok(again instanceof KezError && again.code === "conflict");
        // Revoking a subject no longer active is invalid_op, as on SQLite.
        const twice = toChainEvent(author.next("revoke", "github:a"));
        const refused = await appendB.append(twice).catch((e) => e);
        assert.ok(refused instanceof KezError, String(refused));

        const primary = parsePrimary(author.primary);
        const chain = await b.readChain(primary);
        assert.equal(chain?.head.seq, 2);
        assert.equal(
          await text(chain!.jsonl),
          [first, second, revoke].map((e) => e.line + "\n").join(""),
        );
        const tail = await a.readChain(primary, { after: 1 });
        assert.equal(await text(tail!.jsonl), revoke.line + "\n");
        assert.equal(tail!.byteLength, encoder.encode(revoke.line + "\n").byteLength);
        assert.equal((await a.readChain(primary, { after: 2 }))!.byteLength, 0);
        assert.equal((await b.readHead(primary))?.hash, revoke.hash);
        assert.equal(await a.readHead(parsePrimary(new ChainAuthor().primary)), null);

        // b learns a's checkpoint by polling; both are of one tree.
        await new Promise((r) => setTimeout(r, 100));
        const [ca, cb] = [a.log.checkpoint(), b.log.checkpoint()];
        assert.equal(ca.size, 3);
        assert.equal(cb.note, ca.note);
        assert.equal(openCheckpoint(ca.note, KEY).size, 3);
        assert.deepEqual(await a.log.entries(0, 3), [first.line, second.line, revoke.line]);
        assert.equal(await b.log.indexOf(primary, 2), 2);
        for (const [index, event] of [first, second, revoke].entries()) {
          const proof = await b.log.inclusionProof(index, 3);
          assert.ok(
            verifyInclusion(leafHash(encoder.encode(event.line)), index, 3, proof, ca.root),
          );
        }
      } finally {
        await Promise.all([appendA.close(), appendB.close()]);
        await Promise.all([a.close(), b.close()]);
      }
    },
  );

  await t.step("the rows are spec §7's, and the log's leaves their lines", async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const columns =
        await sql`SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = 'sigchain_events' ORDER BY ordinal_position`;
      assert.deepEqual(columns.map((c) => c.column_name), [
        "primary_scheme",
        "primary_id",
        "seq",
        "envelope_json",
        "envelope_hash",
        "created_at",
      ]);
      const [row] = await sql`SELECT count(*)::int AS n FROM sigchain_events AS e
        JOIN kez_log_entries AS l USING (primary_scheme, primary_id, seq)
        WHERE l.entry = e.envelope_json`;
      assert.equal(row?.n, 3);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  await t.step("a stopped database is 503 unavailable, and the store recovers", async () => {
    const store = await PgStore.open(url, { log: SIGNER, connectTimeoutS: 2 });
    const appender = new Appender(store);
    try {
      await cluster.pause();
      const author = new ChainAuthor();
      const read = await store.readHead(parsePrimary(author.primary)).catch((e) => e);
      assert.ok(read instanceof KezError && read.code === "unavailable", String(read));
      const event = toChainEvent(author.next("add", "github:b"));
      const write = await appender.append(event).catch((e) => e);
      assert.ok(write instanceof KezError && write.code === "unavailable", String(write));
      await cluster.resume();
      const before = store.log.checkpoint();
      const stored = await appender.append(event);
      assert.equal(stored.index, before.size);
      const consistency = await store.log.consistencyProof(before.size, before.size + 1);
      assert.ok(
        verifyConsistency(
          before.size,
          before.size + 1,
          before.root,
          store.log.checkpoint().root,
          consistency,
        ),
      );
    } finally {
      await appender.close();
      await store.close();
    }
  });
});
