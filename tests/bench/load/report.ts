/**
 * The printed result: the figures' Markdown table (figure | value | limit |
 * limit value | ratio), the targets' table (`targets.ts`) and a notes block.
 *
 * @module
 */

/** One row of the table. */
export interface Row {
  /** What is measured. */
  readonly figure: string;
  /** Its value in this run. */
  readonly value: string;
  /** What it is compared with. */
  readonly limit: string;
  /** The limit's value in this run. */
  readonly limitValue: string;
  /** value / limit, as text. */
  readonly ratio: string;
}

/**
 * Other processes' CPU use during a figure's run above which the table marks
 * the figure as disturbed, in cores.
 */
export const DISTURBED_CORES = 0.25;

/** The limit of a POST to a server on SQLite with the log on. */
export const SQLITE_LOG_LIMIT =
  "raw node:sqlite FULL, random primaries, 64 rows/tx with their log rows";

/** The limit of a POST to a server on PostgreSQL. */
export const PG_LIMIT = "raw PostgreSQL, a commit's rows (events, log entries, state), 64 rows/tx";

/** A row's placeholder for "does not apply". */
export const NONE = "—";

/**
 * A rate with thousands separators, e.g. `12,345/s`.
 *
 * @param perSec the rate
 * @returns the text
 */
export function rate(perSec: number): string {
  return `${Math.round(perSec).toLocaleString("en-US")}/s`;
}

/**
 * Milliseconds, with two significant decimals below 10.
 *
 * @param value milliseconds
 * @returns the text, e.g. `3.2 ms`
 */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/**
 * A ratio to two decimals.
 *
 * @param value the figure
 * @param limit what it is compared with
 * @returns e.g. `0.42`
 */
export function ratio(value: number, limit: number): string {
  return limit > 0 ? (value / limit).toFixed(2) : NONE;
}

/**
 * Escapes a Markdown table cell.
 *
 * @param text the text
 * @returns the text with its `|` escaped
 */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/**
 * Renders the table.
 *
 * @param rows the rows
 * @returns Markdown
 */
export function renderTable(rows: readonly Row[]): string {
  const cells = (r: Row) => [r.figure, r.value, r.limit, r.limitValue, r.ratio];
  const lines = [
    "| figure | value | limit | limit value | ratio |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${cells(r).map(cell).join(" | ")} |`),
  ];
  return lines.join("\n");
}

/**
 * Renders the notes.
 *
 * @param notes one paragraph each
 * @returns Markdown
 */
export function renderNotes(notes: readonly string[]): string {
  return ["Notes:", ...notes.map((n) => `- ${n}`)].join("\n");
}
