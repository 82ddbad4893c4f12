import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Appender } from "../../lib/append/mod.ts";
import { KezError, parsePrimary, toChainEvent } from "../../lib/protocol/mod.ts";
import { type LogSigner, SqliteStore } from "../../lib/store/mod.ts";
import { ChainAuthor, interleavedEvents } from "../support/chain_author.ts";
import { withDir } from "../support/temp_dir.ts";
import { codeOf } from "../support/append_code.ts";

const SIGNER: LogSigner = { origin: "example.com/kez-test", seed: new Uint8Array(32).fill(7) };
const FORGED = new KezError(
  "invalid_signature",
  "Invalid signature: the signature does not verify",
);

/** How many distinct commit times the stored rows have: one per batch. */
function batchesIn(path: string): number {
  const db = new DatabaseSync(path);
  const { n } = db.prepare("SELECT count(DISTINCT created_at) AS n FROM sigchain_events").get() as {
    n: number;
  };
  db.close();
  return n;
}

Deno.test("Appender answers by §5's order", async (t) => {
  const store = SqliteStore.open(":memory:");
  const appender = new Appender(store);
  await t.step("a stored event answers its seq and hash", async () => {
    const author = new ChainAuthor();
    const first = toChainEvent(author.next("add", "github:a"));
    assert.deepEqual(await appender.append(first), { seq: 0, hash: first.hash });
    const read = await store.readHead(parsePrimary(author.primary));
    assert.equal(read?.hash, first.hash);
  });
  await t.step("an event already stored is a conflict", async () => {
    const author = new ChainAuthor();
    const first = toChainEvent(author.next("add", "github:a"));
    await appender.append(first);
    await assert.rejects(
      appender.append(first),
      (e) =>
        e instanceof KezError && e.code === "conflict" && /expected seq 1, got 0/.test(e.message),
    );
  });
  await t.step("a forged signature is invalid_signature, after the links", async () => {
    const author = new ChainAuthor();
    const first = author.next("add", "github:a");
    const forged = toChainEvent({
      ...first,
      signature: { ...first.signature, sig: new ChainAuthor().next("add", "x:y").signature.sig },
    });
    assert.equal(await codeOf(appender.append(forged)), "invalid_signature");
    const skipped = author.next("add", "github:b", { seq: 4 });
    const forgedLate = toChainEvent({ ...skipped, signature: forged.envelope.signature });
    assert.equal(await codeOf(appender.append(forgedLate)), "conflict");
  });
  await t.step("an op that does not fit the chain is invalid_op", async () => {
    const author = new ChainAuthor();
    assert.equal(
      await codeOf(appender.append(toChainEvent(author.next("revoke", "x:a")))),
      "invalid_op",
    );
  });
  await appender.close();
  await store.close();
});

Deno.test("Appender takes the verdict of the signature check it is given", async (t) => {
  const store = SqliteStore.open(":memory:");
  await t.step("its verdict counts in check 8's place", async () => {
    const appender = new Appender(store, { checkSignature: () => Promise.resolve(FORGED) });
    const author = new ChainAuthor();
    const first = toChainEvent(author.next("add", "github:a"));
    assert.equal(await codeOf(appender.append(first)), "invalid_signature");
    const late = toChainEvent(author.next("add", "github:b", { seq: 3 }));
    assert.equal(await codeOf(appender.append(late)), "conflict", "a link is checked before");
  });
  await t.step(
    "a check that fails rejects the appends of its call, and stores nothing",
    async () => {
      const broken = new Error("the verifier is gone");
      const appender = new Appender(store, { checkSignature: () => Promise.reject(broken) });
      const author = new ChainAuthor();
      const outcomes = await Promise.allSettled(
        appender.appendInOrder(
          [author.next("add", "x:1"), author.next("add", "x:2")].map(toChainEvent),
        ),
      );
      assert.deepEqual(outcomes.map((o) => o.status === "rejected" && o.reason), [broken, broken]);
      assert.equal(await store.readHead(parsePrimary(author.primary)), null);
    },
  );
  await store.close();
});

Deno.test("Appender commits appends that arrive together as one batch", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const store = SqliteStore.open(path, { log: SIGNER, writerThread: true });
    // Every verdict comes at once, as when the verifier's workers answer a full batch.
    const { promise: verified, resolve: verify } = Promise.withResolvers<null>();
    const appender = new Appender(store, { checkSignature: () => verified });
    const written = interleavedEvents(40, 1);
    const answers = written.map((e) => appender.append(e));
    verify(null);
    const results = await Promise.all(answers);
    assert.equal(batchesIn(path), 1, "one transaction, one fsync, for all 40");
    assert.deepEqual(results.map((r) => r.index).sort((a, b) => a! - b!), [...written.keys()]);
    assert.equal(store.log!.checkpoint().size, 40, "the checkpoint holds every answered event");
    await appender.close();
    await store.close();
  });
});

Deno.test("appendInOrder() stores events in the order given", async () => {
  await withDir(async (dir) => {
    const written = interleavedEvents(4, 5);
    const store = SqliteStore.open(`${dir}/a.db`, { log: SIGNER, writerThread: true });
    const appender = new Appender(store);
    const results = await Promise.all(appender.appendInOrder(written));
    assert.deepEqual(results.map((r) => r.index), [...written.keys()]);
    await store.close();
  });
});

Deno.test("appendInOrder() stores only the run's prefix before a refused event", async () => {
  await withDir(async (dir) => {
    const [a, b, c] = [new ChainAuthor(), new ChainAuthor(), new ChainAuthor()];
    const run = [
      toChainEvent(a.next("add", "github:a")),
      toChainEvent(b.next("revoke", "github:never-added")),
      toChainEvent(c.next("add", "github:c")),
    ];
    const store = SqliteStore.open(`${dir}/a.db`, { log: SIGNER });
    const appender = new Appender(store);
    const outcomes = await Promise.allSettled(appender.appendInOrder(run));
    assert.equal(outcomes[0]!.status, "fulfilled");
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason.code), /invalid_op/);
    const third = (outcomes[2] as PromiseRejectedResult).reason;
    assert.equal(third.code, "conflict");
    assert.match(third.message, /an earlier event of its run was refused/);
    assert.equal(store.log!.checkpoint().size, 1);
    await store.close();
  });
});

Deno.test("Appender answers a batch that failed whole with the store's error", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/a.db`;
    const store = SqliteStore.open(path, { busyTimeoutMs: 50, writerThread: true });
    const appender = new Appender(store);
    const author = new ChainAuthor();
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    const run = [author.next("add", "x:1"), author.next("add", "x:2")].map(toChainEvent);
    const refused = toChainEvent(new ChainAuthor().next("revoke", "x:never"));
    const outcomes = await Promise.all(
      [...appender.appendInOrder(run), appender.append(refused)].map(codeOf),
    );
    assert.deepEqual(outcomes, ["unavailable", "unavailable", "invalid_op"]);
    other.exec("ROLLBACK");
    other.close();
    const retried = await Promise.all(appender.appendInOrder(run));
    assert.deepEqual(retried.map((r) => r.seq), [0, 1], "nothing of the failed batch was written");
    await appender.close();
    await store.close();
  });
});

Deno.test("Appender.close() answers every append made before it", async () => {
  await withDir(async (dir) => {
    const store = SqliteStore.open(`${dir}/a.db`, { writerThread: true });
    const appender = new Appender(store);
    const pending = appender.appendInOrder(interleavedEvents(5, 3));
    await appender.close();
    await store.close();
    const results = await Promise.all(pending);
    assert.equal(results.length, 15);
  });
});
