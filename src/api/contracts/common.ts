/**
 * Request and response shapes of the HTTP API are defined once as zod schemas in this folder, one
 * file per area: the routers validate with them, their types are inferred from them, and the web
 * client imports the types (type-only, so zod stays out of the browser bundle).
 */
import { z } from "zod";

/** A display name: 1–24 printable characters after trimming. */
export const displayName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .refine((name) => [...name].length <= 24, { error: "must be at most 24 characters" })
  .refine((name) => !/[\p{C}]/u.test(name), { error: "must contain printable characters only" });

export const publicUser = z.object({ id: z.uuid(), name: z.string(), guest: z.boolean() });
export type PublicUser = z.infer<typeof publicUser>;
