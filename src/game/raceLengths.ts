import { RACE_LENGTHS } from "../protocol.ts";

/**
 * The lengths a race may have on a server: RACE_LENGTHS, and the server's default (RACE_WORDS)
 * when an operator set it to another.
 */
export function raceLengths(defaultLength: number): readonly number[] {
  return (RACE_LENGTHS as readonly number[]).includes(defaultLength)
    ? RACE_LENGTHS
    : [...RACE_LENGTHS, defaultLength].sort((a, b) => a - b);
}
