/**
 * Rate limits, declared by each router next to the route they guard:
 *
 *   const signIn = { bucket: "auth", limit: 60, windowMs: 60_000 } satisfies RateLimit;
 *   router.post("/guest", deps.rateLimits.limiter(signIn), handler);
 *
 * express-rate-limit, counting in fixed windows in Redis (rate-limit-redis) when REDIS_URL is set,
 * so every process behind the load balancer shares the counters; in this process's memory
 * otherwise, and meanwhile when Redis fails or does not answer in time. Over the limit: 429
 * RATE_LIMITED with Retry-After in seconds.
 */
import type { Request, RequestHandler, Response } from "express";
import { type AugmentedRequest, MemoryStore, type Options, rateLimit, type Store } from "express-rate-limit";
import type { Redis } from "ioredis";
import { type RedisReply, RedisStore } from "rate-limit-redis";
import { withTimeout } from "../deadline.ts";
import type { Logger } from "../log.ts";
import { ApiErrorCode } from "../protocol.ts";
import { ApiError } from "./errors.ts";

export interface RateLimit {
  /** routes naming the same bucket share its limiter and counters */
  bucket: string;
  /** requests allowed per window and key; 0 = unlimited */
  limit: number;
  windowMs: number;
  /** who is counted; default the client's IP (as TRUST_PROXY resolves it; IPv6 by its /56) */
  key?: (req: Request, res: Response) => string;
  /** requests not counted at all; default none */
  skip?: (req: Request) => boolean;
}

export interface RateLimits {
  /** The limiter of `rule.bucket`, made once: every route naming the bucket shares its counters. */
  limiter(rule: RateLimit): RequestHandler;
}

/**
 * A Redis count takes well under a millisecond when Redis is there; one that takes longer than
 * this means Redis is unreachable (a partition drops packets without a reset: the call would wait
 * for minutes) or drowning, and the request must not wait on its rate limit any longer.
 */
export const REDIS_COUNT_TIMEOUT_MS = 250;
/** Once Redis has failed, counting stays in memory this long before Redis is asked again. */
export const REDIS_RETRY_AFTER_MS = 5_000;

/** Limiters counting in Redis when given one (memory meanwhile when it fails), else in memory. */
export function rateLimits(redis: Redis | undefined, log?: Logger): RateLimits {
  const made = new Map<string, { rule: RateLimit; limiter: RequestHandler }>();
  const outage: RedisOutage = { until: 0, log };
  return {
    limiter(rule) {
      const known = made.get(rule.bucket);
      if (known) {
        if (known.rule.limit !== rule.limit || known.rule.windowMs !== rule.windowMs) {
          throw new Error(`the rate limit bucket "${rule.bucket}" is declared with two different limits`);
        }
        return known.limiter;
      }
      const limiter =
        rule.limit === 0 ? unlimited : limiterOf(rule, counterStore(rule.bucket, redis, outage), log);
      made.set(rule.bucket, { rule, limiter });
      return limiter;
    },
  };
}

const unlimited: RequestHandler = (_req, _res, next) => next();

function limiterOf(rule: RateLimit, store: Store, log: Logger | undefined): RequestHandler {
  return rateLimit({
    windowMs: rule.windowMs,
    limit: rule.limit,
    keyGenerator: rule.key,
    skip: rule.skip,
    store,
    // The API's own answer below: the envelope and Retry-After, no RateLimit-* headers.
    standardHeaders: false,
    legacyHeaders: false,
    // express-rate-limit's own checks of its configuration (a misconfigured proxy, say) go to our log.
    ...(log && {
      logger: {
        error: (error: unknown, message?: string) => log.error({ err: error }, message ?? "rate limit"),
        warn: (error: unknown, message?: string) => log.warn({ err: error }, message ?? "rate limit"),
      },
    }),
    handler(req, res, next) {
      const resetAt = (req as AugmentedRequest).rateLimit?.resetTime?.getTime() ?? Date.now() + rule.windowMs;
      const retryAfterS = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      res.setHeader("Retry-After", String(retryAfterS));
      next(
        new ApiError(
          429,
          ApiErrorCode.RATE_LIMITED,
          `too many requests: at most ${rule.limit} per ${rule.windowMs / 1000} s; retry in ${retryAfterS} s`,
        ),
      );
    },
  });
}

/** When counting went back to Redis last failed: shared by every bucket of a process. */
export interface RedisOutage {
  /** epoch ms until which counting stays in memory */
  until: number;
  log?: Logger;
}

/** Where a bucket counts: in Redis when given one (memory meanwhile when it fails), else in memory. */
export function counterStore(
  bucket: string,
  redis: Redis | undefined,
  outage: RedisOutage = { until: 0 },
): Store {
  if (!redis) return new MemoryStore();
  const inRedis = new RedisStore({
    prefix: `ratelimit:${bucket}:`,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
  return new RedisOrMemoryStore(inRedis, outage);
}

/**
 * rate-limit-redis, falling back to express-rate-limit's MemoryStore: neither library has a
 * fallback nor a timeout of its own.
 */
class RedisOrMemoryStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #redis: RedisStore;
  readonly #memory = new MemoryStore();
  readonly #outage: RedisOutage;
  #options: Options | undefined;
  #scriptsLoaded: Promise<void> | undefined;

  constructor(redis: RedisStore, outage: RedisOutage) {
    this.#redis = redis;
    this.prefix = redis.prefix;
    this.#outage = outage;
  }

  init(options: Options) {
    this.#options = options;
    this.#memory.init(options);
  }

  async increment(key: string) {
    if (Date.now() >= this.#outage.until) {
      try {
        return await this.#inRedis((redis) => redis.increment(key));
      } catch (error) {
        this.#outage.until = Date.now() + REDIS_RETRY_AFTER_MS;
        this.#outage.log?.warn({ err: error }, "rate limits: Redis failed, counting in memory for a while");
      }
    }
    return this.#memory.increment(key);
  }

  async decrement(key: string) {
    await Promise.all([
      this.#memory.decrement(key),
      this.#inRedis((redis) => redis.decrement(key)).catch(() => {}),
    ]);
  }

  async resetKey(key: string) {
    await Promise.all([
      this.#memory.resetKey(key),
      this.#inRedis((redis) => redis.resetKey(key)).catch(() => {}),
    ]);
  }

  shutdown() {
    this.#memory.shutdown();
  }

  async #inRedis<T>(command: (redis: RedisStore) => Promise<T>): Promise<T> {
    try {
      // Its scripts are loaded on first use rather than at boot, when Redis may not be there yet.
      this.#scriptsLoaded ??= this.#redis.init(this.#options!);
      const scriptsLoaded = this.#scriptsLoaded;
      return await withTimeout(
        scriptsLoaded.then(() => command(this.#redis)),
        REDIS_COUNT_TIMEOUT_MS,
      );
    } catch (error) {
      // rate-limit-redis keeps a failed script load for good (its init is meant to run once, and
      // after NOSCRIPT it reloads only once): loaded afresh after any failure.
      this.#scriptsLoaded = undefined;
      throw error;
    }
  }
}
