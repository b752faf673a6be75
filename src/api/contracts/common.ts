/**
 * Request and response shapes of the HTTP API are defined once as zod schemas in this folder, one
 * file per area: the routers validate with them, their types are inferred from them, and the web
 * client imports the types (type-only, so zod stays out of the browser bundle).
 */
import { z } from "zod";
import { displayNameProblem } from "../../auth/displayNames.ts";
import { type ApiErrorBody, ApiErrorCode } from "../../protocol.ts";

/** A display name: 1–24 printable characters after trimming, some of them visible (src/auth/displayNames.ts). */
export const displayName = z
  .string()
  .trim()
  .superRefine((name, context) => {
    const problem = displayNameProblem(name);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

export const publicUser = z
  .object({ id: z.uuid(), name: z.string(), guest: z.boolean() })
  .meta({ id: "PublicUser" });
export type PublicUser = z.infer<typeof publicUser>;

/** One bad field of a 422 VALIDATION_ERROR: its `error.details` lists them all. */
export const fieldIssue = z.object({ path: z.string(), message: z.string() }).meta({ id: "FieldIssue" });
export type FieldIssue = z.infer<typeof fieldIssue>;

/**
 * A failure's `error` in the envelope (`{ ok: false, error }`). Its type is ApiErrorBody in
 * src/protocol.ts, which the browser bundle imports without zod: the line below fails to compile
 * when the two part.
 */
export const apiErrorBody = z.object({
  code: z.enum(ApiErrorCode),
  message: z.string(),
  details: z.unknown().optional(),
  /** on 5xx answers of the error handler: the X-Request-Id to quote */
  requestId: z.string().optional(),
});
true satisfies SameType<z.infer<typeof apiErrorBody>, ApiErrorBody>;
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
