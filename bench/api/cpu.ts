/**
 * Where the CPU went during one load run, in cores (1 = one core busy the whole time): the
 * Typephoon server process, the PostgreSQL backends serving the bench's database, and the load's
 * generator (autocannon in this process; the fixed rate's in a process of its own). The machine has few
 * cores and all three share them, so a latency is only understood next to these.
 */
import type pg from "pg";
import { coreShare, type ProcessSample, sampleProcess } from "../metrics/processStats.ts";

export interface CpuShares {
  server: number;
  database: number;
  bench: number;
}

/** null when the process has gone (a backend closed by its pool) */
function sample(pid: number): ProcessSample | null {
  try {
    return sampleProcess(pid);
  } catch {
    return null;
  }
}

/** The backends of the database `monitor` is connected to, but its own. */
async function backends(monitor: pg.Client): Promise<number[]> {
  const { rows } = await monitor.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  return rows.map((row) => row.pid);
}

/** Starts watching; the returned function stops and answers the shares since the start. */
export async function watchCpu(
  serverPid: number,
  monitor: pg.Client,
  benchPid = process.pid,
): Promise<() => Promise<CpuShares>> {
  const startedAt = performance.now();
  const server = sample(serverPid);
  const bench = sample(benchPid);
  const database = new Map((await backends(monitor)).map((pid) => [pid, sample(pid)]));
  return async () => {
    const share = (from: ProcessSample | null, to: ProcessSample | null) =>
      from && to ? coreShare(from, to) : Number.NaN;
    const seconds = (performance.now() - startedAt) / 1000;
    // A backend opened during the run counts from zero; one closed during it is missed (pools
    // keep theirs for 10 s of idleness, longer than the gap between a warm-up and its run).
    let databaseSeconds = 0;
    for (const pid of await backends(monitor)) {
      const to = sample(pid);
      if (to) databaseSeconds += to.cpuSeconds - (database.get(pid)?.cpuSeconds ?? 0);
    }
    return {
      server: share(server, sample(serverPid)),
      database: databaseSeconds / seconds,
      bench: share(bench, sample(benchPid)),
    };
  };
}
