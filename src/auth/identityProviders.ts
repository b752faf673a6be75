/**
 * The sign-in providers: any OpenID Connect issuer (discovered on first use, so an unreachable
 * one never stops the server from starting), and GitHub, which speaks OAuth 2 without OIDC and
 * says who signed in through its user endpoint. openid-client runs the authorization code flow
 * with PKCE, `state` and (OIDC) `nonce`; this module only adds the two ways to learn the person.
 */

import * as oidc from "openid-client";
import { z } from "zod";
import type { IdentityProviderSettings } from "../config.ts";
import { type SignInErrorCode, SignInErrorCode as SignInErrors } from "../protocol.ts";
import { displayNameFrom } from "./displayNames.ts";

/** How long a provider may take to answer one request (discovery, token, user info). */
const PROVIDER_TIMEOUT_S = 10;
/** How long the start of a sign-in waits for the provider's sign-in page to answer at all. */
const SIGN_IN_PAGE_TIMEOUT_MS = 5_000;
/**
 * Issuers that show their account choice on `prompt=select_account` without listing the prompt
 * values they support in their discovery document.
 */
const ACCOUNT_CHOICE_ISSUERS = new Set(["https://accounts.google.com"]);

export class SignInError extends Error {
  override name = "SignInError";
  readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What the login sent the provider; the callback checks the answer against it. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who signed in, as the provider says. */
export interface ProviderProfile {
  subject: string;
  /** a display name (1–24 printable characters), undefined when the provider has none */
  name: string | undefined;
}

export interface IdentityProvider {
  readonly id: string;
  readonly name: string;
  /**
   * Where to send the browser. Rejects with PROVIDER_UNAVAILABLE when discovery fails or the
   * provider's sign-in page does not answer. `chooseAccount` asks the provider to show its account
   * choice (`prompt=select_account`) where it supports that.
   */
  authorizationUrl(redirectUri: string, checks: AuthorizationChecks, chooseAccount?: boolean): Promise<URL>;
  /**
   * Verifies the provider's redirect back (the request's URL: `state`, then the code with the PKCE
   * verifier at the token endpoint, then the ID token and its nonce) and says who signed in.
   */
  profile(callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderProfile>;
}

export function identityProviders(
  settings: readonly IdentityProviderSettings[],
): Map<string, IdentityProvider> {
  return new Map(
    settings.map((provider) => [
      provider.id,
      provider.kind === "github" ? githubProvider(provider) : openIdProvider(provider),
    ]),
  );
}

function openIdProvider(settings: Extract<IdentityProviderSettings, { kind: "oidc" }>): IdentityProvider {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_S,
        execute: isLoopback(settings.issuer) ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = undefined; // the next sign-in tries again
        throw new SignInError(SignInErrors.PROVIDER_UNAVAILABLE, `${settings.issuer}: discovery failed`, {
          cause: error,
        });
      });
    return discovered;
  };

  return {
    id: settings.id,
    name: settings.name,
    async authorizationUrl(redirectUri, checks, chooseAccount = false) {
      const config = await configuration();
      const metadata = config.serverMetadata();
      const offersChoice =
        ACCOUNT_CHOICE_ISSUERS.has(metadata.issuer) ||
        (Array.isArray(metadata.prompt_values_supported) &&
          metadata.prompt_values_supported.includes("select_account"));
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        response_type: "code",
        scope: "openid profile",
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
        ...(chooseAccount && offersChoice ? { prompt: "select_account" } : {}),
      });
      await signInPageAnswers(url);
      return url;
    },
    async profile(callbackUrl, checks) {
      const config = await configuration();
      return exchange(async () => {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
        const claims = tokens.claims()!;
        let name = nameFromClaims(claims);
        // Many providers (Google among them) put the profile in the ID token; the others serve it
        // from the userinfo endpoint, for the subject the ID token names.
        if (name === undefined && config.serverMetadata().userinfo_endpoint) {
          name = nameFromClaims(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub));
        }
        return { subject: claims.sub, name };
      });
    },
  };
}

