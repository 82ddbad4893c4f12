import assert from "node:assert/strict";
import {
  formatVerifierKey,
  parseCosignerKey,
  parseNote,
  verifyCosignature,
} from "../../lib/tlog/mod.ts";
import { ServerProcess } from "../support/server_process.ts";
import { withDir } from "../support/temp_dir.ts";
import { body, checkpoint, logKey } from "./test_log.ts";

const LOG_VKEY = formatVerifierKey(logKey);

function startWitness(dir: string): Promise<ServerProcess> {
  return ServerProcess.start({
    command: "witness",
    db: `${dir}/w.db`,
    args: ["--key", `${dir}/w.key`, "--name", "w.example/w1", "--log", LOG_VKEY],
  });
}

function vkeyOf(server: ServerProcess) {
  return parseCosignerKey(/witness (\S+) listening/.exec(server.log)![1]!);
}

function post(server: ServerProcess, text: string, path = "/add-checkpoint"): Promise<Response> {
  return fetch(`${server.base}${path}`, { method: "POST", body: text });
}

Deno.test("kez-sig-server witness", async (t) => {
  await t.step(
    "cosigns over HTTP, answers 409 as text/x.tlog.size, keeps its state over a restart",
    async () => {
      await withDir(async (dir) => {
        let key;
        {
          await using server = await startWitness(dir);
          key = vkeyOf(server);
          const res = await post(server, body(0, 7));
          assert.equal(res.status, 200);
          const text = parseNote(checkpoint(7)).text;
          const [sig] = parseNote(`${text}\n${await res.text()}`).signatures;
          assert.ok(verifyCosignature(sig!, text, key));
          const stale = await post(server, body(3, 9));
          assert.equal(stale.status, 409);
          assert.equal(stale.headers.get("content-type"), "text/x.tlog.size");
          assert.equal(await stale.text(), "7\n");
          assert.equal((await fetch(`${server.base}/add-checkpoint`)).status, 405);
          assert.equal((await post(server, body(7, 9), "/other")).status, 404);
          assert.equal((await post(server, "x".repeat(70_000))).status, 413);
          server.kill("SIGTERM");
          assert.equal((await server.exited(10_000)).code, 0);
        }
        assert.equal((await Deno.stat(`${dir}/w.key`)).mode! & 0o777, 0o600);
        const seed = await Deno.readTextFile(`${dir}/w.key`);
        await using again = await startWitness(dir);
        assert.deepEqual(vkeyOf(again), key);
        assert.equal(await Deno.readTextFile(`${dir}/w.key`), seed);
        const res = await post(again, body(0, 9));
        assert.equal(res.status, 409);
        assert.equal(await res.text(), "7\n");
        assert.equal((await post(again, body(7, 9))).status, 200);
      });
    },
  );

  await t.step(
    "of concurrent requests from one size, one wins and the state never goes back",
    async () => {
      await withDir(async (dir) => {
        await using server = await startWitness(dir);
        assert.equal((await post(server, body(0, 10))).status, 200);
        const sizes = Array.from({ length: 12 }, (_, i) => 11 + i);
        const answers = await Promise.all(sizes.map(async (size) => {
          const res = await post(server, body(10, size));
          return { size, status: res.status, text: await res.text() };
        }));
        const won = answers.filter((a) => a.status === 200);
        assert.equal(won.length, 1);
        for (const a of answers.filter((a) => a.status !== 200)) {
          assert.deepEqual([a.status, a.text], [409, `${won[0]!.size}\n`]);
        }
        const next = await post(server, body(0, 30));
        assert.equal(await next.text(), `${won[0]!.size}\n`);
      });
    },
  );

  await t.step("refuses to start on a key file others may read", async () => {
    await withDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/w.key`, "00".repeat(32) + "\n", { mode: 0o644 });
      await Deno.chmod(`${dir}/w.key`, 0o644);
      await assert.rejects(startWitness(dir), /group or others may access it/);
    });
  });
});
