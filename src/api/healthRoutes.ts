import { Router } from "express";
import { withTimeout } from "../deadline.ts";
import { ApiErrorCode } from "../protocol.ts";
import type { Liveness, Readiness } from "./contracts/health.ts";
import { sendData } from "./respond.ts";

/** A dependency the process needs to serve players; rejects (or times out) when it is unreachable. */
type ReadinessCheck = () => Promise<void>;

export interface ReadinessSources {
  checks: Record<string, ReadinessCheck>;
  /** Reasons the process serves only partly; reported, not failing. */
  degraded: () => Promise<string[]>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is alive. `/readyz`: every dependency answers (503 naming those that do not). */
export function healthRoutes({ checks, degraded }: ReadinessSources): Router {
  const router = Router();

  router.get("/healthz", (_req, res) => {
    sendData<Liveness>(res, 200, { alive: true });
  });

  router.get("/readyz", async (_req, res) => {
    // All at once, each within CHECK_TIMEOUT_MS: the answer never waits longer than that.
    const [results, reasons] = await Promise.all([
      Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check)] as const),
      ),
      // A reason that cannot be read in time is itself one.
      withTimeout(degraded(), CHECK_TIMEOUT_MS).catch((error: Error) => [
        `could not tell what is degraded: ${error.message}`,
      ]),
    ]);
    const readiness: Readiness = {
      ready: results.every(([, result]) => result.ok),
      degraded: reasons,
      checks: Object.fromEntries(results),
    };
    if (readiness.ready) {
      res.json({ ok: true, data: readiness });
      return;
    }
    const failing = results.filter(([, result]) => !result.ok).map(([name]) => name);
    res.status(503).json({
      ok: false,
      error: {
        code: ApiErrorCode.NOT_READY,
        message: `unreachable: ${failing.join(", ")}`,
        details: readiness,
      },
    });
  });

  return router;
}

async function runCheck(check: ReadinessCheck): Promise<{ ok: boolean; error?: string }> {
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
