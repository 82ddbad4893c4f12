import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bech32, bech32m } from "@scure/base";
import { KezError } from "../../lib/protocol/error.ts";
import { fromHex, toHex } from "../../lib/protocol/hex.ts";
import {
  isPrimary,
  isSubject,
  parsePrimary,
  parseSubject,
  primaryFromKey,
  primaryFromPath,
  primaryPath,
  SMALL_ORDER_ED25519_KEYS,
} from "../../lib/protocol/identifier.ts";
import { isEd25519Point } from "../../lib/verify/mod.ts";

/** Asserts that `fn` throws KezError `code` and, if given, that its message matches `reason`. */
function assertKezError(fn: () => unknown, code: string, reason?: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof KezError, `expected a KezError, got ${e}`);
    assert.equal(e.code, code);
    if (reason !== undefined) assert.match(e.message, reason);
    return true;
  });
}

/** Refused alike with noble's on-curve check and the runtime's, which the server uses. */
function assertInvalidPrimary(text: string, reason?: RegExp): void {
  assertKezError(() => parsePrimary(text), "invalid_primary", reason);
  assertKezError(() => parsePrimary(text, isEd25519Point), "invalid_primary", reason);
  assert.equal(isPrimary(text), false);
}

function assertInvalidSubject(text: string, reason?: RegExp): void {
  assertKezError(() => parseSubject(text), "invalid_event", reason);
  assert.equal(isSubject(text), false);
}

/** RFC 8032 §7.1, test 1. */
const ED_HEX = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/** The 8 points of small order, canonically encoded: orders 1, 2, 4, 4, 8, 8, 8, 8. */
const SMALL_ORDER = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
];

/** NIP-19's own example: this npub encodes this key. */
const NIP19_NPUB = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
const NIP19_KEY = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";

function nostrKey(): Uint8Array {
  return schnorr.getPublicKey(schnorr.utils.randomSecretKey());
}

