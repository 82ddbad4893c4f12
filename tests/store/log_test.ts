import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Appender } from "../../lib/append/mod.ts";
import type { ChainEvent, Primary } from "../../lib/protocol/mod.ts";
import {
  type AppendResult,
  createLogKey,
  type LogSigner,
  ORIGINAL_SCHEMA,
  readLogKey,
  SqliteStore,
} from "../../lib/store/mod.ts";
import {
  leafHash,
  openCheckpoint,
  rootOf,
  verifierKey,
  verifyConsistency,
  verifyInclusion,
} from "../../lib/tlog/mod.ts";
import { interleavedEvents } from "../support/chain_author.ts";
import { withDir } from "../support/temp_dir.ts";

const SIGNER: LogSigner = { origin: "example.com/kez-test", seed: new Uint8Array(32).fill(7) };
const KEY = verifierKey(SIGNER.origin, ed25519.getPublicKey(SIGNER.seed));
const encoder = new TextEncoder();

/** The log's leaves as the database holds them, in index order. */
function leavesOf(path: string): string[] {
  const db = new DatabaseSync(path);
  const rows = db.prepare("SELECT entry FROM kez_log_entries ORDER BY idx").all() as {
    entry: string;
  }[];
  db.close();
  return rows.map((r) => r.entry);
}

function rootOfLines(lines: string[]): Uint8Array {
  return rootOf(lines.map((l) => leafHash(encoder.encode(l))));
}

Deno.test("SqliteStore keeps a transparency log of what it stores", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const written = interleavedEvents(3, 4);
    let firstCheckpoint = "";

    await t.step("a fresh log signs a checkpoint of size 0", async () => {
      const store = SqliteStore.open(path, { log: SIGNER, writerThread: true });
      const cp = openCheckpoint(store.log!.checkpoint().note, KEY);
      assert.equal(cp.size, 0);
      assert.deepEqual(cp.root, rootOf([]));
      await store.close();
    });

    await t.step(
      "appends get dense indices in commit order, each chain's in seq order",
      async () => {
        const store = SqliteStore.open(path, { log: SIGNER, writerThread: true });
        const appender = new Appender(store);
        // The chains concurrently, each one's events one after the other, as clients append.
        const results: AppendResult[] = [];
        const chains = Map.groupBy(written.entries(), ([, e]) => e.envelope.payload.primary);
        await Promise.all([...chains.values()].map(async (chain) => {
          for (const [i, e] of chain) results[i] = await appender.append(e);
        }));
        assert.deepEqual(results.map((r) => r.index).sort((a, b) => a! - b!), [...written.keys()]);
        const leaves = leavesOf(path);
        for (const [i, event] of written.entries()) {
          assert.equal(leaves[results[i]!.index!], event.line, `event ${i} is its leaf`);
        }
        const byChain = new Map<string, number[]>();
        for (const [i, e] of written.entries()) {
          const list = byChain.get(e.envelope.payload.primary) ?? [];
          list.push(results[i]!.index!);
          byChain.set(e.envelope.payload.primary, list);
        }
        for (const indices of byChain.values()) {
          assert.deepEqual(indices, [...indices].sort((a, b) => a - b));
        }
        const log = store.log!;
        firstCheckpoint = log.checkpoint().note;
        const cp = openCheckpoint(firstCheckpoint, KEY);
        assert.equal(cp.size, written.length);
        assert.deepEqual(cp.root, rootOfLines(leaves));
        await store.close();
      },
    );

    await t.step("inclusion proofs hold for every leaf", async () => {
      const store = SqliteStore.open(path, { log: SIGNER });
      const { size, root } = store.log!.checkpoint();
      const leaves = leavesOf(path);
      for (let i = 0; i < size; i++) {
        const proof = await store.log!.inclusionProof(i, size);
        assert.ok(verifyInclusion(leafHash(encoder.encode(leaves[i]!)), i, size, proof, root));
      }
      await store.close();
    });

    await t.step("a reopened store goes on where it stopped, consistently", async () => {
      const store = SqliteStore.open(path, { log: SIGNER, writerThread: true });
      const appender = new Appender(store);
      const old = openCheckpoint(firstCheckpoint, KEY);
      const more = interleavedEvents(1, 3);
      for (const e of more) await appender.append(e);
      const now = openCheckpoint(store.log!.checkpoint().note, KEY);
      assert.equal(now.size, old.size + 3);
      const proof = await store.log!.consistencyProof(old.size, now.size);
      assert.ok(verifyConsistency(old.size, now.size, old.root, now.root, proof));
      await store.close();
    });
  });
});

