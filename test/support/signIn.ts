/**
 * Sign-in stories need three servers: a real OpenID provider ("test"), a GitHub-shaped OAuth 2
 * stub ("github"), and Typephoon configured with both. Everything runs on 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import type { Browser } from "./browser.ts";
import { type GitHubStub, startGitHubStub } from "./githubStub.ts";
import { startOpenIdProvider, type TestOpenIdProvider } from "./oidcProvider.ts";
import { freePort } from "./processes.ts";
import { startTestServer, type TestServer } from "./server.ts";

export interface SignInWorld {
  server: TestServer;
  idp: TestOpenIdProvider;
  github: GitHubStub;
  stop(): Promise<void>;
}

export async function startSignInWorld(env: Record<string, string> = {}): Promise<SignInWorld> {
  // The provider must know Typephoon's redirect URI before Typephoon starts.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const idp = await startOpenIdProvider({ redirectUris: [`${base}/api/v1/auth/test/callback`] });
  const github = await startGitHubStub();
  const server = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_PROVIDERS: "test,github",
    OIDC_TEST_ISSUER: idp.issuer,
    OIDC_TEST_CLIENT_ID: idp.clientId,
    OIDC_TEST_CLIENT_SECRET: idp.clientSecret,
    OIDC_TEST_DISPLAY_NAME: "Test ID",
    OIDC_GITHUB_CLIENT_ID: github.clientId,
    OIDC_GITHUB_CLIENT_SECRET: github.clientSecret,
    OIDC_GITHUB_AUTHORIZATION_URL: `${github.url}/login/oauth/authorize`,
    OIDC_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
    OIDC_GITHUB_USER_URL: `${github.url}/user`,
    ...env,
  });
  return {
    server,
    idp,
    github,
    async stop() {
      await server.stop();
      await idp.stop();
      await github.stop();
    },
  };
}

/** A subject nobody else in the run has. */
export const someone = (name?: string) => ({ sub: `person-${randomUUID()}`, name });

export const loginUrl = (server: TestServer, provider: string) =>
  `${server.url}/api/v1/auth/${provider}/login`;

export const isCallback = (provider: string) => (url: URL) =>
  url.pathname === `/api/v1/auth/${provider}/callback`;

/** Off the API: the redirect to the web app that ends every sign-in, good or bad. */
export const isWebApp = (url: URL) => !url.pathname.startsWith("/api/");

/** Login → provider → callback, stopping at the provider's redirect back (not yet followed). */
export async function toCallback(browser: Browser, server: TestServer, provider: string): Promise<URL> {
  return (await browser.follow(loginUrl(server, provider), isCallback(provider))).location;
}

/** A whole sign-in; answers where the browser lands on the web app. */
export async function signInWith(browser: Browser, server: TestServer, provider: string): Promise<URL> {
  const callback = await toCallback(browser, server, provider);
  return (await browser.follow(callback, isWebApp)).location;
}

/** The `auth_error` a landing URL carries, or null after a good sign-in. */
export const signInError = (landing: URL) => landing.searchParams.get("auth_error");
