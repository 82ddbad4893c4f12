/**
 * The `created_at` timestamp form of spec §3: RFC 3339, UTC, proleptic
 * Gregorian years 0000–9999.
 *
 * @module
 */

const FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** Days per month of a common year; February gets a leap day below. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Tells whether a string is a valid event timestamp: `YYYY-MM-DDTHH:MM:SS`,
 * an optional 1–9 digit fraction, then `Z`; a real calendar date (year 0000 is
 * a leap year) and a time without a leap second.
 *
 * @param text the candidate timestamp
 * @returns true when it has the exact form and names a real instant
 *
 * @example
 * ```ts
 * import { isTimestamp } from "./timestamp.ts";
 * if (!isTimestamp("0000-02-29T00:00:00.5Z")) throw new Error("year 0 is a leap year");
 * if (isTimestamp("2026-02-29T00:00:00Z")) throw new Error("2026 is not");
 * ```
 */
export function isTimestamp(text: string): boolean {
  const m = FORM.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
  return day <= days && hour <= 23 && minute <= 59 && second <= 59;
}
