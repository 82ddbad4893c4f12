import assert from "node:assert/strict";
import { canonicalBytes, canonicalize } from "../../lib/protocol/jcs.ts";
import { type JsonValue, parseJson, parseJsonText } from "../../lib/protocol/json.ts";

const vectors = new URL("../testdata/jcs/", import.meta.url);

Deno.test("canonicalBytes() matches the RFC 8785 test vectors", async (t) => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(new URL("input/", vectors))) {
    if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name);
  }
  names.sort();
  assert.ok(names.length > 0, "no vectors found");
  for (const name of names) {
    await t.step(name, async () => {
      const input = await Deno.readFile(new URL(`input/${name}`, vectors));
      const expected = await Deno.readFile(new URL(`output/${name}`, vectors));
      assert.deepEqual(canonicalBytes(parseJson(input)), expected);
    });
  }
});

Deno.test("canonicalize() writes numbers as ECMAScript does", async (t) => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [-1, "-1"],
    [0.1, "0.1"],
    [1e21, "1e+21"],
    [1e20, "100000000000000000000"],
    [123456789012345680000, "123456789012345680000"],
    [1e-7, "1e-7"],
    [1e-6, "0.000001"],
    [5e-324, "5e-324"],
    [-5e-324, "-5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [9007199254740991, "9007199254740991"],
    [333333333.3333333, "333333333.3333333"],
    [4.5, "4.5"],
    [0.002, "0.002"],
    [1e-27, "1e-27"],
  ];
  for (const [n, text] of cases) {
    await t.step(`writes ${text}`, () => assert.equal(canonicalize(n), text));
  }

  await t.step("writes 1.0, 1e0 and 1.0000000000000001 as 1", () => {
    assert.equal(canonicalize(parseJsonText("[1.0,1e0,1.0000000000000001]")), "[1,1,1]");
  });

  await t.step("writes parsed -0 and underflow as 0", () => {
    assert.equal(canonicalize(parseJsonText("[-0,1e-400,-1e-400]")), "[0,0,0]");
  });

  await t.step("refuses NaN and infinities", () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      assert.throws(() => canonicalize(n), TypeError);
    }
  });
});

Deno.test("canonicalize() orders members by UTF-16 code units", async (t) => {
  await t.step("sorts ASCII names by code unit, not locale", () => {
    assert.equal(
      canonicalize({ b: 1, a: 2, B: 3, "10": 4, "1": 5, "": 6 }),
      '{"":6,"1":5,"10":4,"B":3,"a":2,"b":1}',
    );
  });

  await t.step("puts a non-BMP name before a high BMP name", () => {
    // U+1F600 is D83D DE00 in UTF-16, below U+FB33; by code point it would sort after.
    assert.equal(
      canonicalize({ "\ufb33": 1, "😀": 2, "\u00f6": 3 }),
      '{"\u00f6":3,"\ud83d\ude00":2,"\ufb33":1}',
    );
  });

  await t.step("sorts nested objects", () => {
    assert.equal(
      canonicalize({ z: { y: 1, x: [{ b: 1, a: 2 }] }, a: null }),
      '{"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}}',
    );
  });

  await t.step("keeps array order", () => {
    assert.equal(canonicalize([3, 1, 2]), "[3,1,2]");
  });

  await t.step("works on null-prototype objects with a __proto__ member", () => {
    const v = parseJsonText('{"__proto__":{"b":1,"a":2},"_":0}');
    assert.equal(canonicalize(v), '{"_":0,"__proto__":{"a":2,"b":1}}');
  });

  await t.step("ignores non-enumerable and symbol keys", () => {
    const o: Record<string, JsonValue> = { a: 1 };
    Object.defineProperty(o, "hidden", { value: 2, enumerable: false });
    Object.defineProperty(o, Symbol("s"), { value: 3, enumerable: true });
    assert.equal(canonicalize(o), '{"a":1}');
  });

  await t.step("ignores inherited keys", () => {
    const o = Object.create({ inherited: 1 }) as Record<string, JsonValue>;
    o.own = 2;
    assert.equal(canonicalize(o), '{"own":2}');
  });
});

Deno.test("canonicalize() escapes strings as RFC 8785 §3.2.2.2 says", async (t) => {
  await t.step("uses the short escapes", () => {
    assert.equal(canonicalize('"\\\b\f\n\r\t'), '"\\"\\\\\\b\\f\\n\\r\\t"');
  });

  await t.step("writes other controls as lowercase \\u00xx", () => {
    assert.equal(canonicalize("\u0000\u000f\u001f"), '"\\u0000\\u000f\\u001f"');
  });

  await t.step("writes /, DEL, non-ASCII and non-BMP characters as they are", () => {
    assert.equal(canonicalize("/\u007f\u0080é€😀</script>"), '"/\u007f\u0080é€😀</script>"');
  });

  await t.step("does not normalize", () => {
    assert.equal(canonicalize("A\u030a"), '"A\u030a"');
  });

  await t.step("escapes member names too", () => {
    assert.equal(canonicalize({ "\n": "\u0001" }), '{"\\n":"\\u0001"}');
  });

  await t.step("refuses lone surrogates in values and names", () => {
    assert.throws(() => canonicalize("\ud800"), TypeError);
    assert.throws(() => canonicalize({ "\udc00": 1 }), TypeError);
  });
});

Deno.test("canonicalize() refuses values that are not JSON", async (t) => {
  const cases: [string, unknown][] = [
    ["undefined", undefined],
    ["a function", () => 1],
    ["a bigint", 1n],
    ["a symbol", Symbol("s")],
    ["undefined in an array", [undefined]],
    ["undefined as a member", { a: undefined }],
    ["a hole in an array", [1, , 2]],
  ];
  for (const [what, value] of cases) {
    await t.step(`throws TypeError for ${what}`, () => {
      assert.throws(() => canonicalize(value as JsonValue), TypeError);
    });
  }
});

Deno.test("canonicalBytes() encodes as UTF-8", async (t) => {
  await t.step("encodes non-ASCII text", () => {
    assert.deepEqual(
      canonicalBytes({ "€": "😀" }),
      new Uint8Array([
        0x7b,
        0x22,
        0xe2,
        0x82,
        0xac,
        0x22,
        0x3a,
        0x22,
        0xf0,
        0x9f,
        0x98,
        0x80,
        0x22,
        0x7d,
      ]),
    );
  });

  await t.step("round-trips through parseJson()", () => {
    const bytes = canonicalBytes(parseJsonText('{ "b" : [ 1.50, "\\u00e9" ], "a" : { } }'));
    assert.deepEqual(canonicalBytes(parseJson(bytes)), bytes);
    assert.equal(new TextDecoder().decode(bytes), '{"a":{},"b":[1.5,"é"]}');
  });
});
