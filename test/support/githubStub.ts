/**
 * GitHub's sign-in as seen from a client: OAuth 2 without OpenID Connect. The authorize endpoint
 * approves at once (or declines, when the test says so), the token endpoint checks the client,
 * the one-time code, its redirect URI and the PKCE verifier and answers GitHub-style (errors come
 * with status 200), and /user says who signed in.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
}

export interface GitHubStub {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who approves the next authorization (and whom /user describes from now on). */
  signInAs(user: GitHubUser): void;
  declineNext(): void;
  stop(): Promise<void>;
}

export async function startGitHubStub(): Promise<GitHubStub> {
  const clientId = "Iv1.typephoon-test";
  const clientSecret = "github-test-client-secret";
  let next: GitHubUser | "decline" | undefined;
  const codes = new Map<string, { user: GitHubUser; redirectUri: string; challenge: string | null }>();
  const accessTokens = new Map<string, GitHubUser>();

  const server = createServer((req, res) => {
    route(req, res).catch((error) => res.writeHead(500).end(String(error)));
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://github.test");
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      const redirect = new URL(url.searchParams.get("redirect_uri") ?? "");
      redirect.searchParams.set("state", url.searchParams.get("state") ?? "");
      const who = next;
      next = undefined;
      if (url.searchParams.get("client_id") !== clientId || who === undefined) {
        return void res.writeHead(404).end("unknown client, or the test did not say who signs in");
      }
      if (who === "decline") {
        redirect.searchParams.set("error", "access_denied");
        redirect.searchParams.set("error_description", "The user has denied your application access.");
      } else {
        const code = randomBytes(10).toString("hex");
        codes.set(code, {
          user: who,
          redirectUri: url.searchParams.get("redirect_uri")!,
          challenge: url.searchParams.get("code_challenge"),
        });
        redirect.searchParams.set("code", code);
      }
      return void res.writeHead(302, { location: redirect.href }).end();
    }

    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      const form = new URLSearchParams(await bodyOf(req));
      const answer = (body: object) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) {
        return answer({ error: "incorrect_client_credentials" });
      }
      const code = form.get("code") ?? "";
      const grant = codes.get(code);
      codes.delete(code);
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (!grant || grant.redirectUri !== form.get("redirect_uri") || grant.challenge !== challenge) {
        return answer({
          error: "bad_verification_code",
          error_description: "The code passed is incorrect or expired.",
        });
      }
      const token = `gho_${randomBytes(16).toString("hex")}`;
      accessTokens.set(token, grant.user);
      return answer({ access_token: token, token_type: "bearer", scope: "read:user" });
    }

    if (req.method === "GET" && url.pathname === "/user") {
      const token = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const user = token ? accessTokens.get(token) : undefined;
      if (!user) {
        return void res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ message: "Requires authentication" }));
      }
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ...user, avatar_url: "https://avatars.example/u", type: "User" }));
    }

    res.writeHead(404).end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    signInAs(user) {
      next = user;
    },
    declineNext() {
      next = "decline";
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
