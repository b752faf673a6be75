/**
 * A real OpenID Connect provider for the tests: `oidc-provider` on 127.0.0.1 with one client
 * (Typephoon), PKCE required, and login and consent scripted: whoever the test says signs in
 * next does, and consents; or declines, when the test says so. Like Google, it shows its account
 * choice when asked (`prompt=select_account`, announced in its discovery document), where the
 * person the test names next is chosen, or else the one already signed in at the provider.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Adapter, type AdapterPayload, interactionPolicy } from "oidc-provider";

interface Person {
  /** the provider's id for them (the OIDC `sub`) */
  sub: string;
  name?: string;
}

export interface TestOpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person who signs in at the next login prompt (their name is what the provider says from now on). */
  signInAs(person: Person): void;
  /** The next login prompt is declined: the provider redirects back with `error=access_denied`. */
  declineNext(): void;
  /** The authorization requests the provider received (the browser's visits to its sign-in page), oldest first. */
  authorizationRequests(): URL[];
  stop(): Promise<void>;
}

export async function startOpenIdProvider(options: { redirectUris: string[] }): Promise<TestOpenIdProvider> {
  const names = new Map<string, string | undefined>();
  let next: Person | "decline" | undefined;
  let provider: Provider | undefined;
  const authorizationRequests: URL[] = [];

  const server: Server = createServer((req, res) => {
    if (!provider) return void res.writeHead(503).end();
    if (req.method === "GET" && req.url?.startsWith("/auth?"))
      authorizationRequests.push(new URL(req.url, issuer));
    if (req.url?.startsWith("/interaction/")) return void scriptedInteraction(provider, req, res);
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const clientId = "typephoon";
  const clientSecret = "typephoon-test-client-secret";
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: "select_account", requestable: true }), 0);
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: "test" }] },
    cookies: { keys: ["test-provider-cookie-key"] },
    claims: { openid: ["sub"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { policy },
    discovery: { prompt_values_supported: ["none", "login", "consent", "select_account"] },
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    adapter: MemoryAdapter,
    // Its error page, plain: Typephoon's check that the sign-in page answers lands here.
    async renderError(ctx, out) {
      ctx.type = "text/plain";
      ctx.body = `${out.error}: ${out.error_description ?? ""}`;
    },
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub, name: names.get(sub) }) };
    },
  });

  async function scriptedInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "select_account") {
        const person = next === "decline" ? undefined : next;
        next = undefined;
        return await provider.interactionFinished(
          req,
          res,
          person ? { select_account: {}, login: { accountId: person.sub } } : { select_account: {} },
          { mergeWithLastSubmission: false },
        );
      }
      if (details.prompt.name === "login") {
        const person = next;
        next = undefined;
        if (person === undefined) throw new Error("the test did not say who signs in");
        if (person === "decline") {
          return await provider.interactionFinished(
            req,
            res,
            { error: "access_denied", error_description: "the person declined" },
            { mergeWithLastSubmission: false },
          );
        }
        return await provider.interactionFinished(
          req,
          res,
          { login: { accountId: person.sub } },
          { mergeWithLastSubmission: false },
        );
      }
      const accountId = details.session!.accountId;
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId, clientId: details.params.client_id as string });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  }

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(person) {
      names.set(person.sub, person.name);
      next = person;
    },
    declineNext() {
      next = "decline";
    },
    authorizationRequests: () => [...authorizationRequests],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The provider's artifacts (sessions, codes, grants) in memory, per provider instance. */
class MemoryAdapter implements Adapter {
  readonly #items = new Map<string, AdapterPayload>();
  readonly #model: string;

  constructor(model: string) {
    this.#model = model;
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    this.#items.set(id, payload);
  }
  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#items.get(id);
  }
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return [...this.#items.values()].find((item) => item.uid === uid);
  }
  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return [...this.#items.values()].find((item) => item.userCode === userCode);
  }
  async consume(id: string): Promise<void> {
    const item = this.#items.get(id);
    if (item) item.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    this.#items.delete(id);
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, item] of this.#items) if (item.grantId === grantId) this.#items.delete(id);
  }
  toString() {
    return `MemoryAdapter(${this.#model})`;
  }
}
