import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Appender } from "../../lib/append/mod.ts";
import { createApp } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { KezError, parsePrimary, toChainEvent } from "../../lib/protocol/mod.ts";
import { SqliteStore, type StoredChain } from "../../lib/store/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { withDir } from "../support/temp_dir.ts";
import { codeOf } from "../support/append_code.ts";

/** The table exactly as spec §7 writes it, comments included, as the original server made it. */
const ORIGINAL_SQL = `CREATE TABLE sigchain_events (
  primary_scheme TEXT NOT NULL,
  primary_id     TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  envelope_json  TEXT NOT NULL,   -- JCS(envelope), §2
  envelope_hash  TEXT NOT NULL,   -- "sha256:<hex>", §2
  created_at     TEXT NOT NULL,   -- when the server stored it, RFC 3339 UTC
  PRIMARY KEY (primary_scheme, primary_id, seq)
);
CREATE INDEX idx_primary ON sigchain_events (primary_scheme, primary_id);`;

function schemaOf(path: string): string[] {
  const db = new DatabaseSync(path);
  const rows = db.prepare("SELECT sql FROM sqlite_master ORDER BY name").all() as { sql: string }[];
  db.close();
  return rows.map((r) => r.sql);
}

Deno.test("SqliteStore serves a database made by plain SQL unchanged and extends it", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/original.db`;
    const author = new ChainAuthor();
    const stored = [author.next("add", "github:a"), author.next("add", "dns:a.example")].map(
      toChainEvent,
    );
    const db = new DatabaseSync(path);
    db.exec(ORIGINAL_SQL);
    const insert = db.prepare("INSERT INTO sigchain_events VALUES (?, ?, ?, ?, ?, ?)");
    const [scheme, id] = author.path.split("/") as [string, string];
    stored.forEach((e, seq) =>
      insert.run(scheme, id, seq, e.line, e.hash, "2026-05-24T19:00:00.000000+00:00")
    );
    db.close();
    const before = schemaOf(path);

    const store = SqliteStore.open(path);
    const app = createApp({ store, logger: createLogger("error") });
    const res = await app(new Request(`http://x/v1/sigchains/${author.path}`));
    assert.equal(await res.text(), stored.map((e) => e.line + "\n").join(""));

    const third = toChainEvent(author.next("revoke", "github:a"));
    assert.deepEqual(await new Appender(store).append(third), { seq: 2, hash: third.hash });
    await store.close();

    assert.deepEqual(schemaOf(path), before, "the original table and index are unchanged");
    const check = new DatabaseSync(path);
    const row = check.prepare(
      "SELECT primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at FROM sigchain_events WHERE seq = 2",
    ).get() as Record<string, unknown>;
    const mode = check.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
    const version = check.prepare("PRAGMA user_version").get() as { user_version: number };
    check.close();
    assert.equal(row.primary_scheme, scheme);
    assert.equal(row.primary_id, id);
    assert.equal(row.envelope_json, third.line);
    assert.equal(row.envelope_hash, third.hash);
    assert.match(String(row.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(mode.journal_mode, "wal");
    assert.equal(version.user_version, 1);
  });
});

Deno.test("SqliteStore.open() refuses unusable files and leaves them untouched", async (t) => {
  const cases: [string, (path: string) => void, RegExp][] = [
    [
      "a file that is not SQLite",
      (p) => Deno.writeTextFileSync(p, "hello, not a database\n".repeat(200)),
      /not a database/,
    ],
    ["a sigchain_events table of another shape", (p) => {
      const db = new DatabaseSync(p);
      db.exec("CREATE TABLE sigchain_events (id INTEGER PRIMARY KEY, body TEXT)");
      db.close();
    }, /not the shape of spec §7/],
    ["a schema version newer than ours", (p) => {
      const db = new DatabaseSync(p);
      db.exec(ORIGINAL_SQL + "\nPRAGMA user_version = 99;");
      db.close();
    }, /schema version 99 is newer/],
  ];
  for (const [name, make, message] of cases) {
    await t.step(name, async () => {
      await withDir(async (dir) => {
        const path = `${dir}/x.db`;
        make(path);
        const before = await Deno.readFile(path);
        assert.throws(() => SqliteStore.open(path), message);
        assert.deepEqual(await Deno.readFile(path), before);
      });
    });
  }
});

