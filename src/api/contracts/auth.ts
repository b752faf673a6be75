import { z } from "zod";
import { displayName, publicUser } from "./common.ts";

export const guestSignInBody = z.object({ name: displayName.optional() }).strict();

export const signInResponse = z
  .object({
    user: publicUser,
    accessToken: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "SignIn" });
export type SignInResponse = z.infer<typeof signInResponse>;

export const meResponse = z.object({ user: publicUser });
export type MeResponse = z.infer<typeof meResponse>;

/** A sign-in provider, for the web client's "Sign in with …" buttons. */
const providerResponse = z.object({ id: z.string(), name: z.string() }).meta({ id: "Provider" });
export const providersResponse = z.array(providerResponse);
export type ProvidersResponse = z.infer<typeof providersResponse>;

export const providerParams = z.object({
  provider: z.string().regex(/^[a-z][a-z0-9]{0,31}$/, { error: "must be a provider id" }),
});

/**
 * What a provider sends the browser back with (OAuth 2). The callback hands the whole query to the
 * sign-in library, which checks it; this describes it for the API document.
 */
export const providerCallbackQuery = z.object({
  state: z.string().describe("the sign-in attempt's state, checked against the TP_SIGNIN cookie"),
  code: z.string().optional().describe("the authorization code, on success"),
  error: z.string().optional().describe("the provider's error, e.g. access_denied"),
});

/** POST /refresh answers like a sign-in (signInResponse): the account and a fresh access token. */
export type RefreshResponse = SignInResponse;

export const signOutResponse = z.object({ signedOut: z.literal(true) });
export type SignOutResponse = z.infer<typeof signOutResponse>;

/** A registered account as its owner sees it: who they are, and the providers they sign in with. */
export const accountResponse = z
  .object({
    user: publicUser,
    identities: z.array(
      z.object({
        provider: z.string().describe("the provider's id, as in /api/v1/auth/{provider}/login"),
        providerName: z.string().describe("its name on the sign-in buttons"),
        linkedAt: z.iso.datetime().describe("the first sign-in with it"),
        lastSignInAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: "Account" });
export type AccountResponse = z.infer<typeof accountResponse>;

export const renameBody = z.object({ name: displayName }).strict();

export const deleteAccountResponse = z.object({ deleted: z.literal(true) });
export type DeleteAccountResponse = z.infer<typeof deleteAccountResponse>;
