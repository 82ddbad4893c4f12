import assert from "node:assert/strict";
import { withServer } from "../support/test_server.ts";
import { deadServer, kez, kezIn, newIdentity, withDirs, withLog } from "./kez_support.ts";

/** Flips one bit of the first occurrence of `needle` in a file's bytes. */
async function flipByte(path: string, needle: string): Promise<void> {
  const bytes = await Deno.readFile(path);
  const at = new TextDecoder().decode(bytes).indexOf(needle);
  assert.ok(at >= 0, needle);
  bytes[at] = bytes[at]! ^ 0x01;
  await Deno.writeFile(path, bytes);
}

Deno.test("kez sigchain fetch, check and verify", async (t) => {
  await withServer(async (server) => {
    await withDirs(4, async (home, fork, dir, reader) => {
      // A reader keeps the log's key and checkpoint in a home of its own.
      const as = { KEZ_HOME: reader };
      const { primary, secret } = await newIdentity(home);
      const env = { KEZ_HOME: home, KEZ_SECRET: secret };
      for (const subject of ["github:jason", "dns:jason.example"]) {
        assert.equal((await kezIn(["sigchain", "add", subject], env)).code, 0);
      }
      assert.equal((await kezIn(["sigchain", "publish", "--server", server.base], env)).code, 0);
      const good = `${dir}/good.jsonl`;
      await Deno.writeTextFile(good, (await kezIn(["sigchain", "export"], env)).stdout);

      await t.step("verify prints the state of a valid file", async () => {
        const run = await kezIn(["sigchain", "verify", good], {});
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, [
          `Valid: 2 event(s) of ${primary}`,
          `Head: ${
            (await server.request("GET", `/v1/sigchains/${primary.replace(":", "/")}/head`)).headers
              .get("etag")!.slice(1, -1)
          }`,
          "Active: github:jason dns:jason.example",
        ]);
      });
      await t.step("verify reads standard input for -", async () => {
        const run = await kezIn(
          ["sigchain", "verify", "-", "--json"],
          {},
          await Deno.readFile(good),
        );
        assert.equal(run.code, 0, run.stderr);
        assert.equal(JSON.parse(run.stdout).valid, true);
      });
      await t.step("verify reads the compact bundle that export --compact prints", async () => {
        const compact = await kezIn(["sigchain", "export", "--compact"], env);
        assert.equal(compact.code, 0, compact.stderr);
        assert.match(compact.stdout, /^kez:zc1:/);
        await Deno.writeTextFile(`${dir}/good.zc1`, compact.stdout);
        const run = await kezIn(["sigchain", "verify", `${dir}/good.zc1`], {});
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.lines[0], `Valid: 2 event(s) of ${primary}`);
      });
      const tampered = `${dir}/tampered.jsonl`;
      await Deno.copyFile(good, tampered);
      await flipByte(tampered, "dns:jason.example");
      await t.step("verify on a file with one flipped byte exits 1 with the reason", async () => {
        const run = await kez(["sigchain", "verify", tampered], {});
        assert.equal(run.code, 1);
        assert.deepEqual(run.lines, [
          "Invalid: line 2: Invalid signature: the signature does not verify",
        ]);
      });
      await t.step("fetch: one good and one tampered source, and a dead server", async () => {
        const dead = deadServer();
        const run = await kezIn([
          "sigchain",
          "fetch",
          primary,
          "--server",
          server.base,
          "--server",
          dead,
          "--source",
          tampered,
        ], as);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.lines[0], `${server.base}: valid, 2 event(s)`);
        assert.match(
          run.lines[1]!,
          new RegExp(`^${dead}: unreachable: Cannot reach ${dead}/v1/sigchains/\\S+: .*refused`),
        );
        assert.equal(
          run.lines[2],
          `${tampered}: invalid: line 2: Invalid signature: the signature does not verify`,
        );
        assert.equal(run.lines[3], `Result: 2 event(s) of ${primary}`);
        assert.equal(run.lines.at(-1), "Active: github:jason dns:jason.example");
      });
      await t.step("fetch: only unreachable sources is no valid copy, exit 1", async () => {
        const run = await kezIn(
          ["sigchain", "fetch", primary, "--server", deadServer(), "--json"],
          as,
        );
        assert.equal(run.code, 1);
        const out = JSON.parse(run.stdout);
        assert.equal(out.chain, null);
        assert.equal(out.verdicts[0].status, "unreachable");
      });
      await t.step("fetch: a forked source exits 1 naming the seq and both hashes", async () => {
        // The same key on another device, diverging after seq 0.
        const other = { KEZ_HOME: fork, KEZ_SECRET: secret };
        assert.equal((await kezIn(["sigchain", "add", "github:jason"], other)).code, 0);
        assert.equal((await kezIn(["sigchain", "add", "dns:other.example"], other)).code, 0);
        const forked = `${dir}/forked.jsonl`;
        await Deno.writeTextFile(forked, (await kezIn(["sigchain", "export"], other)).stdout);
        const hashes = async (home: string) =>
          JSON.parse(
            (await kezIn(["sigchain", "show", "--json"], { ...env, KEZ_HOME: home })).stdout,
          )
            .events.map((e: { hash: string }) => e.hash);
        const [ours, theirs] = [await hashes(home), await hashes(fork)];

        const run = await kezIn(
          ["sigchain", "fetch", primary, "--server", server.base, "--source", forked],
          as,
        );
        assert.equal(run.code, 1);
        assert.equal(
          run.lines.at(-1),
          `Result: fork at seq 0: ${server.base} has ${ours[0]}, ${forked} has ${theirs[0]}`,
        );
      });
      await t.step("check before and after a revoke", async () => {
        const check = ["sigchain", "check", "github:jason", "--primary", primary];
        const before = await kezIn([...check, "--server", server.base], as);
        assert.equal(before.code, 0, before.stderr);
        assert.deepEqual(before.lines, [`github:jason is active for ${primary}`]);

        assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
        const local = await kezIn(check, { KEZ_HOME: home });
        assert.equal(local.code, 1, "the local chain already has the revoke");
        assert.equal((await kezIn(["sigchain", "publish", "--server", server.base], env)).code, 0);

        const dead = deadServer();
        const after = await kezIn([...check, "--server", server.base, "--server", dead], as);
        assert.equal(after.code, 1);
        assert.deepEqual(after.lines, [`github:jason is not active for ${primary}`]);
        assert.match(after.stderr, new RegExp(`^kez: warning: ${dead}: unreachable: `));
      });
    });
  }, withLog());
});