Deno.test("commit() fails a batch as unavailable while another process holds the write lock", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/locked.db`;
    const store = SqliteStore.open(path, { busyTimeoutMs: 50 });
    const appender = new Appender(store);
    const author = new ChainAuthor();
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    await assert.rejects(
      appender.append(toChainEvent(author.next("add", "github:a"))),
      (e) => e instanceof KezError && e.code === "unavailable",
    );
    other.exec("ROLLBACK");
    other.close();
    const retry = toChainEvent(new ChainAuthor(author.alg, author.secret).next("add", "github:a"));
    assert.equal((await appender.append(retry)).seq, 0, "writes work again once the lock is gone");
    await store.close();
  });
});

Deno.test("readChain() and readHead() see one consistent chain", async (t) => {
  const store = SqliteStore.open(":memory:");
  const appender = new Appender(store);
  const author = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
  const primary = parsePrimary(author.primary);
  const events = [
    author.next("add", "a:1"),
    author.next("add", "a:2"),
    author.next("revoke", "a:1"),
  ]
    .map(toChainEvent);
  for (const e of events) await appender.append(e);
  const text = (chain: StoredChain | null) => new Response(chain?.jsonl).text();
  const jsonl = (from: number) => events.slice(from).map((e) => e.line + "\n").join("");
  await t.step("the whole chain", async () => {
    const chain = await store.readChain(primary);
    assert.ok(chain?.jsonl instanceof Uint8Array, "a light chain is answered from memory");
    assert.equal(chain.byteLength, chain.jsonl.byteLength);
    assert.equal(await text(chain), jsonl(0));
    assert.equal(chain?.head.seq, 2);
    assert.equal(chain?.head.hash, events[2]!.hash);
    assert.equal(new TextDecoder().decode(chain.head.bytes), events[2]!.line);
  });
  await t.step("after a seq", async () => {
    assert.equal(await text(await store.readChain(primary, { after: 1 })), jsonl(2));
    assert.equal(await text(await store.readChain(primary, { after: 2 ** 60 })), "");
  });
  await t.step("the head", async () => {
    assert.equal((await store.readHead(primary))?.hash, events[2]!.hash);
  });
  await t.step("an unknown chain is null", async () => {
    assert.equal(await store.readHead(parsePrimary(new ChainAuthor().primary)), null);
    assert.equal(await store.readChain(parsePrimary(new ChainAuthor().primary)), null);
  });
  await store.close();
});

Deno.test("SqliteStore refuses a seq-0 replay on a chain with events from its head row alone", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/replay.db`;
    const author = new ChainAuthor();
    const first = toChainEvent(author.next("add", "a:0"));
    const writing = SqliteStore.open(path);
    const appender = new Appender(writing);
    await appender.append(first);
    for (let i = 1; i < 40; i++) await appender.append(toChainEvent(author.next("add", `a:${i}`)));
    await writing.close();
    const store = SqliteStore.open(path);
    const replaying = new Appender(store);

    await t.step("the replay is a conflict, and no event row is read for it", async () => {
      const refused = await codeOf(replaying.append(first));
      assert.equal(refused, "conflict");
      assert.equal(store.rowsRead, 1, "the head row alone, not the chain's 40 subjects");
    });

    await t.step(
      "the next event then loads the subjects, once, and is checked against them",
      async () => {
        const again = toChainEvent(author.next("add", "a:3"));
        const twice = await codeOf(replaying.append(again));
        assert.equal(twice, "invalid_op", "a:3 is active already");
        assert.equal(store.rowsRead, 1 + 40);
        const fresh = toChainEvent(author.sign({
          seq: 40,
          prev: (await store.readHead(parsePrimary(author.primary)))!.hash,
          created_at: "2026-01-01T00:00:00Z",
          op: "add",
          subject: "a:40",
        }));
        assert.deepEqual(await replaying.append(fresh), { seq: 40, hash: fresh.hash });
        assert.equal(store.rowsRead, 1 + 40, "no row read again");
      },
    );
    await store.close();
  });
});

