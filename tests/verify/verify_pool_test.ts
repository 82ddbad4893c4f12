import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { schnorr } from "@noble/curves/secp256k1.js";
import { fromHex, verifyBip340, verifyEd25519 } from "../../lib/protocol/mod.ts";
import { verifyHere, type VerifyJob, verifyJob, VerifyPool } from "../../lib/verify/mod.ts";

interface WycheproofFile {
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

async function vectors(): Promise<[string, VerifyJob, boolean][]> {
  const dir = new URL("../testdata/", import.meta.url);
  const w: WycheproofFile = JSON.parse(
    await Deno.readTextFile(new URL("wycheproof/ed25519_test.json", dir)),
  );
  const jobs: [string, VerifyJob, boolean][] = w.testGroups.flatMap((g) =>
    g.tests.map((t) =>
      [
        `wycheproof ${t.tcId}: ${t.comment}`,
        ["ed25519", fromHex(g.publicKey.pk), fromHex(t.msg), fromHex(t.sig)],
        t.result === "valid",
      ] as [string, VerifyJob, boolean]
    )
  );
  const csv = (await Deno.readTextFile(new URL("bip340/test-vectors.csv", dir))).trim().split(
    /\r?\n/,
  );
  for (const line of csv.slice(1)) {
    const [index, , key, , msg, sig, result] = line.split(",").map((f) => f.toLowerCase());
    jobs.push([
      `bip340 ${index}`,
      ["bip340", fromHex(key!), fromHex(msg!), fromHex(sig!)],
      result === "true",
    ]);
  }
  return jobs;
}

Deno.test("verifyJob() agrees with every Wycheproof and BIP-340 vector", async (t) => {
  for (const [name, job, valid] of await vectors()) {
    await t.step(name, () => assert.equal(verifyJob(job), valid));
  }
});

Deno.test("verifyHere() agrees with every Wycheproof and BIP-340 vector", async (t) => {
  for (const [name, [kind, key, message, sig], valid] of await vectors()) {
    const alg = kind === "ed25519" ? "ed25519-sha512-jcs" : "nostr-secp256k1-schnorr-sha256-jcs";
    await t.step(name, () => assert.equal(verifyHere({ alg, key, message, sig }), valid));
  }
});

Deno.test("VerifyPool verifies on its workers as the core does", async (t) => {
  const pool = new VerifyPool(2);
  try {
    await t.step("no worker starts before the first signature", () => {
      assert.equal(pool.size, 0);
    });
    await t.step("every vector, all in flight at once", async () => {
      const all = await vectors();
      const got = await Promise.all(all.map(([, job]) => pool.verify(job)));
      assert.deepEqual(got, all.map(([, , valid]) => valid));
      assert.equal(pool.size, 2, "the workers are still running");
    });
    await t.step("hundreds of fresh signatures of both kinds, a third broken", async () => {
      const jobs: VerifyJob[] = Array.from({ length: 300 }, (_, i) => {
        const msg = new Uint8Array(32).fill(i % 256);
        const curve = i % 2 === 0 ? ed25519 : schnorr;
        const { secretKey, publicKey } = curve.keygen();
        const sig = curve.sign(msg, secretKey);
        if (i % 3 === 0) sig[5]! ^= 1;
        return [i % 2 === 0 ? "ed25519" : "bip340", publicKey, msg, sig];
      });
      const got = await Promise.all(jobs.map((job) => pool.verify(job)));
      const want = jobs.map(([kind, key, msg, sig]) =>
        kind === "ed25519" ? verifyEd25519(key, msg, sig) : verifyBip340(key, msg, sig)
      );
      assert.deepEqual(got, want);
      assert.equal(got.filter((v) => !v).length, 100);
    });
  } finally {
    pool.close();
  }
  await t.step("after close, verification runs in place", async () => {
    const { secretKey, publicKey } = schnorr.keygen();
    const msg = new Uint8Array(32);
    assert.equal(pool.size, 0);
    assert.equal(await pool.verify(["bip340", publicKey, msg, schnorr.sign(msg, secretKey)]), true);
  });
});
