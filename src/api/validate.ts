import type { z } from "zod";
import { ApiErrorCode } from "../protocol.ts";
import type { FieldIssue } from "./contracts/common.ts";
import { ApiError } from "./errors.ts";

/** Parses a request part with its contract; a mismatch is a 422 listing every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: FieldIssue[] = parsed.error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const first = details[0]!;
  throw new ApiError(422, ApiErrorCode.VALIDATION_ERROR, `${first.path}: ${first.message}`, details);
}
