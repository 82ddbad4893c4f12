import assert from "node:assert/strict";
import { base64urlnopad } from "@scure/base";
import {
  decodeCompactBundle,
  encodeCompactBundle,
  fetchChain,
  KezError,
  MAX_INFLATED_BYTES,
} from "../../lib/client/mod.ts";
import { withChannelHost } from "../support/channel_host.ts";
import { kezIn, newIdentity, withDirs } from "./kez_support.ts";

/** A bundle of `size` zero bytes: a few bytes that inflate to many. */
async function bomb(size: number): Promise<string> {
  const packed = new Blob([new Uint8Array(size)]).stream()
    .pipeThrough(new CompressionStream("deflate-raw"));
  return "kez:zc1:" + base64urlnopad.encode(await new Response(packed).bytes());
}

Deno.test("the compact bundle", async (t) => {
  const primary = "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  await t.step("decodeCompactBundle() reads what encodeCompactBundle() wrote", async () => {
    const jsonl = '{"kez":"sigchain_event"}\n'.repeat(100);
    const bundle = await encodeCompactBundle(jsonl);
    assert.match(bundle, /^kez:zc1:[A-Za-z0-9_-]+$/);
    assert.ok(bundle.length < jsonl.length / 5, "compressed");
    assert.equal(await decodeCompactBundle(bundle + "\n", "x"), jsonl);
  });
  await t.step("decodeCompactBundle() refuses a bundle that inflates past 1 MiB", async () => {
    const small = await bomb(MAX_INFLATED_BYTES);
    assert.equal((await decodeCompactBundle(small, "x")).length, MAX_INFLATED_BYTES);
    const big = await bomb(64 * MAX_INFLATED_BYTES);
    assert.ok(big.length < 100_000);
    await assert.rejects(
      decodeCompactBundle(big, "big"),
      (e) =>
        e instanceof KezError && e.code === "payload_too_large" && /1048576 bytes/.test(e.message),
    );
  });
  await t.step("decodeCompactBundle() refuses bad base64url and bad DEFLATE", async () => {
    for (const text of ["kez:zc1:a+b", "kez:zc1:Bw", "kez:zc1:__8"]) {
      await assert.rejects(
        decodeCompactBundle(text, "x"),
        (e) => e instanceof KezError && e.code === "invalid_json",
        text,
      );
    }
  });
  await t.step(
    "fetchChain() gives a bomb, a bad bundle and a good one their verdicts",
    async () => {
      const big = await bomb(2 * MAX_INFLATED_BYTES);
      const read = (name: string, text: string) => ({
        kind: "reader" as const,
        name,
        read: () => Promise.resolve(text),
      });
      const { verdicts } = await fetchChain(primary, [
        read("bomb", big),
        read("bad", "kez:zc1:!"),
        read("empty", await encodeCompactBundle("")),
      ]);
      assert.deepEqual(verdicts.map((v) => v.status), ["invalid", "invalid", "valid"]);
    },
  );
});

