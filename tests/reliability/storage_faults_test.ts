// Storage faults under the real server binary: another process holding the write lock, a full
// disk and a file that cannot be written. Writes answer 503 unavailable (never a hang, never a
// 500), reads keep working, nothing half-written appears, and writes work again once the fault
// is gone, without a restart.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ChainAuthor } from "../support/chain_author.ts";
import { ChainWriter, type PostOutcome } from "../support/chain_writer.ts";
import { ServerProcess } from "../support/server_process.ts";
import { integrityCheck } from "../support/sqlite_integrity.ts";
import { fetchChain } from "../support/stored_chain.ts";

/** A way to make the database unwritable, and to undo it. */
interface Fault {
  /** Starts the fault. */
  on(): Promise<void>;
  /** Ends it. */
  off(): Promise<void>;
  /** What the server's log says about it. */
  readonly logged: RegExp;
}

/** Runs a command; true when it exits 0. */
async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .output();
    return code === 0;
  } catch {
    return false;
  }
}

function isUnavailable(o: PostOutcome): boolean {
  return o.kind === "refused" && o.status === 503 && o.code === "unavailable";
}

/**
 * Healthy writes, then the fault: every writer gets 503 within a bounded number of tries, every
 * answer is 201 or 503, reads keep serving; then the fault ends and every writer's next write
 * is a 201; at the end each chain is exactly what was acknowledged.
 */
async function underFault(server: ServerProcess, db: string, fault: Fault): Promise<void> {
  const writers = Array.from(
    { length: 6 },
    (_, i) =>
      new ChainWriter(
        i % 3 === 0 ? new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs") : undefined,
      ),
  );
  const append = async (w: ChainWriter) => {
    const outcome = await w.appendNext(server.base, 15_000);
    assert.ok(outcome.kind === "created" || isUnavailable(outcome), JSON.stringify(outcome));
    return outcome;
  };
  for (const w of writers) {
    for (let i = 0; i < 3; i++) assert.equal((await append(w)).kind, "created");
  }

  await fault.on();
  try {
    let refusals = 0;
    await Promise.all(writers.map(async (w) => {
      // Bounded: a fault that never shows fails the test instead of looping.
      for (let i = 0; i < 2_000; i++) {
        if (isUnavailable(await append(w))) {
          refusals++;
          return;
        }
      }
      throw new Error(`${w.primary}: 2,000 writes and no 503`);
    }));
    assert.equal(refusals, writers.length);
    for (const w of writers) {
      const chain = await fetchChain(server.base, w.primary);
      assert.equal(chain?.length, w.acknowledged.length, "reads serve what was acknowledged");
    }
  } finally {
    await fault.off();
  }

  for (const w of writers) {
    for (let i = 0; i < 3; i++) {
      const outcome = await append(w);
      assert.equal(outcome.kind, "created", `writes work again: ${JSON.stringify(outcome)}`);
    }
  }
  for (const w of writers) {
    const stored = await fetchChain(server.base, w.primary);
    assert.deepEqual(stored?.events.map((e) => e.hash), w.acknowledged.map((e) => e.hash));
  }
  assert.deepEqual(integrityCheck(db), ["ok"]);
  const line = server.log.split("\n").find((l) => fault.logged.test(l));
  assert.ok(line, `no log line matches ${fault.logged}`);
  console.log(`logged: ${line}`);
  assert.doesNotMatch(server.log, /ERROR|internal error/);
}

Deno.test("storage faults: another process holds the write lock", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kez-faults-" });
  try {
    const db = `${dir}/chains.db`;
    await using server = await ServerProcess.start({ db });
    let other: DatabaseSync | undefined;
    await underFault(server, db, {
      on: () => {
        other = new DatabaseSync(db);
        other.exec("BEGIN IMMEDIATE");
        return Promise.resolve();
      },
      off: () => {
        other?.exec("ROLLBACK");
        other?.close();
        return Promise.resolve();
      },
      logged: /locked/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const ROOT = Deno.uid() === 0;
const CAN_MOUNT = ROOT &&
  await succeeds("unshare", ["--mount", "--propagation", "private", "true"]);

Deno.test({
  name: "storage faults: the disk fills up (a small tmpfs of the server's own)",
  // Mounting needs root; the mount lives in the server's own mount namespace, so it goes with it.
  ignore: !CAN_MOUNT,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "kez-faults-" });
    try {
      await using server = await ServerProcess.start({
        db: `${dir}/chains.db`,
        prefix: [
          "unshare",
          "--mount",
          "--propagation",
          "private",
          "sh",
          "-c",
          'mount -t tmpfs -o size=4m kez-test "$0" && exec "$@"',
          dir,
        ],
      });
      // The server's view of the directory: its tmpfs, not the empty directory we see.
      const inside = `/proc/${server.pid}/root${dir}`;
      const filler = `${inside}/filler`;
      await underFault(server, `${inside}/chains.db`, {
        on: async () => {
          using file = await Deno.open(filler, { write: true, create: true });
          const block = new Uint8Array(64 * 1024);
          try {
            for (let i = 0; i < 1_000; i++) await file.write(block);
          } catch (e) {
            // ENOSPC: the disk is full, which is the point.
            if (!String(e).includes("No space left")) throw e;
          }
        },
        off: () => Deno.remove(filler),
        logged: /full/,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const CAN_CHATTR = ROOT && await (async () => {
  const probe = await Deno.makeTempFile({ prefix: "kez-chattr-" });
  try {
    return await succeeds("chattr", ["+i", probe]) && await succeeds("chattr", ["-i", probe]);
  } finally {
    await Deno.remove(probe);
  }
})();

Deno.test({
  name: "storage faults: the database cannot be written (chattr +i on its WAL)",
  // root ignores file modes; the immutable attribute binds root too, on file systems that have it.
  ignore: !CAN_CHATTR,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "kez-faults-" });
    const db = `${dir}/chains.db`;
    try {
      await using server = await ServerProcess.start({ db });
      await underFault(server, db, {
        on: async () => assert.ok(await succeeds("chattr", ["+i", `${db}-wal`])),
        off: async () => assert.ok(await succeeds("chattr", ["-i", `${db}-wal`])),
        logged: /disk I\/O error/,
      });
    } finally {
      await succeeds("chattr", ["-i", `${db}-wal`]);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
