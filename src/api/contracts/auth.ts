import { z } from "zod";
import { displayName, publicUser } from "./common.ts";

export const guestSignInBody = z.object({ name: displayName.optional() }).strict();
export type GuestSignInBody = z.infer<typeof guestSignInBody>;

export const signInResponse = z.object({
  user: publicUser,
  accessToken: z.string(),
  expiresAt: z.iso.datetime(),
});
export type SignInResponse = z.infer<typeof signInResponse>;

export const meResponse = z.object({ user: publicUser });
export type MeResponse = z.infer<typeof meResponse>;
