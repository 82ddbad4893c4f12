import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  cosign,
  cosignerKey,
  formatCosignerKey,
  formatVerifierKey,
  openWitnessedCheckpoint,
  parsePolicy,
  quorumMet,
  signCheckpoint,
  TlogError,
  verifierKey,
} from "../../lib/tlog/mod.ts";

const logSeed = new Uint8Array(32).fill(1);
const logKey = verifierKey("example.com/log", ed25519.getPublicKey(logSeed));
const seeds = [2, 3, 4].map((n) => new Uint8Array(32).fill(n));
const keys = seeds.map((s, i) => cosignerKey(`w${i}.example`, ed25519.getPublicKey(s)));
const vkeys = keys.map(formatCosignerKey);

function policy(quorum: string): string {
  return [
    `log ${formatVerifierKey(logKey)} http://127.0.0.1:1`,
    ...vkeys.map((k, i) => `witness W${i} ${k} http://127.0.0.1:${i + 2}`),
    quorum,
  ].join("\n") + "\n";
}

Deno.test("tlog-policy", async (t) => {
  await t.step("the specification's two-level example evaluates as it says", () => {
    const six = [5, 6, 7, 8, 9, 10].map((n) =>
      formatCosignerKey(cosignerKey(`k${n}`, ed25519.getPublicKey(new Uint8Array(32).fill(n))))
    );
    const p = parsePolicy([
      "# comments and blank lines are ignored",
      "",
      ...["X1", "X2", "X3"].map((n, i) => `witness ${n} ${six[i]}`),
      "group X-witnesses 2 X1 X2 X3",
      ...["Y1", "Y2", "Y3"].map((n, i) => `  witness\t${n} ${six[i + 3]}  `),
      "group Y-witnesses any Y1 Y2 Y3",
      "group X-and-Y all X-witnesses Y-witnesses",
      "quorum X-and-Y",
    ].join("\n"));
    assert.ok(quorumMet(p, new Set(["X1", "X3", "Y2"])));
    assert.ok(!quorumMet(p, new Set(["X1", "Y1", "Y2", "Y3"])));
    assert.ok(!quorumMet(p, new Set(["X1", "X2"])));
  });

  await t.step("URLs and logs are read", () => {
    const p = parsePolicy(policy("quorum W0"));
    assert.equal(p.logs[0]?.url, "http://127.0.0.1:1");
    assert.deepEqual(p.witnesses.map((w) => w.url), [2, 3, 4].map((n) => `http://127.0.0.1:${n}`));
  });

  await t.step("malformed policies are refused, naming the line", () => {
    const bad = [
      "",
      `witness A ${vkeys[0]}\n`,
      "quorum A\n",
      `witness A ${vkeys[0]}\nwitness A ${vkeys[1]}\nquorum A\n`,
      `witness A ${vkeys[0]}\nwitness B ${vkeys[0]}\nquorum A\n`,
      `witness A ${vkeys[0]}\ngroup G 2 A\nquorum G\n`,
      `witness A ${vkeys[0]}\ngroup G 0 A\nquorum G\n`,
      `witness A ${vkeys[0]}\ngroup G any A A\nquorum G\n`,
      `witness A ${vkeys[0]}\nquorum A\nquorum A\n`,
      `witness none ${vkeys[0]}\nquorum none\n`,
      `witness A ${formatVerifierKey(logKey)}\nquorum A\n`,
      "frobnicate\nquorum none\n",
      "quorum none\u0000\n",
    ];
    for (const text of bad) assert.throws(() => parsePolicy(text), SyntaxError, text);
  });

  await t.step("openWitnessedCheckpoint counts distinct valid cosignatures", () => {
    const p = parsePolicy(policy(`group G 2 W0 W1 W2\nquorum G`));
    const cp = signCheckpoint({ origin: logKey.name, size: 0, root: new Uint8Array(32) }, logSeed);
    const text = cp.slice(0, cp.indexOf("\n\n") + 1);
    const now = 1_700_000_000;
    const line = (i: number, time = now) =>
      cosign(text, keys[i]!, time, (m) => ed25519.sign(m, seeds[i]!));
    const one = cp + line(0);
    assert.throws(
      () => openWitnessedCheckpoint(one + line(0), logKey, p, now),
      (e: Error) => e instanceof TlogError && /cosigned by W0 \(of W0, W1, W2\)/.test(e.message),
    );
    const two = openWitnessedCheckpoint(one + line(2), logKey, p, now);
    assert.deepEqual(two.cosigners.map((c) => c.witness), ["W0", "W2"]);
    // A cosignature dated an hour ahead does not count.
    assert.throws(
      () => openWitnessedCheckpoint(one + line(1, now + 3600), logKey, p, now),
      TlogError,
    );
    // A line of W1's name under W2's key does not count as W1's.
    const forged = line(2).replace(keys[2]!.name, keys[1]!.name);
    assert.throws(() => openWitnessedCheckpoint(one + forged, logKey, p, now), TlogError);
  });
});