Deno.test("SqliteStore reads a chain's lines for a read of it, never for an append", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/chains.db`;
    const authors = Array.from({ length: 32 }, () => new ChainAuthor());
    const first = SqliteStore.open(path);
    for (const author of authors) {
      for (let i = 0; i < 30; i++) {
        await new Appender(first).append(toChainEvent(author.next("add", `a:${i}`)));
      }
    }
    await first.close();
    // Each chain's lines fit under the per-chain limit, and the 32 chains' lines
    // together are twice the budget: a cache that read them would evict.
    const chainBytes = (await Deno.stat(path)).size / authors.length;
    const store = SqliteStore.open(path, { cacheBytes: 16 * chainBytes });
    const appender = new Appender(store);
    await t.step("an append loads the tip, which stays cached", async () => {
      for (const author of authors) await appender.append(toChainEvent(author.next("add", "b:1")));
      const read = store.rowsRead;
      for (const author of authors) await appender.append(toChainEvent(author.next("add", "b:2")));
      assert.equal(store.rowsRead, read, "no chain was read again for its second append");
    });
    await t.step("the first read loads the lines, the next is served from memory", async () => {
      const primary = parsePrimary(authors[0]!.primary);
      const read = store.rowsRead;
      const chain = await store.readChain(primary);
      assert.ok(chain?.jsonl instanceof Uint8Array, "the chain is answered from memory");
      assert.equal(new TextDecoder().decode(chain.jsonl).split("\n").length, 33);
      assert.equal(store.rowsRead - read, 33, "its head row and its 32 events");
      const again = await store.readChain(primary);
      assert.deepEqual(again?.jsonl, chain.jsonl);
      assert.equal(store.rowsRead - read, 33, "the second read reads no row");
    });
    await store.close();
  });
});

Deno.test("SqliteStore with a writer thread", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/thread.db`;
    const store = SqliteStore.open(path, { writerThread: true });
    const appender = new Appender(store);
    const author = new ChainAuthor();
    const primary = parsePrimary(author.primary);
    const events = [author.next("add", "a:1"), author.next("add", "a:2")].map(toChainEvent);
    await t.step("commits appends and serves them", async () => {
      for (const e of events) await appender.append(e);
      const chain = await store.readChain(primary);
      assert.equal(
        await new Response(chain?.jsonl).text(),
        events.map((e) => e.line + "\n").join(""),
      );
    });
    await t.step("of racing appends at one seq, exactly one commits", async () => {
      const racers = Array.from({ length: 6 }, (_, i) =>
        toChainEvent(author.sign({
          seq: 2,
          prev: events[1]!.hash,
          created_at: "2026-01-03T00:00:00Z",
          op: "add",
          subject: `race:${i}`,
        })));
      const outcomes = await Promise.allSettled(racers.map((e) => appender.append(e)));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
      for (const o of outcomes) {
        if (o.status === "rejected") assert.equal((o.reason as KezError).code, "conflict");
      }
    });
    await t.step(
      "a chain changed behind its back fails the batch, and a retry sees the change",
      async () => {
        const other = new ChainAuthor();
        const first = toChainEvent(other.next("add", "b:1"));
        await appender.append(first);
        const [scheme, id] = other.path.split("/") as [string, string];
        const second = toChainEvent(other.next("add", "b:2"));
        const db = new DatabaseSync(path);
        db.prepare("INSERT INTO sigchain_events VALUES (?, ?, ?, ?, ?, ?)")
          .run(scheme, id, 1, second.line, second.hash, "2026-01-01T00:00:00Z");
        db.close();
        const third = toChainEvent(other.next("add", "b:3"));
        // Reads may see the old chain for a moment; the write path checks under the lock.
        const late = toChainEvent(new ChainAuthor(other.alg, other.secret).sign({
          seq: 1,
          prev: first.hash,
          created_at: "2026-01-04T00:00:00Z",
          op: "add",
          subject: "b:late",
        }));
        const outcome = await codeOf(appender.append(late));
        assert.ok(outcome === "unavailable" || outcome === "conflict", outcome);
        assert.deepEqual(await appender.append(third), { seq: 2, hash: third.hash });
      },
    );
    await store.close();
    await t.step("everything acknowledged is in the file after close", async () => {
      const reopened = SqliteStore.open(path);
      const chain = await reopened.readChain(primary);
      assert.equal(chain?.head.seq, 2);
      await reopened.close();
    });
  });
});
