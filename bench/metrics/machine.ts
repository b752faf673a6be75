/** What a result was measured on and with: the figures are only comparable within one machine. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  date: string;
  commit: string;
  /** uncommitted changes in the work tree when measured (results of earlier runs not counted) */
  dirty: boolean;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  command: string;
}

const git = (...args: string[]) => {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
};

/** Results of earlier runs, and the node_modules a git worktree links from the main checkout. */
const NOT_CHANGES = [":(top,exclude)bench/results", ":(top,exclude)node_modules"];

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    date: new Date().toISOString(),
    commit: git("rev-parse", "--short", "HEAD") || "unknown",
    dirty: git("status", "--porcelain", "--", ...NOT_CHANGES).length > 0,
    nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    command: process.argv
      .slice(1)
      .map((arg) => arg.replace(`${process.cwd()}/`, ""))
      .join(" "),
  };
}