Deno.test("SqliteStore builds the log of a database written without one, in rowid order", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/original.db`;
    const written = interleavedEvents(2, 3);
    const db = new DatabaseSync(path);
    db.exec(ORIGINAL_SCHEMA);
    const insert = db.prepare("INSERT INTO sigchain_events VALUES (?, ?, ?, ?, ?, ?)");
    // Chain by chain: rowid order differs from the interleaved order of `written`.
    const stored = [...written].sort((a, b) =>
      a.envelope.payload.primary.localeCompare(b.envelope.payload.primary)
    );
    for (const e of stored) {
      const [scheme, id] = e.envelope.payload.primary.split(":") as [string, string];
      insert.run(scheme, id, e.envelope.payload.seq, e.line, e.hash, "2026-01-01T00:00:00Z");
    }
    db.close();

    const progress: [number, number][] = [];
    const store = SqliteStore.open(path, {
      log: SIGNER,
      onLogProgress: (done, total) => progress.push([done, total]),
    });
    const cp = openCheckpoint(store.log!.checkpoint().note, KEY);
    await store.close();
    assert.deepEqual(leavesOf(path), stored.map((e) => e.line));
    assert.equal(cp.size, stored.length);
    assert.deepEqual(cp.root, rootOfLines(stored.map((e) => e.line)));
    assert.deepEqual(progress.at(-1), [stored.length, stored.length]);
  });
});

Deno.test("SqliteStore.openBuilding() builds a large log a chunk at a time, letting timers run", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/big.db`;
    const db = new DatabaseSync(path);
    db.exec(ORIGINAL_SCHEMA);
    const insert = db.prepare("INSERT INTO sigchain_events VALUES ('ed25519', ?, 0, ?, 'h', 't')");
    db.exec("BEGIN");
    for (let i = 0; i < 12_000; i++) insert.run(`id${i}`, `{"leaf":${i}}`);
    db.exec("COMMIT");
    db.close();
    const progress: [done: number, total: number, turns: number][] = [];
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const store = await SqliteStore.openBuilding(path, {
      log: SIGNER,
      // A turn of the event loop between chunks: progress can be logged as it happens.
      onLogProgress: (done, total) => progress.push([done, total, turns]),
    });
    clearInterval(timer);
    assert.equal(store.log!.checkpoint().size, 12_000);
    await store.close();
    assert.deepEqual(progress.map(([done, total]) => [done, total]), [
      [5_000, 12_000],
      [10_000, 12_000],
      [12_000, 12_000],
    ]);
    const turnsAt = progress.map(([, , at]) => at);
    assert.ok(turnsAt[2]! > turnsAt[0]!, `timers ran between chunks: ${turnsAt}`);
  });
});

Deno.test("SqliteStore adds rows another connection stored to the log at its next batch", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const [mine, theirs, next] = interleavedEvents(3, 1) as [ChainEvent, ChainEvent, ChainEvent];
    const store = SqliteStore.open(path, { log: SIGNER, writerThread: true });
    const appender = new Appender(store);
    assert.equal((await appender.append(mine)).index, 0);
    const other = new DatabaseSync(path);
    const [scheme, id] = theirs.envelope.payload.primary.split(":") as [string, string];
    other.prepare("INSERT INTO sigchain_events VALUES (?, ?, 0, ?, ?, 't')").run(
      scheme,
      id,
      theirs.line,
      theirs.hash,
    );
    other.close();
    assert.equal((await appender.append(next)).index, 2, "after the other connection's row");
    assert.equal(store.log!.checkpoint().size, 3);
    await store.close();
    assert.deepEqual(leavesOf(path), [mine.line, theirs.line, next.line]);
  });
});