Deno.test("kez with ed25519 identities", async () => {
  await withServer(async (server) => {
    await withDirs(1, async (home) => {
      const run = await kez(["identity", "new", "--alg", "ed25519"], { KEZ_HOME: home });
      assert.equal(run.code, 0);
      assert.match(run.lines[0]!, /^Primary: ed25519:[0-9a-f]{64}$/);
      assert.match(run.lines[1]!, /^Secret: ed25519-seed:[0-9a-f]{64}$/);
      const primary = run.lines[0]!.slice("Primary: ".length);
      const secret = run.lines[1]!.slice("Secret: ".length);
      const add = await kezIn(["sigchain", "add", "github:jason", "--nsec", secret, "--json"], {
        KEZ_HOME: home,
      });
      assert.equal(JSON.parse(add.stdout).primary, primary);
      await Deno.stat(`${home}/sigchains/ed25519_${primary.slice(8)}.jsonl`);
      const publish = await kezIn(
        ["sigchain", "publish", "--server", server.base, "--nsec", secret],
        { KEZ_HOME: home },
      );
      assert.deepEqual(publish.lines, ["server: posted 1 event(s), 0 already present"]);
      const check = await kezIn(
        ["sigchain", "check", "github:jason", "--primary", primary, "--server", server.base],
        { KEZ_HOME: home },
      );
      assert.equal(check.code, 0, check.stderr);
    });
  }, withLog());
});
