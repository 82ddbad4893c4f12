// The transparency log's key across the operator's hands: a database whose log was signed is never
// given a new key silently, `--new-log-key` changes it only when chosen (and says so, and records
// it), `backup` copies the key beside the copy, and the restore procedure of docs/operations.md, run as written,
// brings the database back under its own key.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary, spawnServer, startServer } from "../support/binary.ts";
import { withDir } from "../support/temp_dir.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;

async function publish(base: string, author: ChainAuthor, subjects: string[]): Promise<void> {
  for (const subject of subjects) {
    const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
      method: "POST",
      body: JSON.stringify(author.next("add", subject)),
    });
    assert.equal(res.status, 201, await res.text());
  }
}

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return await res.text();
}

/** A database with a signed log of three events; the server's verifier key. */
async function seeded(db: string): Promise<string> {
  await using server = await startServer(db);
  await publish(server.base, new ChainAuthor(), ["github:a", "dns:a.example", "github:b"]);
  return (await text(`${server.base}/v1/log/key`)).trim();
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("log key: a signed log whose key file is missing is refused, not re-signed", async (t) => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    const oldKey = await seeded(db);
    await Deno.rename(`${db}-log.key`, `${dir}/elsewhere.key`);
    const before = await Deno.readFile(db);

    await t.step("refused in one line that says how to proceed, the file untouched", async () => {
      const { code, stderr } = await runBinary(["--bind", "127.0.0.1:0", "--db", db], {}, 15_000);
      assert.equal(code, 2, stderr);
      assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
      assert.match(stderr, /its transparency log \(size 3\) is signed by key [0-9a-f]{8}/);
      assert.match(stderr, /key file ".*chains\.db-log\.key" is missing/);
      assert.match(stderr, /restore that file .*--new-log-key/);
      assert.doesNotMatch(stderr, /created log key file/);
      assert.deepEqual(await Deno.readFile(db), before);
      assert.deepEqual(names(dir), ["chains.db", "elsewhere.key"]);
    });

    await t.step("--new-log-key: a new key, said at warn level and recorded", async () => {
      const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db, "--new-log-key"]);
      const newKey = (await text(`${server.base}/v1/log/key`)).trim();
      const checkpoint = await text(`${server.base}/v1/log/checkpoint`);
      server.child.kill("SIGTERM");
      assert.equal((await server.finished()).code, 0);
      assert.notEqual(newKey, oldKey);
      assert.match(checkpoint, /^localhost\/kez-sig-server\n3\n/, "the same log, re-signed");
      const log = server.log();
      assert.match(log, /WARN .*--new-log-key: the log of size 3, signed until now by key/);
      assert.ok(log.includes(newKey), log);
      assert.match(log, /clients that pinned the old key will report an ALARM/);
      assert.match(log, /created log key file .*chains\.db-log\.key/);
      assert.equal((await Deno.stat(`${db}-log.key`)).mode! & 0o777, 0o600);
      const conn = new DatabaseSync(db, { readOnly: true });
      const rows = conn.prepare("SELECT * FROM kez_log_key_changes").all() as {
        log_size: number;
        old_checkpoint: string;
        new_key: string;
      }[];
      conn.close();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.log_size, 3);
      assert.equal(rows[0]!.new_key, newKey);
      assert.match(rows[0]!.old_checkpoint, /^localhost\/kez-sig-server\n3\n/);
      assert.ok(rows[0]!.old_checkpoint.includes(`\u2014 localhost/kez-sig-server `));
    });

    await t.step(
      "--new-log-key beside an existing key file is refused: it is never replaced",
      async () => {
        const key = await Deno.readTextFile(`${db}-log.key`);
        const { code, stderr } = await runBinary(
          ["--bind", "127.0.0.1:0", "--db", db, "--new-log-key"],
          {},
          15_000,
        );
        assert.equal(code, 2, stderr);
        assert.match(stderr, /Cannot use --new-log-key: the log key file ".*" exists/);
        assert.equal(await Deno.readTextFile(`${db}-log.key`), key);
      },
    );
  });
});

Deno.test("log key: a new database, or one without a log, gets a key without being asked", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    {
      await using server = await startServer(db, ["--transparency-log", "false"]);
      await publish(server.base, new ChainAuthor(), ["github:a"]);
    }
    const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
    const checkpoint = await text(`${server.base}/v1/log/checkpoint`);
    server.child.kill("SIGTERM");
    assert.equal((await server.finished()).code, 0);
    assert.match(checkpoint, /^localhost\/kez-sig-server\n1\n/);
    assert.match(server.log(), /created log key file/);
  });
});