Deno.test("SqliteStore logs its rows even at a rowid SQLite reused after a deletion", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const [a, b, c] = interleavedEvents(3, 1) as [ChainEvent, ChainEvent, ChainEvent];
    const store = SqliteStore.open(path, { log: SIGNER });
    const appender = new Appender(store);
    await appender.append(a);
    await appender.append(b);
    // Deleting the row with the largest rowid makes SQLite give that rowid to the next row.
    const other = new DatabaseSync(path);
    other.exec("DELETE FROM sigchain_events WHERE rowid = 2");
    other.close();
    assert.equal((await appender.append(c)).index, 2);
    assert.equal(store.log!.checkpoint().size, 3);
    const [scheme, id] = c.envelope.payload.primary.split(":") as [string, string];
    const primary = { scheme, id, text: c.envelope.payload.primary } as Primary;
    assert.equal(await store.log!.indexOf(primary, 0), 2);
    await store.close();
    assert.deepEqual(leavesOf(path), [a.line, b.line, c.line]);
  });
});

Deno.test("SqliteStore.open() refuses a log whose stored hashes were changed", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const store = SqliteStore.open(path, { log: SIGNER });
    const appender = new Appender(store);
    for (const e of interleavedEvents(1, 5)) await appender.append(e);
    await store.close();
    const db = new DatabaseSync(path);
    // The subtree of leaves 0–3 is kept in the row of leaf 3, after the one of leaves 2–3.
    const { nodes } = db.prepare("SELECT nodes FROM kez_log_entries WHERE idx = 3").get() as {
      nodes: Uint8Array;
    };
    nodes.fill(0, 32);
    db.prepare("UPDATE kez_log_entries SET nodes = ? WHERE idx = 3").run(nodes);
    db.close();
    assert.throws(() => SqliteStore.open(path, { log: SIGNER }), /another root at size 5/);
  });
});

Deno.test("SqliteStore without a log leaves a logged file's log for its next logged start", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const [a, b] = interleavedEvents(2, 1) as [ChainEvent, ChainEvent];
    let store = SqliteStore.open(path, { log: SIGNER });
    await new Appender(store).append(a);
    await store.close();
    store = SqliteStore.open(path);
    assert.equal((await new Appender(store).append(b)).index, undefined);
    await store.close();
    store = SqliteStore.open(path, { log: SIGNER });
    assert.equal(store.log!.checkpoint().size, 2);
    await store.close();
    assert.deepEqual(leavesOf(path), [a.line, b.line]);
  });
});

Deno.test("log key files", async (t) => {
  await withDir(async (dir) => {
    await t.step(
      "createLogKey() writes the seed in hex, mode 0600, never over a file",
      async () => {
        const seed = crypto.getRandomValues(new Uint8Array(32));
        await createLogKey(`${dir}/k`, seed);
        assert.equal((await Deno.stat(`${dir}/k`)).mode! & 0o777, 0o600);
        assert.deepEqual(await readLogKey(`${dir}/k`), seed);
        await assert.rejects(() => createLogKey(`${dir}/k`, new Uint8Array(32)), /Cannot create/);
        assert.deepEqual(await readLogKey(`${dir}/k`), seed);
      },
    );
    await t.step("readLogKey() is null for a missing file", async () => {
      assert.equal(await readLogKey(`${dir}/missing`), null);
    });
    await t.step("readLogKey() refuses a file others may read", async () => {
      await Deno.writeTextFile(`${dir}/open`, "00".repeat(32), { mode: 0o644 });
      await Deno.chmod(`${dir}/open`, 0o644);
      await assert.rejects(() => readLogKey(`${dir}/open`), /group or others.*mode 644/);
    });
    await t.step("readLogKey() refuses a file that is not 64 hex digits", async () => {
      await Deno.writeTextFile(`${dir}/bad`, "not a key\n", { mode: 0o600 });
      await assert.rejects(() => readLogKey(`${dir}/bad`), /expected 64 hex digits/);
    });
    await t.step("readLogKey() refuses a path it cannot read", async () => {
      await Deno.mkdir(`${dir}/adir`, { mode: 0o700 });
      await assert.rejects(() => readLogKey(`${dir}/adir`), /Cannot read log key file/);
    });
  });
});
