import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { formatVerifierKey, verifierKey } from "../../lib/tlog/mod.ts";
import { withServer } from "../support/test_server.ts";
import {
  addAndPublish,
  kezIn,
  newIdentity,
  TEST_ORIGIN,
  withDirs,
  withLog,
} from "./kez_support.ts";

Deno.test("kez log proof and verify-proof round trip", async (t) => {
  await withServer(async (server) => {
    await withDirs(3, async (author, reader, dir) => {
      const { primary, secret } = await newIdentity(author);
      const env = { KEZ_HOME: author, KEZ_SECRET: secret };
      const subjects = ["github:jason", "dns:j.example", "web:https://j.example/"];
      assert.equal((await addAndPublish(env, server.base, subjects)).code, 0);
      const key = (await server.request("GET", "/v1/log/key")).text.trimEnd();
      const chain = (await kezIn(["sigchain", "export"], env)).lines;
      const [proofFile, eventFile] = [`${dir}/proof.txt`, `${dir}/event.json`];

      await t.step("proof prints the server's tlog-proof of the head, checked", async () => {
        const run = await kezIn(
          ["log", "proof", primary, "--server", server.base, "--event", eventFile],
          env,
        );
        assert.equal(run.code, 0, run.stderr);
        const path = primary.replace(":", "/");
        const served = await server.request("GET", `/v1/sigchains/${path}/head/proof`);
        assert.equal(run.stdout, served.text);
        assert.equal(run.lines[0], "c2sp.org/tlog-proof@v1");
        assert.equal(run.lines[1], "index 2");
        assert.equal(await Deno.readTextFile(eventFile), chain[2] + "\n");
        await Deno.writeTextFile(proofFile, run.stdout);
      });
      await t.step("verify-proof checks it with the trusted key", async () => {
        const run = await kezIn(["log", "verify-proof", proofFile, "--event", eventFile], env);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, [
          `Valid: ${primary} seq 2 is entry 2 of the log ${TEST_ORIGIN} (tree size 3)`,
        ]);
      });
      await t.step(
        "verify-proof checks it offline with --key, and any form of the event",
        async () => {
          const pretty = `${dir}/pretty.json`;
          await Deno.writeTextFile(pretty, JSON.stringify(JSON.parse(chain[2]!), null, 2));
          const run = await kezIn(
            ["log", "verify-proof", proofFile, "--event", pretty, "--key", key, "--json"],
            { KEZ_HOME: reader },
          );
          assert.equal(run.code, 0, run.stderr);
          assert.deepEqual(JSON.parse(run.stdout), {
            valid: true,
            primary,
            seq: 2,
            index: 2,
            size: 3,
            key,
          });
        },
      );
      await t.step("verify-proof refuses another event, or another key", async () => {
        const other = `${dir}/other.json`;
        await Deno.writeTextFile(other, chain[1]!);
        const wrongEvent = await kezIn(
          ["log", "verify-proof", proofFile, "--event", other, "--key", key],
          { KEZ_HOME: reader },
        );
        assert.equal(wrongEvent.code, 1);
        assert.deepEqual(wrongEvent.lines, [
          `Invalid: with ${key}: The audit path does not lead from leaf 2 to the checkpoint's root`,
        ]);
        const wrong = formatVerifierKey(
          verifierKey(TEST_ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(3))),
        );
        const wrongKey = await kezIn(
          ["log", "verify-proof", proofFile, "--event", eventFile, "--key", wrong],
          { KEZ_HOME: reader },
        );
        assert.equal(wrongKey.code, 1);
        assert.match(wrongKey.lines[0]!, /^Invalid: with \S+: The note has no signature by /);
        const noKey = await kezIn(["log", "verify-proof", proofFile, "--event", eventFile], {
          KEZ_HOME: reader,
        });
        assert.equal(noKey.code, 1);
        assert.match(noKey.stderr, /^kez: Cannot verify proof: no key is trusted for the log /);
      });
      await t.step("proof --seq picks an earlier event", async () => {
        const run = await kezIn(
          ["log", "proof", primary, "--server", server.base, "--seq", "0", "--json"],
          { KEZ_HOME: reader },
        );
        assert.equal(run.code, 0, run.stderr);
        const out = JSON.parse(run.stdout);
        assert.deepEqual([out.seq, out.index, out.event], [0, 0, chain[0]]);
        const missing = await kezIn(
          ["log", "proof", primary, "--server", server.base, "--seq", "3"],
          { KEZ_HOME: reader },
        );
        assert.equal(missing.code, 1);
        assert.equal(
          missing.stderr,
          `kez: Cannot prove ${primary} seq 3: ${server.base} holds 3 event(s)\n`,
        );
      });
    });
  }, withLog());
});
