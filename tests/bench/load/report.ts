/**
 * The printed result: one Markdown table (figure | value | limit | limit
 * value | ratio | target met?) and a notes block.
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
  /** Whether the target is met, and the target. */
  readonly target: string;
}

/**
 * Other processes' CPU use during a figure's run above which the table marks
 * the figure as disturbed, in cores.
 */
export const DISTURBED_CORES = 0.25;

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
 * A target verdict.
 *
 * @param met whether it is met
 * @param target the target, e.g. `≥ 0.7`
 * @returns e.g. `yes (≥ 0.7)`
 */
export function verdict(met: boolean, target: string): string {
  return `${met ? "yes" : "**no**"} (${target})`;
}

/**
 * Renders the table.
 *
 * @param rows the rows
 * @returns Markdown
 */
export function renderTable(rows: readonly Row[]): string {
  const cells = (r: Row) => [r.figure, r.value, r.limit, r.limitValue, r.ratio, r.target];
  const lines = [
    "| figure | value | limit | limit value | ratio | target met? |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${cells(r).map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`),
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
