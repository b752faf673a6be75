/**
 * Request and response shapes of the HTTP API, defined once as zod schemas: the routers validate
 * with them, the types below are inferred from them, and the web client imports the types.
 */
import { z } from "zod";

/** A display name: 1–24 printable characters after trimming. */
export const displayName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .refine((name) => [...name].length <= 24, { error: "must be at most 24 characters" })
  .refine((name) => !/[\p{C}]/u.test(name), { error: "must contain printable characters only" });

export const guestSignInBody = z.object({ name: displayName.optional() }).strict();
export type GuestSignInBody = z.infer<typeof guestSignInBody>;

export const publicUser = z.object({ id: z.uuid(), name: z.string(), guest: z.boolean() });
export type PublicUser = z.infer<typeof publicUser>;

export const signInResponse = z.object({
  user: publicUser,
  accessToken: z.string(),
  expiresAt: z.iso.datetime(),
});
export type SignInResponse = z.infer<typeof signInResponse>;

export const meResponse = z.object({ user: publicUser });
export type MeResponse = z.infer<typeof meResponse>;

export const readiness = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
export type Readiness = z.infer<typeof readiness>;
