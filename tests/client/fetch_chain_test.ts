import assert from "node:assert/strict";
import {
  appendEvent,
  type ChainSource,
  checkSubject,
  fetchChain,
  generateKey,
  KezClient,
  KezError,
  primaryOfKey,
} from "../../lib/client/mod.ts";
import { Sigchain } from "../../lib/protocol/mod.ts";
import { withServer } from "../support/test_server.ts";
import { deadServer } from "./kez_support.ts";

function text(name: string, jsonl: string): ChainSource {
  return { kind: "reader", name, read: () => Promise.resolve(jsonl) };
}

function chainOf(subjects: string[]) {
  const key = generateKey("nostr");
  const chain = new Sigchain(primaryOfKey(key));
  for (const subject of subjects) appendEvent(chain, key, "add", subject);
  return { key, chain };
}

Deno.test("fetchChain() reconciles copies from several sources", async (t) => {
  await withServer(async (s) => {
    const { key, chain } = chainOf(["github:jason", "dns:jason.example"]);
    await new KezClient(s.base).publish(chain);
    const server: ChainSource = { kind: "server", url: s.base };

    await t.step("a server, a .well-known URL, a good and a tampered file", async () => {
      const wellKnown = `${s.base}/v1/sigchains/${chain.primary.replace(":", "/")}`;
      const tampered = chain.toJsonl().replace("dns:jason.example", "dns:jason.exampl3");
      const result = await fetchChain(chain.primary, [
        server,
        { kind: "url", url: wellKnown },
        text("short.jsonl", chain.events[0]!.line + "\n"),
        text("tampered.jsonl", tampered),
        { kind: "url", url: `data:application/jsonl;base64,${btoa("\xff\n")}` },
      ]);
      assert.equal(result.chain?.head, chain.head);
      assert.equal(result.fork, null);
      assert.deepEqual(result.verdicts.map((v) => [v.source, v.status]), [
        [s.base, "valid"],
        [wellKnown, "valid"],
        ["short.jsonl", "valid"],
        ["tampered.jsonl", "invalid"],
        [`data:application/jsonl;base64,${btoa("\xff\n")}`, "invalid"],
      ]);
      const invalid = result.verdicts[3]!;
      assert.ok(invalid.status === "invalid" && /^line 2: Invalid signature/.test(invalid.reason));
    });
    await t.step(
      "unreachable and empty sources get a verdict and never fail the fetch",
      async () => {
        const dead = deadServer();
        const result = await fetchChain(chain.primary, [
          { kind: "server", url: dead },
          { kind: "url", url: `${s.base}/no/such/file.jsonl` },
          { kind: "reader", name: "gone", read: () => Promise.reject(new Error("No such file")) },
          server,
        ]);
        assert.equal(result.chain?.length, 2);
        assert.deepEqual(result.verdicts.map((v) => v.status), [
          "unreachable",
          "not_found",
          "unreachable",
          "valid",
        ]);
      },
    );
    await t.step("a fork is reported with its seq and both hashes, and no chain", async () => {
      const forked = new Sigchain(chain.primary);
      forked.append(chain.events[0]!.envelope);
      appendEvent(forked, key, "add", "dns:other.example");
      const result = await fetchChain(chain.primary, [
        server,
        text("forked.jsonl", forked.toJsonl()),
      ]);
      assert.equal(result.chain, null);
      assert.deepEqual(result.fork, {
        seq: 1,
        sources: [s.base, "forked.jsonl"],
        hashes: [chain.events[1]!.hash, forked.events[1]!.hash],
      });
    });
    await t.step("an invalid primary is refused before any request", async () => {
      await assert.rejects(
        fetchChain("nostr:npub1nope", [server]),
        (e) => e instanceof KezError && e.code === "invalid_primary",
      );
    });
  });
});

Deno.test("checkSubject() answers in one call", async (t) => {
  await withServer(async (s) => {
    const { key, chain } = chainOf(["github:jason"]);
    const client = new KezClient(s.base);
    await client.publish(chain);
    const sources: ChainSource[] = [{ kind: "server", url: s.base }];

    await t.step("active after an add, not after a revoke", async () => {
      assert.equal((await checkSubject(chain.primary, "github:jason", sources)).active, true);
      appendEvent(chain, key, "revoke", "github:jason");
      await client.publish(chain);
      const status = await checkSubject(chain.primary, "github:jason", sources);
      assert.equal(status.active, false);
      assert.equal(status.chain.length, 2);
    });
    await t.step("no valid copy anywhere is not_found, naming each reason", async () => {
      await assert.rejects(
        checkSubject(chain.primary, "github:jason", [text("bad.jsonl", "{}\n")]),
        (e) =>
          e instanceof KezError && e.code === "not_found" && /bad\.jsonl: line 1/.test(e.message),
      );
    });
    await t.step("a fork is a conflict", async () => {
      const forked = new Sigchain(chain.primary);
      forked.append(chain.events[0]!.envelope);
      appendEvent(forked, key, "add", "dns:other.example");
      await assert.rejects(
        checkSubject(chain.primary, "github:jason", [...sources, text("f", forked.toJsonl())]),
        (e) => e instanceof KezError && e.code === "conflict" && /fork at seq 1/.test(e.message),
      );
    });
    await t.step("a bad subject is invalid_event", async () => {
      await assert.rejects(
        checkSubject(chain.primary, "no colon", sources),
        (e) => e instanceof KezError && e.code === "invalid_event",
      );
    });
  });
});
