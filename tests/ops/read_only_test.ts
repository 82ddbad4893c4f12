// Read-only files: `stats`, `verify` and `backup` open the database read-only and leave nothing
// behind, where a read-only connection to a WAL-mode file would otherwise make `-wal` and `-shm`;
// the server says in one line that a file it cannot write is not writable. Root ignores file
// modes, so the unprivileged cases run as nobody (see tests/support/unprivileged.ts).

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "../../lib/store/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary, startServer } from "../support/binary.ts";
import { withDir } from "../support/temp_dir.ts";
import { whyNoNobody, withNobody } from "../support/unprivileged.ts";

/** A database of two events, as the server leaves it when stopped. */
async function served(db: string): Promise<void> {
  await using server = await startServer(db);
  const author = new ChainAuthor();
  for (const subject of ["github:a", "github:b"]) {
    const res = await fetch(`${server.base}/v1/sigchains/${author.path}/events`, {
      method: "POST",
      body: JSON.stringify(author.next("add", subject)),
    });
    assert.equal(res.status, 201, await res.text());
  }
}

/** The same, left in WAL mode at rest: as the original server, or an older version, leaves it. */
async function servedInWal(db: string): Promise<void> {
  await served(db);
  const conn = new DatabaseSync(db);
  conn.exec("PRAGMA journal_mode = WAL");
  conn.close();
  SqliteStore.open(db).close();
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

function journalMode(db: string): string {
  const conn = new DatabaseSync(db, { readOnly: true });
  const { journal_mode } = conn.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
  conn.close();
  return journal_mode;
}

const COMMANDS: [string, (db: string, dir: string) => string[], RegExp][] = [
  ["stats", (db) => ["stats", "--db", db], /^Events: 2$/m],
  ["verify", (db) => ["verify", "--db", db], /: no problems$/m],
  ["backup", (db, dir) => ["backup", "--db", db, `${dir}/copy.db`], /^Backed up 2 events/],
];

Deno.test("read-only commands on a database no server has open leave nothing beside it", async (t) => {
  await withDir(async (dir) => {
    const db = `${dir}/data/chains.db`;
    await Deno.mkdir(`${dir}/data`);
    await servedInWal(db);
    assert.equal(journalMode(db), "wal");
    const before = names(`${dir}/data`);
    for (const [name, args, expected] of COMMANDS) {
      await t.step(`${name}, on a file in WAL mode`, async () => {
        const { code, stdout, stderr } = await runBinary(args(db, dir));
        assert.equal(code, 0, stderr);
        assert.match(stdout, expected);
        assert.deepEqual(names(`${dir}/data`), before, "no -wal or -shm left");
      });
    }
  });
});

Deno.test("the server leaves its file in rollback mode at rest, and takes WAL back at start", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    await served(db);
    assert.equal(journalMode(db), "delete");
    assert.deepEqual(names(dir), ["chains.db", "chains.db-log.key"]);
    await using server = await startServer(db);
    assert.equal(journalMode(db), "wal");
    await server.stop();
    assert.equal(journalMode(db), "delete");
  });
});

const nobody = whyNoNobody();

Deno.test({
  name: "read-only files, as nobody: the commands read them, the server says it cannot write them",
  ignore: nobody !== null,
  fn: async (t) => {
    await withNobody(async (run, top) => {
      // writable/: a directory nobody may write; rootdir/: one nobody may only read.
      for (const sub of ["writable", "rootdir", "out"]) await Deno.mkdir(`${top}/${sub}`);
      await Deno.chmod(`${top}/writable`, 0o777);
      await Deno.chmod(`${top}/out`, 0o777);
      await Deno.chmod(`${top}/rootdir`, 0o755);
      const cases: [string, string, (db: string) => Promise<void>][] = [
        ["a 0444 WAL-mode file, in a directory nobody may write", "writable/wal.db", servedInWal],
        [
          "a 0444 file the server closed, in a directory nobody may write",
          "writable/rest.db",
          served,
        ],
        ["a 0444 file the server closed, in root's directory", "rootdir/rest.db", served],
      ];
      for (const [what, path, make] of cases) {
        const db = `${top}/${path}`;
        await make(db);
        await Deno.chmod(db, 0o444);
        // The operator's key is their own, as the database is not.
        await Deno.chown(`${db}-log.key`, 65534, 65534);
        const folder = db.slice(0, db.lastIndexOf("/"));
        const before = names(folder);
        for (const [name, args, expected] of COMMANDS) {
          await t.step(`${name}: ${what}`, async () => {
            await Deno.remove(`${top}/out/copy.db`).catch(() => {});
            await Deno.remove(`${top}/out/copy.db-log.key`).catch(() => {});
            const { code, stdout, stderr } = await run(args(db, `${top}/out`));
            assert.equal(code, 0, stderr);
            assert.match(stdout, expected);
            assert.deepEqual(names(folder), before, "nothing left beside the file");
          });
        }
        await t.step(`the server: ${what}`, async () => {
          const { code, stderr } = await run(["--bind", "127.0.0.1:0", "--db", db]);
          assert.equal(code, 2, stderr);
          assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
          assert.match(stderr, /is not writable by the user the server runs as/);
          assert.doesNotMatch(stderr, /attempt to write a readonly database/);
          assert.deepEqual(names(folder), before, "nothing left beside the file");
        });
      }
      await t.step("in WAL mode, in a directory nobody cannot write: a clear refusal", async () => {
        const db = `${top}/rootdir/wal.db`;
        await servedInWal(db);
        await Deno.chmod(db, 0o444);
        const before = names(`${top}/rootdir`);
        const { code, stderr } = await run(["stats", "--db", db]);
        assert.equal(code, 1);
        assert.match(
          stderr,
          /in WAL mode with no -wal file, and SQLite cannot make the -wal and -shm/,
        );
        assert.deepEqual(names(`${top}/rootdir`), before);
      });
    });
  },
});