Deno.test("parsePrimary() accepts valid ed25519 primaries", async (t) => {
  await t.step("RFC 8032 test key", () => {
    const p = parsePrimary(`ed25519:${ED_HEX}`);
    assert.equal(p.scheme, "ed25519");
    assert.equal(p.id, ED_HEX);
    assert.equal(p.text, `ed25519:${ED_HEX}`);
    assert.equal(toHex(p.key), ED_HEX);
    assert.ok(isPrimary(p.text));
  });

  await t.step("generated keys", () => {
    for (let i = 0; i < 16; i++) {
      const key = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
      const p = parsePrimary(`ed25519:${toHex(key)}`);
      assert.deepEqual(p.key, key);
    }
  });

  await t.step("generated keys and a torsioned one, with the runtime's point check", () => {
    const torsion = ed25519.Point.fromBytes(fromHex(SMALL_ORDER[6]!));
    const keys = [ed25519.Point.BASE.multiply(54321n).add(torsion).toBytes()];
    for (let i = 0; i < 16; i++) keys.push(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    for (const key of keys) {
      assert.deepEqual(parsePrimary(`ed25519:${toHex(key)}`, isEd25519Point).key, key);
    }
  });

  await t.step("a key with a torsion component that is not of small order", () => {
    const torsion = ed25519.Point.fromBytes(fromHex(SMALL_ORDER[4]!));
    const point = ed25519.Point.BASE.multiply(12345n).add(torsion);
    assert.equal(point.isTorsionFree(), false);
    assert.equal(point.isSmallOrder(), false);
    const hex = toHex(point.toBytes());
    assert.equal(parsePrimary(`ed25519:${hex}`).id, hex);
  });
});

Deno.test("parsePrimary() refuses invalid ed25519 primaries", async (t) => {
  await t.step("uppercase hex", () => {
    assertInvalidPrimary(`ed25519:${ED_HEX.toUpperCase()}`, /64 lowercase hex/);
    assertInvalidPrimary(`ed25519:${ED_HEX.slice(0, 63)}A`, /64 lowercase hex/);
  });

  await t.step("63, 65 and 66 hex characters", () => {
    assertInvalidPrimary(`ed25519:${ED_HEX.slice(0, 63)}`, /64 lowercase hex/);
    assertInvalidPrimary(`ed25519:${ED_HEX}0`, /64 lowercase hex/);
    assertInvalidPrimary(`ed25519:${ED_HEX}00`, /64 lowercase hex/);
  });

  await t.step("empty key, non-hex, whitespace", () => {
    assertInvalidPrimary("ed25519:", /64 lowercase hex/);
    assertInvalidPrimary(`ed25519:${ED_HEX.slice(0, 63)}g`, /64 lowercase hex/);
    assertInvalidPrimary(`ed25519: ${ED_HEX.slice(1)}`, /64 lowercase hex/);
    assertInvalidPrimary(`ed25519:${ED_HEX}\n`, /64 lowercase hex/);
  });

  // Each of these decodes under ZIP-215 rules, so only canonicity can refuse it.
  for (
    const [name, hex] of [
      [
        "y = p + 3, not of small order",
        "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      ],
      [
        "y = p + 18 = 2^255 - 1",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      ],
      [
        "y = p + 3 with the sign bit",
        "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      ],
      [
        "y = p, the order-4 point",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      ],
      [
        "y = p + 1, the identity",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      ],
      [
        "x = 0 with the sign bit, y = 1",
        "0100000000000000000000000000000000000000000000000000000000000080",
      ],
      [
        "x = 0 with the sign bit, y = p - 1",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      ],
    ] as const
  ) {
    await t.step(`non-canonical encoding: ${name}`, () => {
      ed25519.Point.fromBytes(fromHex(hex), true);
      assertInvalidPrimary(`ed25519:${hex}`, /not the canonical encoding/);
    });
  }

  await t.step("y not on the curve", () => {
    const hex = "0200000000000000000000000000000000000000000000000000000000000000";
    assertInvalidPrimary(`ed25519:${hex}`, /not the canonical encoding of an Ed25519 point/);
  });

  for (const [i, hex] of SMALL_ORDER.entries()) {
    await t.step(`small-order point ${i}: ${hex}`, () => {
      const point = ed25519.Point.fromBytes(fromHex(hex), false);
      assert.ok(point.isSmallOrder());
      assert.equal(toHex(point.toBytes()), hex, "canonical encoding");
      assertInvalidPrimary(`ed25519:${hex}`, /small-order/);
    });
  }

  await t.step("the 8 small-order points are distinct, and the ones parsePrimary refuses", () => {
    assert.equal(new Set(SMALL_ORDER).size, 8);
    assert.deepEqual(new Set(SMALL_ORDER_ED25519_KEYS), new Set(SMALL_ORDER));
  });
});

Deno.test("parsePrimary() refuses other schemes and forms", async (t) => {
  for (
    const text of [
      `ssh:${ED_HEX}`,
      `Ed25519:${ED_HEX}`,
      `ED25519:${ED_HEX}`,
      `ed25519 :${ED_HEX}`,
      `:${ED_HEX}`,
      `nostr-secp256k1:${NIP19_NPUB}`,
      `npub:${NIP19_NPUB}`,
      `did:key:${ED_HEX}`,
    ]
  ) {
    await t.step(`unknown scheme: ${text.slice(0, 24)}…`, () => {
      assertInvalidPrimary(text, /unknown scheme/);
    });
  }

  await t.step("no colon", () => {
    assertInvalidPrimary(ED_HEX, /expected "scheme:id"/);
    assertInvalidPrimary("", /expected "scheme:id"/);
    assertInvalidPrimary(NIP19_NPUB, /expected "scheme:id"/);
  });

  await t.step("the message quotes a truncated input", () => {
    const text = `ed25519:${"A".repeat(500)}`;
    assert.throws(
      () => parsePrimary(text),
      (e) =>
        e instanceof KezError &&
        e.message.startsWith('Cannot parse primary "ed25519:AAAA') &&
        e.message.length < 200,
    );
  });
});

Deno.test("parsePrimary() accepts valid nostr primaries", async (t) => {
  await t.step("NIP-19 example", () => {
    const p = parsePrimary(`nostr:${NIP19_NPUB}`);
    assert.equal(p.scheme, "nostr");
    assert.equal(p.id, NIP19_NPUB);
    assert.equal(p.text, `nostr:${NIP19_NPUB}`);
    assert.equal(toHex(p.key), NIP19_KEY);
  });

  await t.step("generated keys", () => {
    for (let i = 0; i < 16; i++) {
      const key = nostrKey();
      const npub = bech32.encode("npub", bech32.toWords(key));
      assert.deepEqual(parsePrimary(`nostr:${npub}`).key, key);
    }
  });
});

Deno.test("parsePrimary() refuses invalid nostr primaries", async (t) => {
  const key = fromHex(NIP19_KEY);
  const words = bech32.toWords(key);

  await t.step("bech32m checksum", () => {
    assertInvalidPrimary(`nostr:${bech32m.encode("npub", words)}`, /bech32m/);
  });

  await t.step("uppercase npub", () => {
    const upper = NIP19_NPUB.toUpperCase();
    assert.deepEqual(bech32.decode(upper).words, words, "bech32 alone accepts it");
    assertInvalidPrimary(`nostr:${upper}`, /lowercase/);
  });

  await t.step("mixed-case npub", () => {
    assertInvalidPrimary(`nostr:N${NIP19_NPUB.slice(1)}`, /lowercase/);
    assertInvalidPrimary(`nostr:${NIP19_NPUB.slice(0, 10)}Q${NIP19_NPUB.slice(11)}`, /lowercase/);
  });

  await t.step("uppercase scheme", () => {
    assertInvalidPrimary(`NOSTR:${NIP19_NPUB}`, /unknown scheme/);
  });

  for (const hrp of ["nsec", "note", "nprofile", "npu", "npubb"]) {
    await t.step(`wrong HRP: ${hrp}`, () => {
      assertInvalidPrimary(`nostr:${bech32.encode(hrp, words)}`, /expected HRP "npub"/);
    });
  }

  for (const length of [0, 20, 31, 33, 40]) {
    await t.step(`${length}-byte payload`, () => {
      const npub = bech32.encode("npub", bech32.toWords(new Uint8Array(length).fill(7)));
      assertInvalidPrimary(`nostr:${npub}`, /must be 32 bytes/);
    });
  }

  await t.step("a 32-byte payload with an extra zero word", () => {
    const npub = bech32.encode("npub", [...words, 0]);
    assertInvalidPrimary(`nostr:${npub}`, /32 bytes|padding/);
  });

  for (const bit of [1, 2, 4, 8]) {
    await t.step(`non-zero padding bit ${bit}`, () => {
      // 52 words carry 260 bits: the 256 key bits, then 4 padding bits in the last word.
      const padded = words.slice();
      assert.equal(padded.length, 52);
      padded[51] = padded[51]! | bit;
      const npub = bech32.encode("npub", padded);
      assert.throws(() => bech32.fromWords(padded));
      assertInvalidPrimary(`nostr:${npub}`, /padding/);
    });
  }

  for (
    const [name, hex] of [
      // BIP-340 test vector 5: "public key not on the curve".
      ["x not on secp256k1", "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"],
      // BIP-340 test vector 14: x exceeds the field size.
      ["x = p + 1 ≥ p", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30"],
      ["x = 0", "0000000000000000000000000000000000000000000000000000000000000000"],
      ["x = 5", "0000000000000000000000000000000000000000000000000000000000000005"],
    ] as const
  ) {
    await t.step(name, () => {
      const npub = bech32.encode("npub", bech32.toWords(fromHex(hex)));
      assertInvalidPrimary(`nostr:${npub}`, /not the x coordinate of a secp256k1 point/);
    });
  }

  await t.step("bad checksum", () => {
    const last = NIP19_NPUB.at(-1) === "q" ? "p" : "q";
    assertInvalidPrimary(`nostr:${NIP19_NPUB.slice(0, -1)}${last}`, /not a valid bech32/);
    const swapped = NIP19_NPUB.slice(0, 5) + NIP19_NPUB[6] + NIP19_NPUB[5] + NIP19_NPUB.slice(7);
    assert.notEqual(swapped, NIP19_NPUB);
    assertInvalidPrimary(`nostr:${swapped}`, /not a valid bech32/);
  });

  await t.step("hex instead of an npub, empty, characters outside bech32", () => {
    assertInvalidPrimary(`nostr:${NIP19_KEY}`);
    assertInvalidPrimary("nostr:");
    assertInvalidPrimary(`nostr:${NIP19_NPUB.slice(0, 10)}b${NIP19_NPUB.slice(11)}`);
    assertInvalidPrimary(`nostr:${NIP19_NPUB} `);
    assertInvalidPrimary(`nostr:${NIP19_NPUB.slice(0, 40)}`);
  });
});

Deno.test("primaryFromPath() percent-decodes each segment", async (t) => {
  const npubPrimary = parsePrimary(`nostr:${NIP19_NPUB}`);

  await t.step("plain segments", () => {
    assert.equal(primaryFromPath("ed25519", ED_HEX).text, `ed25519:${ED_HEX}`);
    assert.equal(primaryFromPath("nostr", NIP19_NPUB).text, npubPrimary.text);
  });

  await t.step("valid escapes reach the same primary", () => {
    const escapedHex = ED_HEX.replace("d", "%64").replace("a", "%61");
    assert.equal(primaryFromPath("%65d25519", escapedHex).text, `ed25519:${ED_HEX}`);
    assert.equal(
      primaryFromPath("%6E%6F%73%74%72", `%6e${NIP19_NPUB.slice(1)}`).text,
      npubPrimary.text,
    );
  });

  await t.step("a decoded / is refused as such, before the primary is parsed", () => {
    const slash = /must not contain "\/"/;
    assertKezError(
      () => primaryFromPath("ed25519", `ab%2F${ED_HEX.slice(5)}`),
      "invalid_primary",
      slash,
    );
    assertKezError(() => primaryFromPath("ed%2f25519", ED_HEX), "invalid_primary", slash);
  });

  await t.step("an escape to an uppercase letter is not canonical", () => {
    assertKezError(
      () => primaryFromPath("ed25519", `%44${ED_HEX.slice(1)}`),
      "invalid_primary",
      /64 lowercase hex/,
    );
  });

  for (
    const [name, scheme, id] of [
      ["%zz in the id", "ed25519", `%zz${ED_HEX.slice(3)}`],
      ["%zz in the scheme", "ed%zz519", ED_HEX],
      ["a lone %", "ed25519", `${ED_HEX}%`],
      ["a truncated %f", "ed25519", `${ED_HEX}%f`],
      ["%ff, invalid UTF-8", "ed25519", `%ff${ED_HEX.slice(3)}`],
      ["%c3 without a continuation byte", "nostr", `%c3${NIP19_NPUB}`],
      ["an escaped surrogate %ed%a0%80", "ed25519", `%ed%a0%80${ED_HEX}`],
      ["%2F in the id", "ed25519", `${ED_HEX.slice(0, 32)}%2F${ED_HEX.slice(32)}`],
      ["%2f in the id", "ed25519", `${ED_HEX.slice(0, 32)}%2f${ED_HEX.slice(32)}`],
      ["%2F in the scheme", "ed%2F25519", ED_HEX],
      ["a raw / in the id", "ed25519", `${ED_HEX.slice(0, 32)}/${ED_HEX.slice(32)}`],
      ["%3A in the scheme", "ed25519%3A", ED_HEX],
      ["an empty scheme", "", ED_HEX],
      ["an empty id", "nostr", ""],
      ["a decoded é", "ed25519", `%C3%A9${ED_HEX.slice(1)}`],
    ] as const
  ) {
    await t.step(`invalid_primary: ${name}`, () => {
      assertKezError(() => primaryFromPath(scheme, id), "invalid_primary");
    });
  }
});

Deno.test("primaryPath() gives segments that primaryFromPath() reads back", () => {
  for (const text of [`ed25519:${ED_HEX}`, `nostr:${NIP19_NPUB}`]) {
    const p = parsePrimary(text);
    const path = primaryPath(p);
    assert.equal(path, text.replace(":", "/"));
    const [scheme, id] = path.split("/");
    assert.equal(primaryFromPath(scheme!, id!).text, text);
  }
});

Deno.test("primaryFromKey() encodes a public key", async (t) => {
  await t.step("ed25519 as lowercase hex", () => {
    const p = primaryFromKey("ed25519", fromHex(ED_HEX));
    assert.equal(p.text, `ed25519:${ED_HEX}`);
  });

  await t.step("nostr as an npub", () => {
    assert.equal(primaryFromKey("nostr", fromHex(NIP19_KEY)).text, `nostr:${NIP19_NPUB}`);
    const key = nostrKey();
    const p = primaryFromKey("nostr", key);
    assert.deepEqual(parsePrimary(p.text).key, key);
    assert.deepEqual(p.key, key);
  });

  await t.step("refuses keys that make no valid primary", () => {
    assertKezError(
      () => primaryFromKey("ed25519", new Uint8Array(31)),
      "invalid_primary",
      /32 bytes/,
    );
    assertKezError(
      () => primaryFromKey("nostr", new Uint8Array(33)),
      "invalid_primary",
      /32 bytes/,
    );
    assertKezError(
      () => primaryFromKey("nostr", new Uint8Array(64)),
      "invalid_primary",
      /32 bytes/,
    );
    assertKezError(
      () => primaryFromKey("ed25519", fromHex(SMALL_ORDER[0]!)),
      "invalid_primary",
      /small-order/,
    );
    assertKezError(
      () => primaryFromKey("nostr", new Uint8Array(32)),
      "invalid_primary",
      /secp256k1/,
    );
  });
});

Deno.test("parseSubject() accepts valid subjects unchanged", async (t) => {
  for (
    const text of [
      "github:jason",
      "dns:jason.example",
      "web:https://jason.example/",
      `nostr:${NIP19_NPUB}`,
      "a:b",
      "x::",
      "mailto:jason@example.com",
      "svc+ssh.v1-x:rest",
      `${"a".repeat(32)}:rest`,
      "matrix:@jasön:例え.jp",
      "name:café", // NFC
      "name:cafe\u0301", // NFD: a different subject, still valid
      "emoji:😀𝔘\u{10FFFF}",
      "x:\u200b", // zero-width space is not White_Space
      "x:\u00ad",
    ]
  ) {
    await t.step(JSON.stringify(text), () => {
      assert.equal(parseSubject(text), text);
      assert.ok(isSubject(text));
    });
  }

  await t.step("512 bytes of UTF-8, counting multi-byte characters", () => {
    for (
      const text of [
        "x:" + "a".repeat(510),
        "x:" + "é".repeat(255),
        "x:" + "€".repeat(170),
        "x:" + "😀".repeat(127) + "é",
      ]
    ) {
      assert.equal(new TextEncoder().encode(text).length, 512);
      assert.equal(parseSubject(text), text);
    }
  });
});

Deno.test("parseSubject() refuses invalid subjects", async (t) => {
  for (
    const [name, text] of [
      ["no colon", "github"],
      ["empty", ""],
      ["empty rest", "github:"],
      ["empty scheme", ":jason"],
      ["uppercase scheme", "GitHub:jason"],
      ["scheme of 33 characters", `${"a".repeat(33)}:rest`],
      ["scheme starting with a digit", "1password:jason"],
      ["scheme starting with +", "+x:jason"],
      ["underscore in scheme", "git_hub:jason"],
      ["space in scheme", "git hub:jason"],
      ["non-ASCII scheme", "gïthub:jason"],
      ["space", "github:jason smith"],
      ["leading space", "github: jason"],
      ["NBSP U+00A0", "github:jason\u00a0"],
      ["U+2028", "github:ja\u2028son"],
      ["U+2029", "github:ja\u2029son"],
      ["U+3000", "github:ja\u3000son"],
      ["U+1680", "github:ja\u1680son"],
      ["U+FEFF", "github:\ufeffjason"],
      ["U+0085", "github:ja\u0085son"],
      ["U+009F", "github:ja\u009fson"],
      ["U+007F", "github:ja\u007fson"],
      ["U+0000", "github:ja\u0000son"],
      ["tab", "github:ja\tson"],
      ["newline", "github:jason\n"],
      ["carriage return", "github:ja\rson"],
      ["lone high surrogate", "github:ja\ud800son"],
      ["lone low surrogate", "github:ja\udc00son"],
      ["surrogates in the wrong order", "github:\udc00\ud800"],
      ["trailing high surrogate", "github:jason\ud83d"],
    ] as const
  ) {
    await t.step(name, () => assertInvalidSubject(text));
  }

  await t.step("513 bytes of UTF-8, counting multi-byte characters", () => {
    for (
      const text of [
        "x:" + "a".repeat(511),
        "x:" + "é".repeat(255) + "a",
        "x:" + "€".repeat(170) + "a",
        "x:" + "😀".repeat(128),
      ]
    ) {
      assert.ok(new TextEncoder().encode(text).length > 512);
      assert.ok(text.length <= 513);
      assertInvalidSubject(text, /at most 512/);
    }
  });

  await t.step("the message quotes the subject", () => {
    assertKezError(
      () => parseSubject("github:a b"),
      "invalid_event",
      /^Cannot parse subject "github:a b"/,
    );
  });
});
