import assert from "node:assert/strict";
import {
  canonicalize,
  ERROR_STATUS,
  type JsonObject,
  type JsonValue,
  KezError,
  parseJsonText,
  Sigchain,
  toHex,
} from "../../lib/protocol/mod.ts";
import { sha256 } from "@noble/hashes/sha2.js";

async function load(name: string): Promise<JsonObject[]> {
  const text = await Deno.readTextFile(new URL(`../testdata/kez/${name}`, import.meta.url));
  // Our own parser, so that every member and number reaches the core as written.
  return parseJsonText(text) as JsonObject[];
}

const encoder = new TextEncoder();

Deno.test("events.json: canonical forms, signing inputs, hashes and chains", async (t) => {
  const chains = new Map<string, Sigchain>();
  for (const v of await load("events.json")) {
    await t.step(String(v.name), () => {
      const envelope = v.envelope as JsonObject;
      const payload = envelope.payload as JsonObject;
      assert.equal(canonicalize(payload), v.payload_jcs);
      assert.equal(canonicalize(envelope), v.envelope_jcs);
      const m = encoder.encode(canonicalize(payload));
      const signingInput = (envelope.signature as JsonObject).alg === "ed25519-sha512-jcs"
        ? m
        : sha256(m);
      assert.equal(toHex(signingInput), v.signing_input_hex);
      const primary = String(payload.primary);
      const chain = chains.get(primary) ?? new Sigchain(primary);
      chains.set(primary, chain);
      const event = chain.append(envelope);
      assert.equal(event.hash, v.hash);
      assert.equal(event.line, v.envelope_jcs);
    });
  }
  assert.equal(chains.size, 2);
});

Deno.test("append.json: the first failing check of spec §5 decides", async (t) => {
  for (const v of await load("append.json")) {
    const expect = v.expect as JsonObject;
    await t.step(String(v.name), () => {
      const run = () => {
        const chain = new Sigchain(String(v.primary));
        for (const env of v.chain as JsonValue[]) chain.append(env);
        return chain.append(v.event as JsonValue);
      };
      if (expect.ok === true) {
        assert.equal(run().hash, expect.hash);
      } else {
        assert.throws(run, (e) => {
          assert.ok(e instanceof KezError, String(e));
          assert.equal(e.code, expect.code, e.message);
          assert.equal(ERROR_STATUS[e.code], expect.status);
          return true;
        });
      }
    });
  }
});
