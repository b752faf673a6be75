/**
 * What one access-token check costs (src/auth/tokens.ts, `verifyAccessToken`, as a room join and
 * every signed-in API request run it), with fast-jwt against the hand-written verifier it replaced
 * (node:crypto's HMAC and a Map of verified tokens, copied below as it was at c6a629a), in the
 * same process, interleaved:
 *
 *   npm run bench:tokens                        5 rounds: 200,000 checks of one token, 10,000 distinct tokens
 *   npm run bench:tokens -- --rounds 9 --cached 500000 --distinct 10000
 *
 * "cached": the same valid token again and again (a player's token at the lobby, then the race);
 * "distinct": tokens never checked before, each once (every signature checked). Prints µs per
 * check for each round and the medians. No merged-guest check (no database): both run the same.
 */
import { createHmac, createSecretKey, randomUUID, timingSafeEqual } from "node:crypto";
import { parseArgs } from "node:util";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { createTokenService, type TokenUser } from "../src/auth/tokens.ts";
import { numberFlag } from "./flags.ts";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    cached: { type: "string", default: "200000" },
    distinct: { type: "string", default: "10000" },
  },
});
const rounds = numberFlag("rounds", flags.rounds, 1, true);
const cachedChecks = numberFlag("cached", flags.cached, 1, true);
const distinctChecks = numberFlag("distinct", flags.distinct, 1, true);

const SECRET = "bench-secret-bench-secret-bench-secret-0123456789";

/** The verifier of src/auth/tokens.ts before fast-jwt (c6a629a), its checks unchanged. */
function handWrittenVerifier(secret: string): (token: string) => Promise<TokenUser> {
  const hmacKey = createSecretKey(new TextEncoder().encode(secret));
  const hasValidSignature = (token: string): boolean => {
    const signatureAt = token.lastIndexOf(".");
    const given = Buffer.from(token.slice(signatureAt + 1));
    const expected = Buffer.from(
      createHmac("sha256", hmacKey).update(token.slice(0, signatureAt)).digest("base64url"),
    );
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const verified = new Map<string, { user: TokenUser; expiresAtMs: number }>();
  const verifiedClaims = (token: string): TokenUser => {
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.user;
    verified.delete(token);
    if (decodeProtectedHeader(token).alg !== "HS256" || !hasValidSignature(token)) {
      throw new Error("invalid access token");
    }
    const payload = decodeJwt(token);
    if (
      payload.iss !== "typephoon" ||
      typeof payload.sub !== "string" ||
      typeof payload.iat !== "number" ||
      typeof payload.exp !== "number"
    ) {
      throw new Error("invalid access token");
    }
    if (payload.exp * 1000 <= Date.now()) throw new Error("access token expired");
    if (payload.token_use !== "access") throw new Error("not an access token");
    if (typeof payload.name !== "string" || typeof payload.guest !== "boolean") {
      throw new Error("malformed access token");
    }
    const user = { id: payload.sub, name: payload.name, guest: payload.guest };
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value!);
    verified.set(token, { user, expiresAtMs: payload.exp * 1000 });
    return user;
  };
  return async (token) => verifiedClaims(token);
}

type Verify = (token: string) => Promise<TokenUser>;
const fastJwt = createTokenService(SECRET);
const ways: Array<{ name: string; fresh: () => Verify }> = [
  { name: "hand-written (node:crypto + Map)", fresh: () => handWrittenVerifier(SECRET) },
  { name: "fast-jwt, kept by token", fresh: () => createTokenService(SECRET).verifyAccessToken },
];

const tokensFor = async (count: number) =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = { id: randomUUID(), name: `Racer ${i}`, guest: i % 2 === 0 };
      return (await fastJwt.issueAccessToken(user, 24 * 60 * 60)).token;
    }),
  );

/** µs per check of `tokens`, in order, each awaited as a join awaits it. */
async function timed(verify: Verify, tokens: readonly string[]): Promise<number> {
  const startedAt = process.hrtime.bigint();
  for (const token of tokens) await verify(token);
  return Number(process.hrtime.bigint() - startedAt) / 1000 / tokens.length;
}

const median = (values: number[]) => {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const figures = new Map(ways.map((way) => [way.name, { cached: [] as number[], distinct: [] as number[] }]));
const format = (us: number) => us.toFixed(2).padStart(7);
console.log(
  `token check, µs per check (Node ${process.version}); ${cachedChecks} checks of one token, ${distinctChecks} distinct tokens`,
);
// A round of warm-up, not counted: the JIT, and both libraries' first calls.
for (let round = 0; round <= rounds; round++) {
  const distinct = await tokensFor(distinctChecks);
  const [one] = await tokensFor(1);
  const order = round % 2 === 0 ? ways : ways.toReversed();
  for (const way of order) {
    const verify = way.fresh();
    const distinctUs = await timed(verify, distinct);
    await verify(one!);
    const cachedUs = await timed(
      verify,
      Array.from({ length: cachedChecks }, () => one!),
    );
    if (round === 0) continue;
    const kept = figures.get(way.name)!;
    kept.cached.push(cachedUs);
    kept.distinct.push(distinctUs);
    console.log(
      `round ${round}  ${way.name.padEnd(34)} cached ${format(cachedUs)}   distinct ${format(distinctUs)}`,
    );
  }
}
console.log("medians");
for (const [name, { cached, distinct }] of figures) {
  console.log(`  ${name.padEnd(41)} cached ${format(median(cached))}   distinct ${format(median(distinct))}`);
}