const githubUser = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullish(),
});

function githubProvider(settings: Extract<IdentityProviderSettings, { kind: "github" }>): IdentityProvider {
  // GitHub publishes no discovery document: its endpoints are configuration (src/config.ts).
  const config = new oidc.Configuration(
    {
      issuer: new URL(settings.authorizationUrl).origin,
      authorization_endpoint: settings.authorizationUrl,
      token_endpoint: settings.tokenUrl,
    },
    settings.clientId,
    settings.clientSecret,
  );
  config.timeout = PROVIDER_TIMEOUT_S;
  if ([settings.authorizationUrl, settings.tokenUrl, settings.userUrl].every(isLoopback)) {
    oidc.allowInsecureRequests(config);
  }

  return {
    id: settings.id,
    name: settings.name,
    async authorizationUrl(redirectUri, checks, chooseAccount = false) {
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: "read:user",
        state: checks.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
        allow_signup: "true",
        ...(chooseAccount ? { prompt: "select_account" } : {}),
      });
      await signInPageAnswers(url);
      return url;
    },
    async profile(callbackUrl, checks) {
      return exchange(async () => {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: checks.state,
          pkceCodeVerifier: checks.codeVerifier,
        });
        const response = await oidc.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(settings.userUrl),
          "GET",
          undefined,
          new Headers({ accept: "application/vnd.github+json", "user-agent": "Typephoon" }),
        );
        if (!response.ok) throw new Error(`${settings.userUrl} answered ${response.status}`);
        const user = githubUser.parse(await response.json());
        return { subject: String(user.id), name: displayNameFrom(user.name) ?? displayNameFrom(user.login) };
      });
    },
  };
}

/**
 * Checks that the provider's sign-in page answers at all (any status will do) before the browser
 * is sent there: discovery is kept after the first sign-in, so a provider that went down since
 * would otherwise leave the player on the browser's own "site can't be reached" page.
 */
async function signInPageAnswers(authorizationUrl: URL): Promise<void> {
  const page = new URL(authorizationUrl.pathname, authorizationUrl.origin);
  try {
    const response = await fetch(page, {
      method: "HEAD",
      redirect: "manual",
      signal: AbortSignal.timeout(SIGN_IN_PAGE_TIMEOUT_MS),
    });
    await response.body?.cancel();
  } catch (error) {
    throw new SignInError(
      SignInErrors.PROVIDER_UNAVAILABLE,
      `${page.origin}: the sign-in page does not answer`,
      {
        cause: error,
      },
    );
  }
}

/** Runs the code exchange, telling "the provider is unreachable" from "its answer did not verify". */
async function exchange(work: () => Promise<ProviderProfile>): Promise<ProviderProfile> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SignInError) throw error;
    if (error instanceof oidc.AuthorizationResponseError) {
      throw new SignInError(SignInErrors.PROVIDER_ERROR, `the provider answered ${error.error}`, {
        cause: error,
      });
    }
    if (isUnreachable(error)) {
      throw new SignInError(SignInErrors.PROVIDER_UNAVAILABLE, "the provider did not answer", {
        cause: error,
      });
    }
    throw new SignInError(SignInErrors.SIGN_IN_FAILED, "the provider's answer did not verify", {
      cause: error,
    });
  }
}

function nameFromClaims(claims: Record<string, unknown>): string | undefined {
  for (const claim of ["name", "preferred_username", "nickname", "given_name"]) {
    const name = displayNameFrom(claims[claim]);
    if (name !== undefined) return name;
  }
  return undefined;
}

function isLoopback(url: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);
}

const NETWORK_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN"]);

function isUnreachable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return true;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_ERROR_CODES.has(code) || code.startsWith("UND_ERR_CONNECT"))) {
      return true;
    }
    if (cause instanceof TypeError && cause.message === "fetch failed") return true;
  }
  return false;
}

/** Fresh `state`, `nonce` and PKCE verifier for one sign-in. */
export function newAuthorizationChecks(): AuthorizationChecks {
  return {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
  };
}
