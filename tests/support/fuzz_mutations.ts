/**
 * Test support: what a fuzzer does to the bytes of an envelope before it is
 * posted. Some mutations keep the value (white space, member order, escapes,
 * `1.0` for `1`) and must change nothing; the rest damage it (bit flips,
 * truncation, deleted, added, duplicated and retyped members, huge numbers,
 * deep nesting, bad UTF-8, random bytes).
 *
 * @module
 */

import type { JsonValue } from "../../lib/protocol/mod.ts";
import { type JsonTree, render, slotsOf, treeOf } from "./json_tree.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** A body to post, and what was done to it. */
export interface Mutated {
  /** The mutation's name, for a failure message. */
  readonly kind: string;
  /** The body. */
  readonly body: Uint8Array<ArrayBuffer>;
  /**
   * True when the mutation certainly changed the envelope's value, so that
   * no server may store it, whatever it was before.
   */
  readonly damaged: boolean;
}

const encoder = new TextEncoder();

/** Values that replace a member of another type. */
const RETYPED: readonly JsonValue[] = [null, true, false, 0, -1, "", "0", [], {}, [null], {
  a: 1,
}];

/** Numbers that overflow, underflow, lose precision or are not JSON at all. */
const ODD_NUMBERS: readonly string[] = [
  "1e400",
  "-1e400",
  "1e-400",
  "-0",
  "0.1e1",
  "9007199254740993",
  "9007199254740992",
  "1" + "0".repeat(400),
  "123456789012345678901234567890",
  "-1",
  "1.5",
  "01",
  "+1",
  ".5",
  "1.",
  "NaN",
  "Infinity",
  "0x10",
];

/** UTF-8 that is not: overlong, surrogate, out of range, stray continuation, never-valid bytes. */
const BAD_UTF8: readonly number[][] = [
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0x80],
  [0xfe],
  [0xff],
  [0xc3],
];

const WHITESPACE = [" ", "\t", "\n", "\r"];

/** Spells a number that is exactly `n` another way. */
function respellNumber(text: string, random: SeededRandom): string {
  if (!/^-?\d+$/.test(text)) return text;
  return random.pick([`${text}.0`, `${text}e0`, `${text}E+0`, `${text}0e-1`, `${text}.000`]);
}

