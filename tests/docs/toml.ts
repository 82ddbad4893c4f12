/**
 * Test support for the docs check: the little of TOML that `fly.toml` uses (tables, arrays of
 * tables, strings, integers, booleans), enough for the `fly` stand-in to read what Fly.io reads.
 *
 * @module
 */

/** A scalar TOML value. */
export type TomlValue = string | number | boolean;

/** A parsed document. */
export interface Toml {
  /**
   * A value of a table, or of the top level.
   *
   * @param table the table's name, or the key at the top level
   * @param key the key within the table
   * @returns the value, or undefined
   */
  get(table: string, key?: string): TomlValue | undefined;
  /**
   * A table's entries.
   *
   * @param table the table's name
   * @returns its keys and values
   */
  section(table: string): [string, TomlValue][];
  /**
   * The tables of an array of tables (`[[name]]`).
   *
   * @param name its name
   * @returns each table's entries
   */
  tables(name: string): Record<string, TomlValue>[];
}

function value(text: string, where: string): TomlValue {
  if (text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+$/.test(text)) return Number(text);
  throw new Error(`${where}: cannot read the value ${text}`);
}

/**
 * Parses the subset of TOML described above.
 *
 * @param text the document
 * @returns its tables
 * @throws {Error} naming the line, for anything outside the subset
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const doc = parseToml('a = "x"\n[t]\n  n = 2\n[[t.c]]\n  p = "/h"\n');
 * assert.equal(doc.get("a"), "x");
 * assert.equal(doc.get("t", "n"), 2);
 * assert.deepEqual(doc.tables("t.c"), [{ p: "/h" }]);
 * ```
 */
export function parseToml(text: string): Toml {
  const tables = new Map<string, Record<string, TomlValue>[]>([["", [{}]]]);
  let current = tables.get("")![0]!;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) return;
    const header = /^(\[\[?)([\w.]+)\]\]?$/.exec(line);
    if (header) {
      const list = tables.get(header[2]!) ?? [];
      tables.set(header[2]!, list);
      current = {};
      if (header[1] === "[[" || list.length === 0) list.push(current);
      else current = list[0]!;
      return;
    }
    const entry = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (!entry) throw new Error(`line ${i + 1}: cannot read ${line}`);
    current[entry[1]!] = value(entry[2]!, `line ${i + 1}`);
  });
  const first = (table: string) => tables.get(table)?.[0] ?? {};
  return {
    get: (table, key) => key === undefined ? first("")[table] : first(table)[key],
    section: (table) => Object.entries(first(table)),
    tables: (name) => tables.get(name) ?? [],
  };
}
