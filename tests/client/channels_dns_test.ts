import assert from "node:assert/strict";
import { withChannelHost } from "../support/channel_host.ts";
import { dnsmasqTest, withDnsmasq } from "../support/dnsmasq.ts";
import { deadServer, kezIn, newIdentity, withDirs } from "./kez_support.ts";

/** The value of a zone-file TXT record line: its strings joined. */
function txtValue(line: string): string {
  return [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
}

dnsmasqTest("the dns: channel, through kez and dnsmasq", async (t) => {
  await withChannelHost(async (host) => {
    await withDirs(2, async (home, reader) => {
      const { primary, secret } = await newIdentity(home);
      const env = { KEZ_HOME: home, KEZ_SECRET: secret };
      for (const subject of ["github:jason", "dns:jason.example"]) {
        assert.equal((await kezIn(["sigchain", "add", subject], env)).code, 0);
      }
      host.wellKnown.set("kez-sigchain.jsonl", (await kezIn(["sigchain", "export"], env)).stdout);
      const published = await kezIn(["sigchain", "publish", "--to", "dns:jason.test"], env);
      assert.equal(published.code, 0, published.stderr);
      const record = published.lines[1]!;
      assert.match(record, /^_kez-chain\.jason\.test\. 3600 IN TXT "kez:zc1:[^"]{247}" "/);
      const bundle = txtValue(record);
      assert.ok(bundle.length > 255, "a record of several strings");
      const dead = deadServer();
      await withDnsmasq([
        ["_kez-chain.jason.test", bundle],
        ["_kez-chain.jason.test", "v=other unrelated"],
        ["_kez-chain.hint.test", `kez-chain=${host.base}/.well-known/kez-sigchain.jsonl`],
        ["_kez-chain.dead.test", `kez-chain=${dead}/.well-known/kez-sigchain.jsonl`],
        ["_kez-chain.two.test", bundle],
        ["_kez-chain.two.test", "kez-chain=https://jason.example/"],
      ], async ({ nameserver }) => {
        const fetch = (domain: string) =>
          kezIn(
            ["sigchain", "fetch", primary, "--source", `dns:${domain}`, "--nameserver", nameserver],
            { KEZ_HOME: reader },
          );
        await t.step(
          "a record over 255 bytes, in several strings, is joined and read",
          async () => {
            const run = await fetch("jason.test");
            assert.equal(run.code, 0, run.stderr);
            assert.equal(run.lines[0], "dns:jason.test: valid, 2 event(s)");
          },
        );
        await t.step("a missing record is not found", async () => {
          const run = await fetch("missing.test");
          assert.equal(run.code, 1);
          assert.equal(
            run.lines[0],
            "dns:missing.test: not found: No kez:zc1: or kez-chain= TXT record at _kez-chain.missing.test",
          );
        });
        await t.step("a hint is followed", async () => {
          const run = await fetch("hint.test");
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.lines[0], "dns:hint.test: valid, 2 event(s)");
        });
        await t.step("a hint to an unreachable URL is unreachable", async () => {
          const run = await fetch("dead.test");
          assert.equal(run.code, 1);
          assert.match(
            run.lines[0]!,
            new RegExp(`^dns:dead\\.test: unreachable: Following hint ${dead}/\\S+: Cannot reach `),
          );
        });
        await t.step("two KEZ records at one name are invalid", async () => {
          const run = await fetch("two.test");
          assert.equal(run.code, 1);
          assert.match(run.lines[0]!, /^dns:two\.test: invalid: .*2 KEZ TXT records/);
        });
      });
      await t.step("a nameserver that does not answer is unreachable", async () => {
        const port = new URL(deadServer()).port;
        const run = await kezIn([
          "sigchain",
          "fetch",
          primary,
          "--source",
          "dns:jason.test",
          "--nameserver",
          `127.0.0.1:${port}`,
          "--timeout",
          "1",
        ], { KEZ_HOME: reader });
        assert.equal(run.code, 1);
        assert.match(run.lines[0]!, /^dns:jason\.test: unreachable: /);
      });
    });
  });
});
