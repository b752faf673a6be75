/**
 * A process's own CPU time and resident memory, read from /proc/<pid>/stat: the load generator
 * shares the machine's cores, so the server's cost is its CPU-seconds, not the wall clock.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const PAGE_SIZE = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim());

export interface ProcessSample {
  /** performance.now() of the coordinator when read */
  at: number;
  /** utime + stime, in seconds */
  cpuSeconds: number;
  rssBytes: number;
}

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime), 15 (stime) and 24 (rss, in pages), counted from 1 with field 3 at index 0.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { at: performance.now(), cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: rssPages * PAGE_SIZE };
}

/** Share of one core used between two samples (1 = one core fully busy). */
export function coreShare(from: ProcessSample, to: ProcessSample): number {
  return (to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000);
}
