/**
 * Benchmarks of the per-request work of an append, each group against a
 * baseline measured in the same run (`deno bench` prints the ratios).
 *
 * @module
 */

import {
  parseEnvelope,
  parseJson,
  toChainEvent,
  verifyEventSignature,
} from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";

const ed = new ChainAuthor("ed25519-sha512-jcs").next("add", "github:jason");
const nostr = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs").next("add", "github:jason");
const body = new TextEncoder().encode(JSON.stringify(ed));
const decoder = new TextDecoder();

Deno.bench("JSON.parse of an event body", { group: "parse", baseline: true }, () => {
  JSON.parse(decoder.decode(body));
});

Deno.bench("parseJson (strict I-JSON) of an event body", { group: "parse" }, () => {
  parseJson(body);
});

Deno.bench("JSON.stringify of an envelope", { group: "canonical", baseline: true }, () => {
  JSON.stringify(ed);
});

Deno.bench("canonicalize + hash of an envelope", { group: "canonical" }, () => {
  toChainEvent(ed);
});

Deno.bench("parseJson alone", { group: "structure", baseline: true }, () => {
  parseJson(body);
});

Deno.bench("parseJson + parseEnvelope (checks 3 and 4)", { group: "structure" }, () => {
  parseEnvelope(parseJson(body));
});

Deno.bench("verify an ed25519 event", { group: "verify", baseline: true }, () => {
  verifyEventSignature(ed);
});

Deno.bench("verify a nostr event", { group: "verify" }, () => {
  verifyEventSignature(nostr);
});
