import assert from "node:assert/strict";
import {
  openTlogProof,
  openWitnessedCheckpoint,
  parseCheckpoint,
  parseNote,
  parsePolicy,
  parseTlogProof,
  TlogError,
} from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { postEvent } from "../support/chain_writer.ts";
import { ServerProcess } from "../support/server_process.ts";
import { withDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait_for.ts";
import {
  makeLogKey,
  policyText,
  startWitness,
  startWitnesses,
} from "../support/witness_network.ts";

const now = () => Math.floor(Date.now() / 1000);

async function witnessed(base: string): Promise<string | null> {
  const res = await fetch(`${base}/v1/log/checkpoint/witnessed`);
  const text = await res.text();
  return res.status === 200 ? text : null;
}

async function writeConcurrently(
  base: string,
  authors: ChainAuthor[],
  from: number,
  rounds: number,
) {
  for (let r = from; r < from + rounds; r++) {
    const outcomes = await Promise.all(
      authors.map((a) => postEvent(base, a.path, JSON.stringify(a.next("add", `x:${r}`)))),
    );
    for (const o of outcomes) assert.equal(o.kind, "created", JSON.stringify(o));
  }
}

Deno.test("a log asks three witness processes", async (t) => {
  await withDir(async (dir) => {
    const logKey = await makeLogKey(`${dir}/log.key`);
    await using started = await startWitnesses(dir, logKey, 3);
    const { witnesses, network } = started;
    await Deno.writeTextFile(`${dir}/policy.txt`, policyText(logKey, network, 2));
    const strict = parsePolicy(policyText(logKey, network, 3));
    const quorum = parsePolicy(policyText(logKey, network, 2));
    await using log = await ServerProcess.start({
      db: `${dir}/log.db`,
      args: [
        "--log-key",
        `${dir}/log.key`,
        "--witness-policy",
        `${dir}/policy.txt`,
        "--witness-interval",
        "1",
        "--witness-quota",
        "120",
      ],
    });
    const authors = [0, 1, 2, 3].map(() => new ChainAuthor());

    await t.step(
      "under concurrent writes the witnessed checkpoint advances, all cosigned",
      async () => {
        await writeConcurrently(log.base, authors, 0, 5);
        const size = parseCheckpoint(
          parseNote(await (await fetch(`${log.base}/v1/log/checkpoint`)).text()).text,
        ).size;
        assert.equal(size, 20);
        let note = "";
        await waitFor(async () => {
          note = (await witnessed(log.base)) ?? "";
          return note !== "" &&
            openWitnessedCheckpoint(note, logKey, strict, now()).checkpoint.size === 20;
        }, { timeoutMs: 20_000 });
        const { cosigners } = openWitnessedCheckpoint(note, logKey, strict, now());
        assert.deepEqual(cosigners.map((c) => c.witness), ["W0", "W1", "W2"]);
        assert.equal(parseNote(note).signatures.length, 4);
      },
    );

    await t.step(
      "a tlog-proof against the witnessed checkpoint carries its cosignatures",
      async () => {
        const author = authors[0]!;
        const res = await fetch(`${log.base}/v1/sigchains/${author.path}/head/proof/witnessed`);
        const text = await res.text();
        assert.equal(res.status, 200, text);
        const proof = parseTlogProof(text);
        const { checkpoint, cosigners } = openWitnessedCheckpoint(
          proof.checkpoint,
          logKey,
          strict,
          now(),
        );
        assert.equal(checkpoint.size, 20);
        assert.deepEqual(cosigners.map((c) => c.witness), ["W0", "W1", "W2"]);
        const chain = await (await fetch(`${log.base}/v1/sigchains/${author.path}`)).text();
        const line = chain.trimEnd().split("\n").at(-1)!;
        const opened = openTlogProof(text, new TextEncoder().encode(line), logKey);
        assert.equal(opened.index, proof.index);
      },
    );

    await t.step(
      "with one witness stopped, 2-of-3 holds and 3-of-3 fails naming who signed",
      async () => {
        witnesses[2]!.process.kill("SIGTERM");
        await witnesses[2]!.process.exited(10_000);
        const writing = writeConcurrently(log.base, authors, 5, 3);
        // POSTs are answered while a witness is down.
        await writing;
        let note = "";
        await waitFor(async () => {
          note = (await witnessed(log.base)) ?? "";
          return openWitnessedCheckpoint(note, logKey, quorum, now()).checkpoint.size === 32;
        }, { timeoutMs: 20_000 });
        assert.throws(
          () => openWitnessedCheckpoint(note, logKey, strict, now()),
          (e: Error) =>
            e instanceof TlogError && e.message.includes("cosigned by W0, W1 (of W0, W1, W2)"),
        );
        const metrics = await (await fetch(`${log.base}/metrics`)).text();
        assert.match(metrics, /kez_witness_requests_total\{witness="W2",outcome="failed"\} [1-9]/);
        assert.match(
          metrics,
          /kez_witness_requests_total\{witness="W0",outcome="cosigned"\} [1-9]/,
        );
      },
    );

    await t.step("a witness restarted keeps its state and cosigns again", async () => {
      const again = await startWitness(`${dir}/w2`, "w2.example", logKey);
      await using _again = again.process;
      assert.deepEqual(again.key, witnesses[2]!.key);
      const res = await fetch(`${again.process.base}/add-checkpoint`, {
        method: "POST",
        body: `old 0\n\n${await (await fetch(`${log.base}/v1/log/checkpoint`)).text()}`,
      });
      assert.equal(res.status, 409);
      assert.equal(await res.text(), "20\n");
      const cp = await (await fetch(`${log.base}/v1/log/checkpoint`)).text();
      const proof = await (await fetch(`${log.base}/v1/log/proof/consistency?from=20&to=32`))
        .json();
      const body = `old 20\n${proof.hashes.map((h: string) => `${h}\n`).join("")}\n${cp}`;
      const ok = await fetch(`${again.process.base}/add-checkpoint`, { method: "POST", body });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^\u2014 w2\.example /);
    });
  });
});
