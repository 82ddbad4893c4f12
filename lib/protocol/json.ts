/**
 * A strict parser for I-JSON (RFC 7493 over RFC 8259), the only JSON the protocol accepts (spec §2).
 *
 * @module
 */

import { KezError } from "./error.ts";

/**
 * A parsed JSON value. Numbers are IEEE-754 doubles, compared by value.
 *
 * @example
 * ```ts
 * import type { JsonValue } from "./json.ts";
 * const v: JsonValue = [null, true, 1, "a", { b: [] }];
 * if (!Array.isArray(v)) throw new Error("unexpected");
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/**
 * A JSON object. Objects made by {@linkcode parseJson} have a null prototype.
 *
 * @example
 * ```ts
 * import type { JsonObject } from "./json.ts";
 * const o: JsonObject = { seq: 1, op: "add" };
 * if (o.seq !== 1) throw new Error("unexpected");
 * ```
 */
export type JsonObject = { [key: string]: JsonValue };

// ignoreBOM keeps a leading U+FEFF in the text so that the parser can refuse it.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Parses UTF-8 bytes as I-JSON. Error messages give byte offsets into `bytes`.
 *
 * @param bytes the body, which must be UTF-8 without a byte-order mark
 * @returns the value; objects have a null prototype, so `__proto__` is an ordinary member
 * @throws {KezError} `invalid_json` for invalid UTF-8, a byte-order mark, anything outside the
 * RFC 8259 grammar, a duplicate member name, a lone surrogate or a number that overflows a double
 *
 * @example
 * ```ts
 * import { parseJson } from "./json.ts";
 * const v = parseJson(new TextEncoder().encode('{"seq": 1.0, "op": "add"}'));
 * if (typeof v !== "object" || v === null || Array.isArray(v) || v.seq !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseJson(bytes: Uint8Array): JsonValue {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (cause) {
    throw new KezError("invalid_json", "Cannot parse JSON: body is not valid UTF-8", { cause });
  }
  return parseJsonText(text);
}

/**
 * Parses a string already decoded as I-JSON, with the same rules as {@linkcode parseJson}.
 * Error offsets are UTF-8 byte offsets into the string's encoding.
 *
 * @param text the JSON text
 * @returns the value; objects have a null prototype
 * @throws {KezError} `invalid_json` for a byte-order mark, anything outside the RFC 8259 grammar,
 * a duplicate member name, a lone surrogate or a number that overflows a double
 *
 * @example
 * ```ts
 * import { parseJsonText } from "./json.ts";
 * let refused = false;
 * try {
 *   parseJsonText('{"a": 1, "a": 2}');
 * } catch {
 *   refused = true;
 * }
 * if (!refused) throw new Error("a duplicate member must be refused");
 * ```
 */
export function parseJsonText(text: string): JsonValue {
  return new Parser(text).parse();
}

// An open array, or an open object with the name of the member whose value is being parsed.
type Frame = JsonValue[] | { obj: JsonObject; key: string };

class Parser {
  pos = 0;

  constructor(readonly text: string) {}

  // Iterative with an explicit stack, so that nesting depth is bounded by memory, not the call stack.
  parse(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) throw this.fail("byte-order mark", 0);
    const stack: Frame[] = [];
    for (;;) {
      let value = this.openValue(stack);
      if (value === undefined) continue;
      for (;;) {
        const frame = stack.at(-1);
        if (frame === undefined) {
          this.skipWhitespace();
          if (this.pos < this.text.length) throw this.unexpected("after the value");
          return value;
        }
        const isArray = Array.isArray(frame);
        if (isArray) frame.push(value);
        else frame.obj[frame.key] = value;
        this.skipWhitespace();
        const c = this.text.charCodeAt(this.pos);
        if (c === 0x2c /* , */) {
          this.pos++;
          if (!isArray) frame.key = this.memberName(frame.obj);
          break;
        }
        if (c !== (isArray ? 0x5d /* ] */ : 0x7d /* } */)) {
          throw this.unexpected(
            isArray ? 'in array, expected "," or "]"' : 'in object, expected "," or "}"',
          );
        }
        this.pos++;
        stack.pop();
        value = isArray ? frame : frame.obj;
      }
    }
  }

  // Returns a complete value, or undefined after pushing a non-empty container onto the stack.
  openValue(stack: Frame[]): JsonValue | undefined {
    this.skipWhitespace();
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */: {
        this.pos++;
        const obj: JsonObject = Object.create(null);
        this.skipWhitespace();
        if (text.charCodeAt(this.pos) === 0x7d /* } */) {
          this.pos++;
          return obj;
        }
        stack.push({ obj, key: this.memberName(obj) });
        return undefined;
      }
      case 0x5b /* [ */: {
        this.pos++;
        this.skipWhitespace();
        if (text.charCodeAt(this.pos) === 0x5d /* ] */) {
          this.pos++;
          return [];
        }
        stack.push([]);
        return undefined;
      }
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal("true", true);
      case 0x66 /* f */:
        return this.literal("false", false);
      case 0x6e /* n */:
        return this.literal("null", null);
      default:
        if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
        throw this.unexpected("where a value was expected");
    }
  }

  // Reads `"name" :` with the whitespace around it, refusing a name the object already has.
  memberName(obj: JsonObject): string {
    this.skipWhitespace();
    const start = this.pos;
    if (this.text.charCodeAt(start) !== 0x22 /* " */) {
      throw this.unexpected("where a member name was expected");
    }
    const key = this.string();
    // The object has a null prototype, so `in` sees own members only.
    if (key in obj) throw this.fail(`duplicate member ${show(key)}`, start);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) {
      throw this.unexpected("after a member name");
    }
    this.pos++;
    return key;
  }

  literal<T extends boolean | null>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw this.unexpected("where a value was expected");
    this.pos += word.length;
    return value;
  }

  number(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 0x2d /* - */) pos++;
    if (text.charCodeAt(pos) === 0x30 /* 0 */) pos++;
    else if (isDigit(text.charCodeAt(pos))) pos = skipDigits(text, pos);
    else throw this.fail("number without digits", start);
    if (text.charCodeAt(pos) === 0x2e /* . */) {
      if (!isDigit(text.charCodeAt(++pos))) {
        throw this.fail("number without fraction digits", start);
      }
      pos = skipDigits(text, pos);
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 /* e */ || e === 0x45 /* E */) {
      const sign = text.charCodeAt(++pos);
      if (sign === 0x2b /* + */ || sign === 0x2d /* - */) pos++;
      if (!isDigit(text.charCodeAt(pos))) throw this.fail("number without exponent digits", start);
      pos = skipDigits(text, pos);
    }
    this.pos = pos;
    const source = text.slice(start, pos);
    const n = Number(source);
    // I-JSON numbers are doubles; an overflow would silently become a different value.
    if (!Number.isFinite(n)) throw this.fail(`number ${clip(source)} is out of range`, start);
    return n;
  }

  string(): string {
    const text = this.text;
    const start = this.pos;
    let pos = start + 1;
    let run = pos;
    let out = "";
    for (;;) {
      if (pos >= text.length) throw this.fail("unterminated string", start);
      const c = text.charCodeAt(pos);
      if (c === 0x22 /* " */) {
        this.pos = pos + 1;
        return out + text.slice(run, pos);
      }
      if (c === 0x5c /* \ */) {
        out += text.slice(run, pos);
        const [decoded, next] = this.escape(pos);
        out += decoded;
        pos = run = next;
      } else if (c < 0x20) {
        throw this.fail(`unescaped control character ${codePoint(c)} in string`, pos);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        if (!isPair(c, text.charCodeAt(pos + 1))) {
          throw this.fail(`lone surrogate ${codePoint(c)} in string`, pos);
        }
        pos += 2;
      } else {
        pos++;
      }
    }
  }

  // Decodes the escape at `pos`; an escaped surrogate must be an escaped pair.
  escape(pos: number): [string, number] {
    const text = this.text;
    const c = text.charCodeAt(pos + 1);
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return [simple, pos + 2];
    if (c !== 0x75 /* u */) {
      throw this.fail(`invalid escape ${show(text.slice(pos, pos + 2))} in string`, pos);
    }
    const unit = hex4(text, pos + 2);
    if (unit < 0) {
      throw this.fail(`invalid escape ${show(text.slice(pos, pos + 6))} in string`, pos);
    }
    if (unit < 0xd800 || unit > 0xdfff) return [String.fromCharCode(unit), pos + 6];
    const low = text.startsWith("\\u", pos + 6) ? hex4(text, pos + 8) : -1;
    if (!isPair(unit, low)) throw this.fail(`lone surrogate \\u${hex(unit)} in string`, pos);
    return [String.fromCharCode(unit, low), pos + 12];
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  unexpected(where: string): KezError {
    if (this.pos >= this.text.length) {
      return this.fail(`unexpected end of input ${where}`, this.pos);
    }
    const c = this.text.codePointAt(this.pos) ?? 0;
    const what = c >= 0x21 && c <= 0x7e ? `"${String.fromCodePoint(c)}"` : codePoint(c);
    return this.fail(`unexpected ${what} ${where}`, this.pos);
  }

  // Converts the offset only on failure, so that the success path never encodes.
  fail(what: string, pos: number): KezError {
    const byte = encoder.encode(this.text.slice(0, pos)).length;
    return new KezError("invalid_json", `Cannot parse JSON: ${what} at byte ${byte}`);
  }
}

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: "\\",
  0x2f: "/",
  0x62: "\b",
  0x66: "\f",
  0x6e: "\n",
  0x72: "\r",
  0x74: "\t",
};

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function skipDigits(text: string, pos: number): number {
  while (isDigit(text.charCodeAt(pos))) pos++;
  return pos;
}

function isPair(high: number, low: number): boolean {
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

// Returns the value of four hex digits at `pos`, or -1.
function hex4(text: string, pos: number): number {
  let n = 0;
  for (let i = pos; i < pos + 4; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 0x30 && c <= 0x39
      ? c - 0x30
      : c >= 0x61 && c <= 0x66
      ? c - 0x57
      : c >= 0x41 && c <= 0x46
      ? c - 0x37
      : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

function hex(unit: number): string {
  return unit.toString(16).padStart(4, "0");
}

function codePoint(c: number): string {
  return `U+${hex(c).toUpperCase()}`;
}

// Cut short so that a huge body cannot make a huge message.
function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function show(s: string): string {
  return JSON.stringify(clip(s));
}
