/**
 * Rate limits, declared by each router next to the route they guard:
 *
 *   const signIn = { bucket: "auth", limit: 60, windowMs: 60_000 } satisfies RateLimit;
 *   router.post("/guest", rateLimited(deps.rateCounter, signIn), handler);
 *
 * Fixed windows counted in Redis (INCR + PEXPIRE in one script) when REDIS_URL is set, so every
 * process behind the load balancer shares the counters; in this process's memory otherwise, and
 * meanwhile when Redis fails. Over the limit: 429 RATE_LIMITED with Retry-After in seconds.
 */
import type { Request, RequestHandler, Response } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import { ApiErrorCode } from "../protocol.ts";
import { ApiError } from "./errors.ts";

export interface RateLimit {
  /** routes naming the same bucket share their counters */
  bucket: string;
  /** requests allowed per window and key; 0 = unlimited */
  limit: number;
  windowMs: number;
  /** who is counted; default the client's IP (as TRUST_PROXY resolves it) */
  key?: (req: Request, res: Response) => string;
}

export interface RateCount {
  /** requests in the current window, this one included */
  count: number;
  /** ms until the window ends */
  resetInMs: number;
}

/** Counts hits of a key in fixed windows. */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<RateCount>;
}

export const byIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

export function rateLimited(counter: RateCounter, rule: RateLimit): RequestHandler {
  const keyOf = rule.key ?? byIp;
  return async (req, res, next) => {
    if (rule.limit === 0) return next();
    const { count, resetInMs } = await counter.hit(`${rule.bucket}:${keyOf(req, res)}`, rule.windowMs);
    if (count <= rule.limit) return next();
    const retryAfterS = Math.max(1, Math.ceil(resetInMs / 1000));
    res.setHeader("Retry-After", String(retryAfterS));
    throw new ApiError(
      429,
      ApiErrorCode.RATE_LIMITED,
      `too many requests: at most ${rule.limit} per ${rule.windowMs / 1000} s; retry in ${retryAfterS} s`,
    );
  };
}

/** Counters in Redis when given one, else in memory. */
export function rateCounter(redis: Redis | undefined, log?: Logger): RateCounter {
  const memory = memoryRateCounter();
  if (!redis) return memory;
  return {
    async hit(key, windowMs) {
      try {
        const [count, ttl] = (await redis.eval(FIXED_WINDOW_SCRIPT, 1, `ratelimit:${key}`, windowMs)) as [
          number,
          number,
        ];
        return { count, resetInMs: ttl };
      } catch (error) {
        log?.warn({ err: error }, "rate limit counter: Redis failed, counting in memory");
        return memory.hit(key, windowMs);
      }
    },
  };
}

// The expiry is set with the first hit of a window, in the same script, so a crash between the
// two can never leave a counter without one.
const FIXED_WINDOW_SCRIPT = `
local count = redis.call("INCR", KEYS[1])
local ttl = redis.call("PTTL", KEYS[1])
if ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

export function memoryRateCounter(now: () => number = Date.now): RateCounter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  let nextSweep = 0;
  return {
    async hit(key, windowMs) {
      const at = now();
      if (at >= nextSweep) {
        for (const [stale, window] of windows) if (window.endsAt <= at) windows.delete(stale);
        nextSweep = at + windowMs;
      }
      let window = windows.get(key);
      if (!window || window.endsAt <= at) {
        window = { count: 0, endsAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetInMs: window.endsAt - at };
    },
  };
}
