/**
 * The fixed-rate generator in a process of its own, started afresh for each run. In the bench's
 * process, after the reads before it, the generator's heap was full of their leftovers: receiving
 * the heaviest graph at 1,000 a second, its Mark-Compacts made it send late, and the lateness was
 * charged to the read. A fresh process starts each run with an empty heap, for HTTP and plain pg
 * alike. Run as a child (`fork`), this file takes one job as its first message, sends "measuring"
 * when the job's warm-up ends and then the result, and exits.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { sqlOver } from "../../src/db/database.ts";
import { type FixedRateOptions, type FixedRateResult, fixedRate, httpCaller } from "./fixedRate.ts";
import type { HttpRequest } from "./load.ts";
import { apiReads, type ReadTargets } from "./reads.ts";

export type GeneratorJob = Omit<FixedRateOptions, "measuring"> &
  (
    | { kind: "http"; origin: string; requests: HttpRequest[]; connections: number }
    | {
        kind: "pg";
        databaseUrl: string;
        poolSize: number;
        targets: ReadTargets;
        asked: Record<string, string>;
        read: string;
      }
  );

type FromChild = { measuring: true } | { result: FixedRateResult } | { error: string };

/**
 * Forks the generator for `job`; `run` starts it and resolves with its result. The process is
 * started before `run` so that its start-up is not in the run's measured part.
 */
export function freshGenerator(job: GeneratorJob) {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: "inherit" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const run = (measuring?: () => void) =>
    new Promise<FixedRateResult>((resolve, reject) => {
      child.on("message", (message: FromChild) => {
        if ("measuring" in message) measuring?.();
        else if ("result" in message) resolve(message.result);
        else reject(new Error(message.error));
      });
      exited.then((code) => reject(new Error(`the generator exited (${code}) before its result`)));
      child.send(job);
    });
  return { pid: child.pid!, run, stopped: exited };
}

async function generate(job: GeneratorJob): Promise<FixedRateResult> {
  const settings = { ...job, measuring: () => process.send!({ measuring: true }) };
  if (job.kind === "http") {
    const caller = httpCaller(job.origin, job.requests, job.connections);
    try {
      return await fixedRate(caller.call, settings);
    } finally {
      caller.close();
    }
  }
  const read = apiReads(job.targets, job.asked).find(({ name }) => name === job.read);
  if (!read) throw new Error(`no read named ${job.read}`);
  const pool = new pg.Pool({ connectionString: job.databaseUrl, max: job.poolSize });
  try {
    const plain = sqlOver(pool);
    // The pool's connections open before the run, as the server's have long been open.
    await Promise.all(Array.from({ length: job.poolSize }, (_, i) => read.read(plain, i)));
    return await fixedRate((i) => read.read(plain, i), settings);
  } finally {
    await pool.end();
  }
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  // The bench gone (stopped, or failed): nothing is left to measure for.
  process.once("disconnect", () => process.exit(1));
  process.once("message", (job: GeneratorJob) => {
    generate(job).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
    );
  });
}
