import assert from "node:assert/strict";
import { KezError } from "../../lib/protocol/error.ts";
import { type JsonValue, parseJson, parseJsonText } from "../../lib/protocol/json.ts";

function isInvalidJson(e: unknown): boolean {
  return e instanceof KezError && e.code === "invalid_json";
}

function rejects(text: string, message?: RegExp): void {
  assert.throws(
    () => parseJsonText(text),
    (e) => isInvalidJson(e) && (message === undefined || message.test((e as Error).message)),
  );
}

function rejectsBytes(bytes: number[], message?: RegExp): void {
  assert.throws(
    () => parseJson(new Uint8Array(bytes)),
    (e) => isInvalidJson(e) && (message === undefined || message.test((e as Error).message)),
  );
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

// deepEqual compares prototypes, and parsed objects have none; a structured clone has the
// ordinary ones and keeps -0.
function plain(value: JsonValue): unknown {
  return structuredClone(value);
}

Deno.test("parseJson() accepts the RFC 8259 grammar", async (t) => {
  await t.step("parses the literals", () => {
    assert.equal(parseJsonText("true"), true);
    assert.equal(parseJsonText("false"), false);
    assert.equal(parseJsonText("null"), null);
  });

  await t.step("parses a scalar at the top level", () => {
    assert.equal(parseJsonText('"a"'), "a");
    assert.equal(parseJsonText("7"), 7);
  });

  await t.step("parses every number form", () => {
    assert.equal(parseJsonText("0"), 0);
    assert.equal(parseJsonText("-12"), -12);
    assert.equal(parseJsonText("3.25"), 3.25);
    assert.equal(parseJsonText("1e2"), 100);
    assert.equal(parseJsonText("1E+2"), 100);
    assert.equal(parseJsonText("25e-2"), 0.25);
    assert.equal(parseJsonText("-0.5E-1"), -0.05);
  });

  await t.step("allows space, tab, LF and CR around tokens", () => {
    assert.deepEqual(plain(parseJsonText(' \t\r\n{ "a" \n:\t[ 1 ,\r2 ] } \n')), { a: [1, 2] });
  });

  await t.step("parses nested arrays and objects", () => {
    assert.deepEqual(plain(parseJsonText('{"a":[{},[],{"b":null}],"c":{"d":[true]}}')), {
      a: [{}, [], { b: null }],
      c: { d: [true] },
    });
  });

  await t.step("decodes every escape", () => {
    assert.equal(
      parseJsonText('"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20AC"'),
      '" \\ / \b \f \n \r \t A é €',
    );
  });

  await t.step("decodes an escaped surrogate pair", () => {
    assert.equal(parseJsonText('"\\ud83d\\ude00"'), "😀");
  });

  await t.step("accepts raw non-ASCII text, including non-BMP characters", () => {
    assert.equal(parseJson(bytes('"é€😀"')), "é€😀");
  });

  await t.step("accepts U+007F and U+FEFF inside a string", () => {
    assert.equal(parseJsonText('"\u007f\ufeff"'), "\u007f\ufeff");
  });

  await t.step("parses from bytes", () => {
    assert.deepEqual(plain(parseJson(bytes('{"seq":3}'))), { seq: 3 });
  });
});

Deno.test("parseJson() refuses what RFC 8259 does not allow", async (t) => {
  await t.step("rejects empty input", () => {
    rejects("", /unexpected end of input/);
    rejectsBytes([]);
  });

  await t.step("rejects whitespace only", () => rejects(" \n"));

  await t.step("rejects other whitespace", () => {
    rejects("\u00a01");
    rejects("\v1");
    rejects("\f1");
    rejects("[1,\u20282]");
  });

  await t.step("rejects misspelled or truncated literals", () => {
    rejects("tru");
    rejects("True");
    rejects("nul");
    rejects("falsey");
    rejects("NaN");
    rejects("Infinity");
    rejects("undefined");
  });

  await t.step("rejects malformed numbers", () => {
    for (
      const n of [
        "01",
        "-01",
        "00",
        "+1",
        ".5",
        "1.",
        "1.e1",
        "-",
        "-a",
        "1e",
        "1e+",
        "0x10",
        "1_000",
        "- 1",
      ]
    ) {
      rejects(n);
    }
  });

  await t.step("rejects text after the value", () => {
    rejects("1 2", /after the value/);
    rejects("{}{}");
    rejects("[] x");
    rejects("null\u0000");
  });

  await t.step("rejects trailing and missing commas", () => {
    rejects("[1,]");
    rejects('{"a":1,}');
    rejects("[,1]");
    rejects("[1 2]", /in array/);
    rejects('{"a":1 "b":2}', /in object/);
  });

  await t.step("rejects unclosed containers", () => {
    rejects("[");
    rejects("[1");
    rejects("{");
    rejects('{"a"');
    rejects('{"a":');
    rejects('{"a":1');
    rejects("[[]");
  });

  await t.step("rejects mismatched brackets", () => {
    rejects("[}");
    rejects('{"a":1]');
  });

  await t.step("rejects a bad member name", () => {
    rejects("{a:1}", /member name/);
    rejects("{1:1}");
    rejects("{'a':1}");
    rejects('{"a" 1}', /after a member name/);
  });

  await t.step("rejects single-quoted strings and comments", () => {
    rejects("'a'");
    rejects("[1 /* c */]");
    rejects("// c\n1");
  });

  await t.step("rejects an unterminated string", () => {
    rejects('"abc', /unterminated string/);
    rejects('"abc\\"');
  });

  await t.step("rejects raw control characters in a string", () => {
    for (let c = 0; c < 0x20; c++) rejects(`"a${String.fromCharCode(c)}b"`, /control character/);
  });

  await t.step("rejects unknown and short escapes", () => {
    rejects('"\\a"', /invalid escape/);
    rejects('"\\x41"');
    rejects('"\\U0041"');
    rejects('"\\u41"');
    rejects('"\\u004g"');
    rejects('"\\\'"');
    rejects('"\\');
  });
});

Deno.test("parseJson() enforces I-JSON", async (t) => {
  await t.step("rejects a duplicate member", () => {
    rejects('{"seq":1,"seq":2}', /duplicate member "seq" at byte 9/);
  });

  await t.step("rejects a duplicate member at depth", () => {
    rejects('{"a":[{"b":{"c":1,"d":2,"c":3}}]}', /duplicate member "c"/);
  });

  await t.step("rejects a duplicate member written with escapes", () => {
    rejects('{"a":1,"\\u0061":2}', /duplicate member "a"/);
  });

  await t.step("accepts the same name in different objects", () => {
    assert.deepEqual(plain(parseJsonText('{"a":{"a":1},"b":{"a":2}}')), {
      a: { a: 1 },
      b: { a: 2 },
    });
  });

  await t.step("keeps names that differ only in normalization apart", () => {
    const v = parseJsonText('{"\\u00e9":1,"e\\u0301":2}') as Record<string, number>;
    assert.equal(v["é"], 1);
    assert.equal(v["e\u0301"], 2);
  });

  await t.step("rejects an escaped lone high surrogate", () => {
    rejects('"\\ud800"', /lone surrogate \\ud800 in string at byte 1/);
    rejects('"\\ud800x"');
    rejects('"\\ud800\\u0041"');
    rejects('"\\ud800\\ud800"');
  });

  await t.step("rejects an escaped lone low surrogate", () => {
    rejects('"\\udc00x"', /lone surrogate \\udc00/);
    rejects('"\\ude00\\ud83d"');
  });

  await t.step("rejects a lone surrogate in a member name", () => {
    rejects('{"\\ud800":1}', /lone surrogate/);
  });

  await t.step("rejects raw lone surrogates in a string", () => {
    rejects('"\ud800"', /lone surrogate U\+D800/);
    rejects('"\udc00x"', /lone surrogate U\+DC00/);
    rejects('"\ude00\ud83d"');
  });

  await t.step("rejects raw lone surrogates as bytes, as invalid UTF-8", () => {
    rejectsBytes([0x22, 0xed, 0xa0, 0x80, 0x22], /not valid UTF-8/);
    rejectsBytes([0x22, 0xed, 0xb0, 0x80, 0x22], /not valid UTF-8/);
    rejectsBytes([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]);
    // CESU-8: a pair encoded as two three-byte surrogates is still invalid.
    rejectsBytes([0x22, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, 0x22]);
  });

  await t.step("rejects invalid UTF-8", () => {
    rejectsBytes([0x22, 0xff, 0x22], /^Cannot parse JSON: body is not valid UTF-8$/);
    rejectsBytes([0x22, 0xc3, 0x22]); // truncated sequence
    rejectsBytes([0x22, 0xc0, 0xaf, 0x22]); // overlong "/"
    rejectsBytes([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]); // above U+10FFFF
    rejectsBytes([0x22, 0xe2, 0x82]); // truncated at the end
  });

  await t.step("rejects a gzipped body", () => {
    rejectsBytes([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);
  });

  await t.step("rejects a byte-order mark", () => {
    rejectsBytes([0xef, 0xbb, 0xbf, 0x7b, 0x7d], /byte-order mark at byte 0/);
    rejects("\ufeff{}", /byte-order mark/);
  });

  await t.step("rejects a byte-order mark after whitespace", () => {
    rejectsBytes([0x20, 0xef, 0xbb, 0xbf, 0x7b, 0x7d], /U\+FEFF/);
  });
});

Deno.test("parseJson() reads numbers as doubles", async (t) => {
  await t.step("reads 1.0, 1e0 and 1.0000000000000001 as 1", () => {
    assert.equal(parseJsonText("1.0"), 1);
    assert.equal(parseJsonText("1e0"), 1);
    assert.equal(parseJsonText("1.0000000000000001"), 1);
    assert.equal(parseJsonText("100e-2"), 1);
  });

  await t.step("rejects overflow", () => {
    rejects("1e400", /number 1e400 is out of range at byte 0/);
    rejects("-1e400", /out of range/);
    rejects("[1.8e308]", /at byte 1/);
    rejects("1" + "0".repeat(400));
  });

  await t.step("accepts the largest double", () => {
    assert.equal(parseJsonText("1.7976931348623157e308"), Number.MAX_VALUE);
  });

  await t.step("rounds underflow to 0", () => {
    assert.equal(parseJsonText("1e-400"), 0);
    assert.ok(Object.is(parseJsonText("-1e-400"), -0));
  });

  await t.step("keeps -0", () => {
    assert.ok(Object.is(parseJsonText("-0"), -0));
    assert.ok(Object.is(parseJsonText("-0.0e5"), -0));
  });

  await t.step("reads the smallest subnormal", () => {
    assert.equal(parseJsonText("5e-324"), Number.MIN_VALUE);
  });

  await t.step("rounds integers above 2^53", () => {
    assert.equal(parseJsonText("9007199254740993"), 9007199254740992);
  });
});

Deno.test("parseJson() builds safe values", async (t) => {
  await t.step("makes objects with a null prototype", () => {
    const v = parseJsonText('{"a":{}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), null);
    assert.equal(Object.getPrototypeOf(v.a), null);
  });

  await t.step("makes plain arrays", () => {
    const v = parseJsonText("[[1]]");
    assert.ok(Array.isArray(v));
    assert.equal(Object.getPrototypeOf(v), Array.prototype);
  });

  await t.step("keeps a __proto__ member as an own member", () => {
    const v = parseJsonText('{"__proto__":{"x":1},"a":2}') as Record<string, unknown>;
    assert.ok(Object.hasOwn(v, "__proto__"));
    assert.equal(Object.getPrototypeOf(v), null);
    assert.deepEqual(Object.keys(v), ["__proto__", "a"]);
    assert.equal((v["__proto__"] as Record<string, unknown>).x, 1);
  });

  await t.step("rejects a duplicate __proto__ member", () => {
    rejects('{"__proto__":1,"__proto__":2}', /duplicate member "__proto__"/);
  });

  await t.step("treats constructor and toString as ordinary names", () => {
    const v = parseJsonText('{"constructor":1,"toString":2,"hasOwnProperty":3}');
    assert.deepEqual(plain(v), { constructor: 1, toString: 2, hasOwnProperty: 3 });
  });
});

Deno.test("parseJson() handles deep nesting without recursion", async (t) => {
  const depth = 100_000;

  await t.step("parses 100,000 nested arrays", () => {
    let v = parseJson(bytes("[".repeat(depth) + "]".repeat(depth)));
    let seen = 0;
    while (Array.isArray(v) && v.length === 1) {
      v = v[0] as JsonValue;
      seen++;
    }
    assert.equal(seen, depth - 1);
    assert.deepEqual(v, []);
  });

  await t.step("parses 100,000 nested objects", () => {
    const v = parseJsonText('{"a":'.repeat(depth) + "1" + "}".repeat(depth));
    assert.equal(typeof v, "object");
  });

  await t.step("rejects 100,000 unclosed arrays with invalid_json, not RangeError", () => {
    rejects("[".repeat(depth), /unexpected end of input/);
  });
});

Deno.test("parseJson() names what and where in its messages", async (t) => {
  await t.step("gives UTF-8 byte offsets", () => {
    rejects('{"é":1,"é":2}', /duplicate member "é" at byte 8/);
  });

  await t.step("names an unexpected character", () => {
    rejects("[1,x]", /^Cannot parse JSON: unexpected "x" where a value was expected at byte 3$/);
  });

  await t.step("names a control character by code point", () => {
    rejects("[\u0000]", /unexpected U\+0000 where a value was expected at byte 1/);
  });

  await t.step("keeps messages short for huge names", () => {
    assert.throws(
      () => parseJsonText(`{"${"k".repeat(10_000)}":1,"${"k".repeat(10_000)}":2}`),
      (e) => isInvalidJson(e) && (e as Error).message.length < 200,
    );
  });
});

Deno.test("parseJson() agrees with JSON.parse on what it accepts", async (t) => {
  // Mutations of a valid document reach the grammar's corners; a fixed seed keeps runs repeatable.
  const seed =
    '{"a":[1,-0.5e+3,true,false,null,"x\\n\\u00e9\\ud83d\\ude00"],"b":{"c":{}},"d":[[],[0]]}';
  const alphabet = ' \t\n\r{}[],:"\\/-+.0123456789eEuabfnrtlsd\u00e9\ud83d\ude00';
  let state = 0x2545f491;
  const random = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };

  await t.step("gives JSON.parse's value whenever it accepts a mutation", () => {
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = seed;
      for (let k = 1 + random(3); k > 0; k--) {
        const at = random(text.length + 1);
        const c = alphabet[random(alphabet.length)] ?? "";
        const op = random(3);
        text = text.slice(0, at) + (op === 2 ? "" : c) + text.slice(op === 0 ? at : at + 1);
      }
      let value: JsonValue;
      try {
        value = parseJsonText(text);
      } catch (e) {
        assert.ok(isInvalidJson(e), `${text}: ${e}`);
        continue;
      }
      accepted++;
      assert.deepEqual(plain(value), JSON.parse(text), text);
    }
    assert.ok(accepted > 1_000, `only ${accepted} mutations were valid`);
  });
});
