import assert from "node:assert/strict";
import { finalizeEvent } from "nostr-tools/pure";
import {
  appendEvent,
  decodeSecret,
  encodeCompactBundle,
  NOSTR_D_TAG,
  NOSTR_KIND,
} from "../../lib/client/mod.ts";
import { Sigchain } from "../../lib/protocol/mod.ts";
import { withRelay } from "../support/nostr_relay.ts";
import { prefix } from "./chains.ts";
import { deadServer, kezIn, newIdentity, withDirs } from "./kez_support.ts";

/** A chain's event as a relay would serve it, signed with `secret`. */
async function signedEvent(secret: Uint8Array, jsonl: string, createdAt: number) {
  return finalizeEvent({
    kind: NOSTR_KIND,
    created_at: createdAt,
    tags: [["d", NOSTR_D_TAG]],
    content: await encodeCompactBundle(jsonl),
  }, secret);
}

Deno.test("the nostr: channel, through kez and a relay", async (t) => {
  await withRelay(async (honest) => {
    await withRelay(async (liar) => {
      await withDirs(3, async (home, reader, edHome) => {
        const { primary, secret } = await newIdentity(home);
        const npub = primary.slice("nostr:".length);
        const key = decodeSecret(secret);
        const env = { KEZ_HOME: home, KEZ_SECRET: secret };
        for (const subject of ["github:jason", "dns:jason.example"]) {
          assert.equal((await kezIn(["sigchain", "add", subject], env)).code, 0);
        }
        const local = new Sigchain(primary);
        for (const line of (await kezIn(["sigchain", "export"], env)).lines) {
          local.append(JSON.parse(line));
        }
        const dead = deadServer().replace("http:", "ws:");
        const fetch = (relays: string[]) =>
          kezIn(["sigchain", "fetch", primary, "--source", `nostr:${npub}@${relays.join(",")}`], {
            KEZ_HOME: reader,
          });

        await t.step("publish --to nostr: signs the event and sends it to the relay", async () => {
          const run = await kezIn(
            ["sigchain", "publish", "--to", `nostr:${npub}`],
            { ...env, KEZ_NOSTR_RELAYS: honest.url },
          );
          assert.equal(run.code, 0, run.stderr);
          assert.match(run.lines[0]!, /^nostr:\S+: signed a kind 30078 event of 2 event\(s\)/);
          assert.equal(run.lines[1], `nostr:${npub}: ${honest.url}: accepted`);
          assert.equal(honest.events.length, 1);
          const event = honest.events[0]!;
          assert.equal(event.kind, 30078);
          assert.deepEqual(event.tags, [["d", "kez-sigchain"]]);
          assert.equal(event.content, await encodeCompactBundle(local.toJsonl()));
        });
        await t.step("publish again replaces the relay's event (newest created_at)", async () => {
          const first = honest.events[0]!;
          const run = await kezIn(
            ["sigchain", "publish", "--to", `nostr:${npub}@${honest.url}`],
            env,
          );
          assert.equal(run.code, 0, run.stderr);
          assert.equal(honest.events.length, 1);
          assert.ok(honest.events[0]!.created_at > first.created_at);
        });
        await t.step("fetch through two relays, one down", async () => {
          const run = await fetch([honest.url, dead]);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.lines[0], `nostr:${npub}@${honest.url}: valid, 2 event(s)`);
          assert.match(
            run.lines[1]!,
            new RegExp(`^nostr:${npub}@${dead}: unreachable: Cannot reach relay `),
          );
          assert.equal(run.lines[2], `Result: 2 event(s) of ${primary}`);
        });
        await t.step("a relay without the event is not found", async () => {
          const run = await fetch([liar.url]);
          assert.equal(run.code, 1);
          assert.match(run.lines[0]!, / not found: No kind 30078 kez-sigchain event of /);
        });
        const now = Math.floor(Date.now() / 1000);
        await t.step("an event with a bad signature is invalid, its content unread", async () => {
          const good = await signedEvent(key.secret, local.toJsonl(), now);
          const sig = good.sig.slice(0, -1) + (good.sig.endsWith("0") ? "1" : "0");
          liar.serve({ ...good, sig });
          const run = await fetch([liar.url]);
          assert.equal(run.code, 1);
          assert.match(
            run.lines[0]!,
            / invalid: Relay \S+ served 1 event\(s\) whose nostr id, signature or tags do not verify/,
          );
        });
        await t.step("a right signature over a tampered chain is invalid by §8", async () => {
          const tampered = local.toJsonl().replace("dns:jason.example", "dns:jason.exampla");
          liar.serve(await signedEvent(key.secret, tampered, now + 1));
          const run = await fetch([liar.url]);
          assert.equal(run.code, 1);
          assert.match(run.lines[0]!, / invalid: line 2: Invalid signature/);
        });
        await t.step("an older chain is valid and the longer one wins", async () => {
          liar.serve(await signedEvent(key.secret, prefix(local, 1).toJsonl(), now + 2));
          const [a, b] = [`nostr:${npub}@${honest.url}`, `nostr:${npub}@${liar.url}`];
          const run = await kezIn([
            "sigchain",
            "fetch",
            primary,
            "--source",
            `nostr:${npub}@${honest.url},${liar.url}`,
          ], { KEZ_HOME: reader });
          assert.equal(run.code, 0, run.stderr);
          assert.deepEqual(run.lines.slice(0, 3), [
            `${a}: valid, 2 event(s)`,
            `${b}: valid, 1 event(s)`,
            `Result: 2 event(s) of ${primary}`,
          ]);
        });
        await t.step("a forked chain is a fork, exit 1", async () => {
          const forked = prefix(local, 1);
          appendEvent(forked, key, "add", "dns:other.example");
          liar.serve(await signedEvent(key.secret, forked.toJsonl(), now + 3));
          const run = await fetch([honest.url, liar.url]);
          assert.equal(run.code, 1);
          assert.match(run.lines.at(-1)!, /^Result: fork at seq 1: /);
        });
        await t.step("an Ed25519 chain cannot publish to nostr, and says why", async () => {
          const ed = await newIdentity(edHome, "ed25519");
          const edEnv = { KEZ_HOME: edHome, KEZ_SECRET: ed.secret };
          assert.equal((await kezIn(["sigchain", "add", "github:jason"], edEnv)).code, 0);
          const run = await kezIn(
            ["sigchain", "publish", "--to", `nostr:${npub}@${honest.url}`],
            edEnv,
          );
          assert.equal(run.code, 1);
          assert.match(
            run.stderr,
            /^kez: Cannot publish ed25519:\S+ to nostr: nostr events are signed with BIP-340 keys/,
          );
        });
      });
    });
  });
});