Deno.test("backup: the log key beside the copy, 0600, or a loud failure", async (t) => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    await using server = await startServer(db);
    await publish(server.base, new ChainAuthor(), ["github:a", "github:b"]);

    await t.step("the key is copied to <copy>-log.key, owner-only", async () => {
      const { code, stdout, stderr } = await runBinary(["backup", "--db", db, `${dir}/b1.db`]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /checked; log key copied to .*b1\.db-log\.key$/m);
      assert.equal(
        await Deno.readTextFile(`${dir}/b1.db-log.key`),
        await Deno.readTextFile(`${db}-log.key`),
      );
      assert.equal((await Deno.stat(`${dir}/b1.db-log.key`)).mode! & 0o777, 0o600);
    });
    await t.step("--log-key and KEZ_LOG_KEY name the key as for the server", async () => {
      await Deno.copyFile(`${db}-log.key`, `${dir}/moved.key`);
      await Deno.chmod(`${dir}/moved.key`, 0o600);
      const byFlag = await runBinary(
        ["backup", "--db", db, "--log-key", `${dir}/moved.key`, `${dir}/b2.db`],
      );
      assert.equal(byFlag.code, 0, byFlag.stderr);
      const byEnv = await runBinary(["backup", "--db", db, `${dir}/b3.db`], {
        KEZ_LOG_KEY: `${dir}/moved.key`,
      });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      assert.match(byEnv.stdout, /log key copied to .*b3\.db-log\.key/);
    });
    await t.step("a missing key: the copy is kept, exit 1, and a WARNING says why", async () => {
      const { code, stdout, stderr } = await runBinary(
        ["backup", "--db", db, "--log-key", `${dir}/none.key`, `${dir}/b4.db`],
      );
      assert.equal(code, 1, stderr);
      assert.match(stdout, /^Backed up 2 events to .*b4\.db/);
      assert.match(stderr, /WARNING: no log key copied: ".*none\.key" does not exist/);
      assert.match(stderr, /--new-log-key/);
      await Deno.stat(`${dir}/b4.db`);
      await assert.rejects(Deno.stat(`${dir}/b4.db-log.key`), Deno.errors.NotFound);
    });
    await t.step(
      "a key file others may read stops the backup before anything is written",
      async () => {
        await Deno.chmod(`${dir}/moved.key`, 0o644);
        const { code, stderr } = await runBinary(
          ["backup", "--db", db, "--log-key", `${dir}/moved.key`, `${dir}/b5.db`],
        );
        assert.equal(code, 1);
        assert.match(stderr, /group or others may access it/);
        await assert.rejects(Deno.stat(`${dir}/b5.db`), Deno.errors.NotFound);
      },
    );
  });
});

/** The restore block of docs/operations.md: the `sh` block whose first line is `# Restore`. */
function restoreBlock(): string {
  const readme = Deno.readTextFileSync(`${ROOT}docs/operations.md`);
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.startsWith("# Restore"));
  assert.ok(block, "docs/operations.md has a restore procedure");
  return block;
}

Deno.test("backup: the documented restore procedure, run as written, keeps the log and its key", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    const backup = `${dir}/backups/chains-1.db`;
    await Deno.mkdir(`${dir}/backups`);
    const author = new ChainAuthor();
    let key: string;
    let checkpoint: string;
    {
      const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
      await publish(server.base, author, ["github:a", "github:b"]);
      key = (await text(`${server.base}/v1/log/key`)).trim();
      checkpoint = await text(`${server.base}/v1/log/checkpoint`);
      const copy = await runBinary(["backup", "--db", db, backup]);
      assert.equal(copy.code, 0, copy.stderr);
      // Written after the backup, and lost with the database: the server dies, leaving its WAL.
      await publish(server.base, new ChainAuthor(), ["github:later"]);
      server.child.kill("SIGKILL");
      await server.finished();
    }
    await Deno.writeTextFile(db, "a damaged file");
    await Deno.remove(`${db}-log.key`);

    // `kez-sig-server` on PATH runs this source, with the binary's permissions.
    await Deno.mkdir(`${dir}/bin`);
    await Deno.writeTextFile(
      `${dir}/bin/kez-sig-server`,
      `#!/bin/sh\nexec "${Deno.execPath()}" run --allow-net --allow-read --allow-write --allow-env "${MAIN}" "$@"\n`,
      { mode: 0o755 },
    );
    const script = restoreBlock()
      .replace(/^db=.*$/m, `db='${db}'`)
      .replace(/^backup=.*$/m, `backup='${backup}'`);
    const restored = await new Deno.Command("sh", {
      args: ["-euc", script],
      env: { PATH: `${dir}/bin:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(restored.stdout) +
      new TextDecoder().decode(restored.stderr);
    assert.equal(restored.code, 0, out);
    assert.match(out, /Verified 1 chain, 2 events, and the log's 2 leaves: no problems/);
    assert.equal((await Deno.stat(`${db}-log.key`)).mode! & 0o777, 0o600);

    const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
    try {
      assert.equal((await text(`${server.base}/v1/log/key`)).trim(), key, "the same key");
      assert.equal(await text(`${server.base}/v1/log/checkpoint`), checkpoint, "the same log");
      await publish(server.base, author, ["github:c"]);
      const proof = await fetch(`${server.base}/v1/log/proof/consistency?from=2&to=3`);
      assert.equal(proof.status, 200, "the log grows from the backed-up checkpoint");
      await proof.body?.cancel();
      assert.doesNotMatch(server.log(), /created log key file/);
    } finally {
      server.child.kill("SIGTERM");
      await server.finished();
    }
  });
});
