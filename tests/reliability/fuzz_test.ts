// A seeded, reproducible fuzz of the front door of the real server binary: thousands of
// mutated events, each answered exactly as the protocol library says it must be, never a 500,
// never a crash; afterwards every chain verifies and holds exactly the events accepted.
//
// Replay a run: KEZ_FUZZ_SEED=<seed printed by the run> deno test -A tests/reliability/fuzz_test.ts
// Longer run:   KEZ_FUZZ_EVENTS=50000 (default 3000)

import assert from "node:assert/strict";
import { Sigchain } from "../../lib/protocol/mod.ts";
import { expectedAnswer } from "../support/append_oracle.ts";
import { FuzzAuthor } from "../support/fuzz_author.ts";
import { fuzzEvent } from "../support/fuzz_events.ts";
import { mutate } from "../support/fuzz_mutations.ts";
import { SeededRandom, seedFrom } from "../support/seeded_random.ts";
import { ServerProcess } from "../support/server_process.ts";
import { fetchChain } from "../support/stored_chain.ts";

const SEED = seedFrom("KEZ_FUZZ_SEED");
const EVENTS = Number(Deno.env.get("KEZ_FUZZ_EVENTS") || 3_000);
const CHAINS = 8;

const decoder = new TextDecoder();

/** The path segments to post to: mostly as they are, sometimes spelled or broken oddly. */
function pathOf(author: FuzzAuthor, random: SeededRandom): [scheme: string, id: string] {
  const [scheme, id] = author.path.split("/") as [string, string];
  if (random.chance(0.9)) return [scheme, id];
  const escape = (s: string) =>
    [...s].map((c) =>
      random.chance(0.3)
        ? "%" +
          c.charCodeAt(0).toString(16).padStart(2, "0")
            [random.chance(0.5) ? "toUpperCase" : "toLowerCase"]()
        : c
    ).join("");
  const at = 1 + random.int(id.length - 1);
  return random.pick<[string, string]>([
    [escape(scheme), escape(id)],
    [scheme, `${id.slice(0, at)}%2F${id.slice(at)}`],
    [scheme, id.toUpperCase()],
    [scheme, `${id.slice(0, at)}%zz${id.slice(at)}`],
    [scheme, `${id}%C3`],
    [scheme === "ed25519" ? "nostr" : "ed25519", id],
  ]);
}

Deno.test(`fuzz: ${EVENTS} mutated events, seed ${SEED}`, async (t) => {
  console.log(
    `fuzz seed ${SEED}: replay with KEZ_FUZZ_SEED=${SEED} deno test -A tests/reliability/fuzz_test.ts`,
  );
  const dir = await Deno.makeTempDir({ prefix: "kez-fuzz-" });
  try {
    await using server = await ServerProcess.start({ db: `${dir}/chains.db` });
    const tally = new Map<string, number>();
    const chains = Array.from({ length: CHAINS }, (_, i) => {
      // One generator per chain: chains run concurrently, each one's story depends on the seed alone.
      const random = new SeededRandom((SEED ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
      const alg = i % 3 === 2 ? "nostr-secp256k1-schnorr-sha256-jcs" : "ed25519-sha512-jcs";
      const author = new FuzzAuthor(alg, random);
      const stranger = new FuzzAuthor(
        random.chance(0.5) ? "ed25519-sha512-jcs" : "nostr-secp256k1-schnorr-sha256-jcs",
        random,
      );
      return { random, author, stranger, model: new Sigchain(author.primary) };
    });

    await t.step("every answer is the one the protocol requires", async () => {
      await Promise.all(chains.map(async ({ random, author, stranger, model }, c) => {
        for (let step = 0; step < EVENTS / CHAINS; step++) {
          const event = fuzzEvent(model, author, stranger, random, step);
          const mutated = mutate(event.envelope, random);
          const [scheme, id] = pathOf(author, random);
          const expected = expectedAnswer(scheme, id, mutated.body, model);
          const where =
            `seed ${SEED}, chain ${c}, step ${step}: ${event.kind} / ${mutated.kind}, ` +
            `POST ${scheme}/${id}: ${decoder.decode(mutated.body.slice(0, 300))}`;
          if (mutated.damaged) assert.notEqual(expected.status, 201, `damaged yet valid: ${where}`);

          const res = await fetch(`${server.base}/v1/sigchains/${scheme}/${id}/events`, {
            method: "POST",
            body: mutated.body,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await res.text();
          assert.equal(res.status, expected.status, `${where}\n→ ${text}`);
          const answer = JSON.parse(text);
          const key = `${res.status} ${answer.error?.code ?? "created"}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          if ("event" in expected) {
            const { index, ...created } = answer;
            assert.deepEqual(created, { seq: model.length, hash: expected.event.hash }, where);
            assert.ok(Number.isSafeInteger(index) && index >= 0, `log index ${index}: ${where}`);
            model.append(expected.event.envelope);
          } else {
            assert.equal(answer.error.code, expected.code, `${where}\n→ ${text}`);
          }
        }
      }));
    });

    await t.step("every chain verifies and holds exactly the accepted events", async () => {
      for (const { author, stranger, model } of chains) {
        const stored = await fetchChain(server.base, author.primary);
        assert.deepEqual(stored?.events.map((e) => e.line) ?? [], model.events.map((e) => e.line));
        assert.equal(await fetchChain(server.base, stranger.primary), null);
      }
    });

    await t.step("the server never failed and still serves", async () => {
      const res = await fetch(`${server.base}/v1/healthz`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
      assert.doesNotMatch(server.log, /ERROR|internal error| 500 /);
      server.kill("SIGTERM");
      assert.equal((await server.exited(10_000)).code, 0);
    });

    console.log(
      `answers: ${[...tally].sort().map(([key, n]) => `${key} ×${n}`).join(", ")}; ` +
        `${chains.reduce((n, c) => n + c.model.length, 0)} events stored`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
