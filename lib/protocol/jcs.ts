/**
 * The RFC 8785 JSON Canonicalization Scheme (JCS), the form in which events are hashed, signed,
 * stored and served (spec §2).
 *
 * @module
 */

import type { JsonValue } from "./json.ts";

const encoder = new TextEncoder();

/**
 * Returns the RFC 8785 canonical JSON text of a value: members sorted by the UTF-16 code units of
 * their names, numbers as ECMAScript writes them, strings escaped as `JSON.stringify` does, no
 * whitespace.
 *
 * @param value a JSON value; of an object only its own enumerable string keys count
 * @returns the canonical text
 * @throws {TypeError} for anything that is not JSON: a non-finite number, a string with a lone
 * surrogate, `undefined`, a function, a bigint or a symbol
 *
 * @example
 * ```ts
 * import { canonicalize } from "./jcs.ts";
 * const text = canonicalize({ b: [1.0, -0, 1e21], a: "\u20ac" });
 * if (text !== '{"a":"€","b":[1,0,1e+21]}') throw new Error(text);
 * ```
 */
export function canonicalize(value: JsonValue): string {
  return write(value);
}

/**
 * Returns the UTF-8 bytes of {@linkcode canonicalize}`(value)`, the input of every hash and
 * signature of the protocol.
 *
 * @param value a JSON value
 * @returns the canonical text as UTF-8
 * @throws {TypeError} for anything that is not JSON, as {@linkcode canonicalize} does
 *
 * @example
 * ```ts
 * import { canonicalBytes } from "./jcs.ts";
 * const bytes = canonicalBytes({ "€": 1 });
 * if (bytes.length !== 9 || bytes[2] !== 0xe2) throw new Error("unexpected");
 * ```
 */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return encoder.encode(write(value));
}

// Takes `unknown` because callers may pass values typed JsonValue that are not JSON at run time.
function write(value: unknown): string {
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`Cannot canonicalize ${value}: not JSON`);
      // Number::toString, which JSON.stringify uses for finite numbers; it writes -0 as 0.
      return JSON.stringify(value);
    case "string":
      return string(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + write(value[i]);
        return out + "]";
      }
      const obj = value as Record<string, unknown>;
      // The default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
      const keys = Object.keys(obj).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        out += (i === 0 ? "" : ",") + string(key) + ":" + write(obj[key]);
      }
      return out + "}";
    }
    default:
      throw new TypeError(`Cannot canonicalize a value of type ${typeof value}: not JSON`);
  }
}

// RFC 8785 §3.2.2.2 requires an error for lone surrogates, which JSON.stringify would escape.
function string(s: string): string {
  if (!s.isWellFormed()) throw new TypeError("Cannot canonicalize a string with a lone surrogate");
  return JSON.stringify(s);
}