Deno.test("the web: and gist: channels, through kez", async (t) => {
  await withChannelHost(async (host) => {
    await withDirs(3, async (home, out, reader) => {
      const { primary, secret } = await newIdentity(home);
      const env = { KEZ_HOME: home, KEZ_SECRET: secret };
      for (const subject of ["github:jason", "dns:jason.example"]) {
        assert.equal((await kezIn(["sigchain", "add", subject], env)).code, 0);
      }
      const web = `web:${host.base}`;
      const gistFlags = ["--github-api", host.base];
      const fetch = (sources: string[], more: string[] = []) =>
        kezIn([
          "sigchain",
          "fetch",
          primary,
          ...sources.flatMap((s) => ["--source", s]),
          ...more,
        ], { KEZ_HOME: reader });

      await t.step("publish --to web: writes the file to upload", async () => {
        const run = await kezIn(["sigchain", "publish", "--to", web, "--out", out], env);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, [
          `${web}: wrote 2 event(s) to ${out}/kez-sigchain.jsonl; upload it to ${host.base}/.well-known/kez-sigchain.jsonl`,
        ]);
        const exported = (await kezIn(["sigchain", "export"], env)).stdout;
        assert.equal(await Deno.readTextFile(`${out}/kez-sigchain.jsonl`), exported);
      });
      await t.step("fetch --source web: before the upload is not found", async () => {
        const run = await fetch([web]);
        assert.equal(run.code, 1);
        assert.match(run.lines[0]!, new RegExp(`^${web}: not found: Cannot get .*404`));
      });
      await t.step("fetch --source web: reads the uploaded file, JSONL or compact", async () => {
        host.wellKnown.set(
          "kez-sigchain.jsonl",
          await Deno.readTextFile(`${out}/kez-sigchain.jsonl`),
        );
        const run = await fetch([web]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.lines[0], `${web}: valid, 2 event(s)`);
        const compact = (await kezIn(["sigchain", "export", "--compact"], env)).stdout;
        assert.match(compact, /^kez:zc1:\S+\n$/);
        host.wellKnown.set("kez-sigchain.jsonl", compact);
        assert.equal((await fetch([web])).lines[0], `${web}: valid, 2 event(s)`);
      });
      await t.step("an oversize file is invalid and a stalled one times out", async () => {
        host.wellKnown.set("kez-sigchain.jsonl", new Uint8Array(16 * 1024 * 1024 + 1));
        const big = await fetch([web]);
        assert.match(big.lines[0]!, new RegExp(`^${web}: invalid: .*larger than 16777216 bytes`));
        host.stalled.add("/.well-known/kez-sigchain.jsonl");
        const started = Date.now();
        const stalled = await fetch([web, `${out}/kez-sigchain.jsonl`], ["--timeout", "0.5"]);
        assert.ok(Date.now() - started < 10_000);
        assert.equal(stalled.code, 0, "the other source holds the chain");
        assert.equal(
          stalled.lines[0],
          `${web}: unreachable: Cannot read ${web}: no answer within 500 ms`,
        );
        host.stalled.clear();
        host.wellKnown.set(
          "kez-sigchain.jsonl",
          await Deno.readTextFile(`${out}/kez-sigchain.jsonl`),
        );
      });
      await t.step("publish --to gist: without GITHUB_TOKEN prints the steps", async () => {
        const run = await kezIn(["sigchain", "publish", "--to", "gist:jason", ...gistFlags], env);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.lines[0]!, /^gist:jason: GITHUB_TOKEN is not set; to publish by hand:$/);
        assert.equal(host.gists.length, 0);
      });
      await t.step("fetch --source gist: of a user without the file is not found", async () => {
        const run = await fetch(["gist:jason"], gistFlags);
        assert.equal(run.code, 1);
        assert.equal(
          run.lines[0],
          "gist:jason: not found: No public gist of jason holds kez-sigchain.jsonl",
        );
      });
      await t.step(
        "publish --to gist: with GITHUB_TOKEN creates, then updates, one gist",
        async () => {
          const withToken = { ...env, GITHUB_TOKEN: host.token };
          const publish = ["sigchain", "publish", "--to", "gist:jason", ...gistFlags];
          const created = await kezIn(publish, withToken);
          assert.equal(created.code, 0, created.stderr);
          assert.deepEqual(created.lines, [
            `gist:jason: created ${host.base}/gist/g1 with 2 event(s)`,
          ]);
          assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
          const updated = await kezIn(publish, withToken);
          assert.deepEqual(updated.lines, [
            `gist:jason: updated ${host.base}/gist/g1 with 3 event(s)`,
          ]);
          assert.equal(host.gists.length, 1);
          const refused = await kezIn(publish, { ...env, GITHUB_TOKEN: "wrong" });
          assert.equal(refused.code, 1);
          assert.match(refused.stderr, /^kez: Cannot write gist of jason: server answered 401/);
        },
      );
      await t.step("fetch --source gist: reads the gist: the longest valid copy wins", async () => {
        const run = await fetch(["gist:jason", web], gistFlags);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines.slice(0, 3), [
          "gist:jason: valid, 3 event(s)",
          `${web}: valid, 2 event(s)`,
          `Result: 3 event(s) of ${primary}`,
        ]);
        assert.equal(run.lines.at(-1), "Active: dns:jason.example");
      });
      await t.step("malformed channel sources are usage errors", async () => {
        for (const source of ["gist:-bad-", "web:not a domain", "dns:"]) {
          const run = await fetch([source]);
          assert.equal(run.code, 2, source);
          assert.match(run.stderr, /^kez: Invalid /, source);
        }
      });
    });
  });
});
