import { z } from "zod";

export const liveness = z.object({ alive: z.literal(true) });
export type Liveness = z.infer<typeof liveness>;

export const readiness = z
  .object({
    ready: z.boolean(),
    /** what works only partly, e.g. race writes waiting in the journal for PostgreSQL */
    degraded: z.array(z.string()),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
  })
  .meta({ id: "Readiness" });
export type Readiness = z.infer<typeof readiness>;