/** Spells a string literal with some characters as `\u` escapes (same value). */
function respellString(literal: string, random: SeededRandom): string {
  const value = JSON.parse(literal) as string;
  let out = '"';
  for (const ch of value) {
    if (random.chance(0.3)) {
      for (let i = 0; i < ch.length; i++) {
        out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`;
      }
    } else {
      out += JSON.stringify(ch).slice(1, -1);
    }
  }
  return out + '"';
}

/** Rewrites a tree without changing its value: escapes, number spellings, member order. */
function respell(tree: JsonTree, random: SeededRandom): void {
  for (const { value } of slotsOf(tree).slots) {
    if (value.kind === "scalar" && random.chance(0.3)) {
      value.text = value.text.startsWith('"')
        ? respellString(value.text, random)
        : respellNumber(value.text, random);
    } else if (value.kind === "object") {
      if (random.chance(0.3)) value.members.reverse();
      value.members = value.members.map(([name, v]) => [
        random.chance(0.2) ? respellString(name, random) : name,
        v,
      ]);
    }
  }
}

function nested(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

/**
 * Mutates an envelope, or leaves it alone.
 *
 * @param envelope the envelope
 * @param random the fuzzer's generator
 * @returns the body to post
 *
 * @example
 * ```ts
 * import { mutate } from "./fuzz_mutations.ts";
 * import { SeededRandom } from "./seeded_random.ts";
 * const a = mutate({ kez: "x", seq: 1 }, new SeededRandom(7));
 * const b = mutate({ kez: "x", seq: 1 }, new SeededRandom(7));
 * if (a.kind !== b.kind || a.body.join() !== b.body.join()) throw new Error("not reproducible");
 * ```
 */
export function mutate(envelope: JsonValue, random: SeededRandom): Mutated {
  const tree = treeOf(envelope);
  const text = render(tree);
  const bytes = encoder.encode(text);
  const roll = random.next();
  const out = (
    kind: string,
    body: Uint8Array<ArrayBuffer> | string,
    damaged: boolean,
  ): Mutated => ({
    kind,
    body: typeof body === "string" ? encoder.encode(body) : body,
    damaged,
  });
  if (roll < 0.35) return out("none", bytes, false);
  if (roll < 0.5) {
    respell(tree, random);
    const spaced = random.chance(0.5);
    return out("respelled", render(tree, () => spaced ? random.pick(WHITESPACE) : ""), false);
  }
  const { slots, objects } = slotsOf(tree);
  const inner = slots.slice(1);
  const mutations: (() => Mutated)[] = [
    () => {
      const body = bytes.slice();
      for (let i = 0, n = 1 + random.int(3); i < n; i++) {
        body[random.int(body.length)]! ^= 1 << random.int(8);
      }
      // Flips can cancel out: then nothing changed.
      const same = body.every((b, i) => b === bytes[i]);
      return same ? out("none", bytes, false) : out("bit flips", body, true);
    },
    () => out("truncated", bytes.slice(0, random.int(bytes.length)), true),
    () => {
      const object = random.pick(objects);
      object.members.splice(random.int(object.members.length), 1);
      return out("member deleted", render(tree), true);
    },
    () => {
      const object = random.pick(objects);
      const name = random.pick([
        '"extra"',
        '"__proto__"',
        '"constructor"',
        '""',
        '"prev"',
        '"\\u0000"',
      ]);
      object.members.splice(random.int(object.members.length + 1), 0, [
        name,
        treeOf(random.pick(RETYPED)),
      ]);
      return out("member added", render(tree), true);
    },
    () => {
      const object = random.pick(objects.filter((o) => o.members.length > 0));
      const [name, value] = random.pick(object.members);
      // The duplicate may be spelled differently: names compare after unescaping.
      object.members.push([random.chance(0.5) ? respellString(name, random) : name, value]);
      return out("member duplicated", render(tree), true);
    },
    () => {
      const slot = random.pick(inner);
      const replacement = treeOf(random.pick(RETYPED));
      if (render(replacement) === render(slot.value)) return out("none", bytes, false);
      slot.replace(replacement);
      return out("member retyped", render(tree), true);
    },
    () => {
      random.pick(inner).replace({ kind: "scalar", text: random.pick(ODD_NUMBERS) });
      return out("odd number", render(tree), false);
    },
    () => {
      const depth = 1 + random.int(30_000);
      const [open, close] = random.pick([["[", "]"], ['{"a":', "}"]]);
      random.pick(inner).replace({
        kind: "scalar",
        text: nested(open === "[" ? depth : Math.floor(depth / 5), open!, close!),
      });
      return out("deep nesting", render(tree), true);
    },
    () => {
      const at = text.indexOf('"', random.int(text.length));
      const body = Array.from(bytes);
      body.splice(at === -1 ? 1 : at + 1, 0, ...random.pick(BAD_UTF8));
      return out("bad UTF-8", new Uint8Array(body), true);
    },
    () => out("byte-order mark", new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]), true),
    () => {
      const at = random.int(bytes.length + 1);
      const body = new Uint8Array([
        ...bytes.slice(0, at),
        ...random.bytes(1 + random.int(8)),
        ...bytes.slice(at),
      ]);
      return out("bytes inserted", body, false);
    },
    () => out("random bytes", random.bytes(random.int(2_000)), false),
    () =>
      out("padded past 64 KiB", text + " ".repeat(65_537 - bytes.length + random.int(3)), false),
    () =>
      out("top level not an object", random.pick(["[]", "null", "1", '"x"', `[${text}]`]), true),
  ];
  return random.pick(mutations)();
}
