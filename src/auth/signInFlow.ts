/**
 * What a sign-in remembers between the redirect to the provider and the provider's redirect back:
 * the `state`, `nonce` and PKCE verifier it sent, and the guest (if any) who started it. It lives
 * in the browser, in a cookie encrypted and authenticated with a key derived from JWT_SECRET, so
 * any process behind the load balancer can finish a sign-in another one started.
 */
import { hkdfSync } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";

export const SIGN_IN_FLOW_TTL_S = 10 * 60;
const PURPOSE = "typephoon sign-in flow";

interface SignInFlow {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** the guest whose races move into the account once signed in */
  guestId: string | undefined;
}

export interface SignInFlowSealer {
  seal(flow: SignInFlow, now?: Date): Promise<string>;
  /** The flow, or undefined when the cookie is forged, expired or another provider's. */
  open(sealed: string, provider: string): Promise<SignInFlow | undefined>;
}

export function signInFlowSealer(secret: string): SignInFlowSealer {
  // Its own key: nothing sealed here can be read as, or confused with, an access token.
  const key = new Uint8Array(hkdfSync("sha256", secret, "", PURPOSE, 32));
  return {
    async seal(flow, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      return new EncryptJWT({ ...flow, purpose: PURPOSE })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + SIGN_IN_FLOW_TTL_S)
        .encrypt(key);
    },

    async open(sealed, provider) {
      try {
        const { payload } = await jwtDecrypt(sealed, key, {
          keyManagementAlgorithms: ["dir"],
          contentEncryptionAlgorithms: ["A256GCM"],
          requiredClaims: ["exp"],
        });
        const { state, nonce, codeVerifier, guestId } = payload;
        if (payload.purpose !== PURPOSE || payload.provider !== provider) return undefined;
        if (typeof state !== "string" || typeof nonce !== "string" || typeof codeVerifier !== "string") {
          return undefined;
        }
        return {
          provider,
          state,
          nonce,
          codeVerifier,
          guestId: typeof guestId === "string" ? guestId : undefined,
        };
      } catch {
        return undefined;
      }
    },
  };
}
