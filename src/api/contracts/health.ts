import { z } from "zod";

export const readiness = z.object({
  ready: z.boolean(),
  /** what works only partly, e.g. race results waiting in the outbox for PostgreSQL */
  degraded: z.array(z.string()),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
export type Readiness = z.infer<typeof readiness>;
