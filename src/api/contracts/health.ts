import { z } from "zod";

export const readiness = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
export type Readiness = z.infer<typeof readiness>;
