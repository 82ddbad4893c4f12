/**
 * The one reading of a setting that is a whole number within bounds.
 *
 * @module
 */

/**
 * Reads a setting's digits as a number from `min` to `max`.
 *
 * @param text the setting as given
 * @param min the least value
 * @param max the greatest value
 * @returns the number, or undefined for anything but digits within the bounds
 *   (each setting words its own message)
 *
 * @example
 * ```ts
 * import { wholeNumber } from "./whole_number.ts";
 * if (wholeNumber("12", 1, 60) !== 12) throw new Error("12");
 * if (wholeNumber("0", 1, 60) !== undefined || wholeNumber("1.5", 0, 60) !== undefined) {
 *   throw new Error("out of bounds, or not digits");
 * }
 * ```
 */
export function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}
