/** A numeric command-line flag, or a clear error naming it: a bench never runs on NaN. */
export function numberFlag(name: string, value: string | undefined, min: number, integer: boolean): number {
  const parsed = Number(value);
  if (!(integer ? Number.isSafeInteger(parsed) : Number.isFinite(parsed)) || parsed < min)
    throw new Error(`--${name}: expected a ${integer ? "whole " : ""}number ≥ ${min} (got ${value})`);
  return parsed;
}
