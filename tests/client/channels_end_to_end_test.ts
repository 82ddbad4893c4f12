import assert from "node:assert/strict";
import { withChannelHost } from "../support/channel_host.ts";
import { dnsmasqTest, withDnsmasq } from "../support/dnsmasq.ts";
import { withRelay } from "../support/nostr_relay.ts";
import { withServer } from "../support/test_server.ts";
import { prefix } from "./chains.ts";
import { appendEvent, decodeSecret } from "../../lib/client/mod.ts";
import { Sigchain } from "../../lib/protocol/mod.ts";
import { kezIn, newIdentity, withDirs, withLog } from "./kez_support.ts";

/** The value of a zone-file TXT record line: its strings joined. */
function txtValue(line: string): string {
  return [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
}

dnsmasqTest("one chain on a server, a website, DNS and nostr; then the server goes", async (t) => {
  await withChannelHost(async (host) => {
    await withRelay(async (relay) => {
      await withDirs(3, async (home, out, reader) => {
        const { primary, secret } = await newIdentity(home);
        const npub = primary.slice("nostr:".length);
        const env = { KEZ_HOME: home, KEZ_SECRET: secret, KEZ_NOSTR_RELAYS: relay.url };
        for (const subject of ["github:jason", "dns:jason.example"]) {
          assert.equal((await kezIn(["sigchain", "add", subject], env)).code, 0);
        }
        const web = `web:${host.base}`;
        let server = "";
        let dnsRecord = "";
        await withServer(async (s) => {
          server = s.base;
          const run = await kezIn([
            "sigchain",
            "publish",
            "--server",
            s.base,
            "--to",
            web,
            "--out",
            out,
            "--to",
            "dns:jason.test",
            "--to",
            `nostr:${npub}`,
          ], env);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.lines[0], "server: posted 2 event(s), 0 already present");
          dnsRecord = txtValue(run.lines.find((l) => l.startsWith("_kez-chain.jason.test."))!);
          assert.ok(run.lines.includes(`nostr:${npub}: ${relay.url}: accepted`));
        }, withLog());
        host.wellKnown.set(
          "kez-sigchain.jsonl",
          await Deno.readTextFile(`${out}/kez-sigchain.jsonl`),
        );

        await withDnsmasq([["_kez-chain.jason.test", dnsRecord]], async ({ nameserver }) => {
          const everywhere = [
            "--server",
            server,
            "--source",
            web,
            "--source",
            "dns:jason.test",
            "--source",
            `nostr:${npub}@${relay.url}`,
            "--nameserver",
            nameserver,
          ];
          const fetch = () =>
            kezIn(["sigchain", "fetch", primary, ...everywhere], { KEZ_HOME: reader });

          await t.step("with the server stopped, the channels still give the chain", async () => {
            const run = await fetch();
            assert.equal(run.code, 0, run.stderr);
            assert.match(run.lines[0]!, new RegExp(`^${server}: unreachable: `));
            assert.deepEqual(run.lines.slice(1, 5), [
              `${web}: valid, 2 event(s)`,
              "dns:jason.test: valid, 2 event(s)",
              `nostr:${npub}@${relay.url}: valid, 2 event(s)`,
              `Result: 2 event(s) of ${primary}`,
            ]);
          });
          await t.step(
            "a revoke published only to nostr wins: the longer valid chain",
            async () => {
              assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
              const run = await kezIn(["sigchain", "publish", "--to", `nostr:${npub}`], env);
              assert.equal(run.code, 0, run.stderr);
              const fetched = await fetch();
              assert.equal(fetched.code, 0, fetched.stderr);
              assert.equal(fetched.lines[3], `nostr:${npub}@${relay.url}: valid, 3 event(s)`);
              assert.equal(fetched.lines[4], `Result: 3 event(s) of ${primary}`);
              assert.equal(fetched.lines.at(-1), "Active: dns:jason.example");
              const check = await kezIn(
                ["sigchain", "check", "github:jason", "--primary", primary, ...everywhere],
                { KEZ_HOME: reader },
              );
              assert.equal(check.code, 1);
              assert.equal(check.lines[0], `github:jason is not active for ${primary}`);
            },
          );
          await t.step("two channels holding forks (web:, nostr:) are a fork, exit 1", async () => {
            const key = decodeSecret(secret);
            const local = new Sigchain(primary);
            for (const line of (await kezIn(["sigchain", "export"], env)).lines) {
              local.append(JSON.parse(line));
            }
            const forked = prefix(local, 2);
            appendEvent(forked, key, "add", "dns:other.example");
            host.wellKnown.set("kez-sigchain.jsonl", forked.toJsonl());
            const run = await fetch();
            assert.equal(run.code, 1);
            assert.match(run.lines.at(-1)!, /^Result: fork at seq 2: /);
          });
        });
      });
    });
  });
});
