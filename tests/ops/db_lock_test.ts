// One database file, one server: a second server on a live file is refused with one line naming
// the first, the read-only commands still work beside it, and the lock dies with its holder, even
// by SIGKILL.

import assert from "node:assert/strict";
import { shareDatabase } from "../../lib/runtime/db_lock.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary, spawnServer } from "../support/binary.ts";
import { withDir } from "../support/temp_dir.ts";

async function publish(base: string, author: ChainAuthor, subject: string): Promise<void> {
  const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
    method: "POST",
    body: JSON.stringify(author.next("add", subject)),
  });
  assert.equal(res.status, 201, await res.text());
}

Deno.test("db lock: a second server on a live file is refused; read-only commands still work", async (t) => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    const first = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
    try {
      const author = new ChainAuthor();
      await publish(first.base, author, "github:a");

      await t.step("the second exits 2 at once, naming the first by its pid", async () => {
        const started = performance.now();
        const { code, stderr } = await runBinary(["--bind", "127.0.0.1:0", "--db", db], {}, 15_000);
        assert.equal(code, 2, stderr);
        assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
        assert.match(
          stderr,
          new RegExp(`Cannot open database ".*chains\\.db": pid ${first.child.pid} \\(`),
        );
        assert.match(stderr, /is serving it; one database file has one server/);
        assert.ok(performance.now() - started < 10_000);
      });
      await t.step("a mirror on the same file is refused too", async () => {
        const { code, stderr } = await runBinary(
          ["mirror", "--upstream", first.base, "--bind", "127.0.0.1:0", "--db", db],
          {},
          15_000,
        );
        assert.equal(code, 2, stderr);
        assert.match(stderr, new RegExp(`pid ${first.child.pid} `));
      });
      await t.step("the first still serves, and its log is whole", async () => {
        await publish(first.base, author, "github:b");
        const res = await fetch(`${first.base}/v1/log/checkpoint`);
        assert.match(await res.text(), /^localhost\/kez-sig-server\n2\n/);
      });
      await t.step("stats, verify and backup work beside it", async () => {
        const stats = await runBinary(["stats", "--db", db]);
        assert.equal(stats.code, 0, stats.stderr);
        assert.match(stats.stdout, /^Events: 2$/m);
        const verify = await runBinary(["verify", "--db", db]);
        assert.equal(verify.code, 0, verify.stdout);
        const backup = await runBinary(["backup", "--db", db, `${dir}/copy.db`]);
        assert.equal(backup.code, 0, backup.stderr);
        await publish(first.base, author, "github:c");
      });
    } finally {
      first.child.kill("SIGKILL");
      await first.finished();
    }
    await t.step("SIGKILL releases the lock: the next server starts on the file", async () => {
      const next = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
      const res = await fetch(`${next.base}/v1/log/checkpoint`);
      assert.match(await res.text(), /^localhost\/kez-sig-server\n3\n/);
      // The pid file the killed server left now names this one.
      const pid = (await Deno.readTextFile(`${db}-server.pid`)).split(" ")[0];
      assert.equal(pid, String(next.child.pid));
      next.child.kill("SIGTERM");
      assert.equal((await next.finished()).code, 0);
      await assert.rejects(Deno.stat(`${db}-server.pid`), Deno.errors.NotFound);
    });
    await t.step("a command reading an idle file holds off a server, which says so", async () => {
      const reader = shareDatabase(db);
      assert.ok(reader !== null);
      try {
        const { code, stderr } = await runBinary(["--bind", "127.0.0.1:0", "--db", db], {}, 15_000);
        assert.equal(code, 2, stderr);
        assert.match(stderr, /a maintenance command \(stats, verify or backup\) is reading it/);
      } finally {
        reader.release();
      }
    });
  });
});

Deno.test("db lock: a server that refuses a held file leaves it and its key alone", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    const first = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
    try {
      const key = await Deno.readTextFile(`${db}-log.key`);
      const { code } = await runBinary(
        ["--bind", "127.0.0.1:0", "--db", db, "--log-key", `${dir}/k`],
        {},
        15_000,
      );
      assert.equal(code, 2);
      await assert.rejects(Deno.stat(`${dir}/k`), Deno.errors.NotFound, "no key made");
      assert.equal(await Deno.readTextFile(`${db}-log.key`), key);
      const res = await fetch(`${first.base}/v1/healthz`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    } finally {
      first.child.kill("SIGTERM");
      assert.equal((await first.finished()).code, 0);
    }
  });
});
