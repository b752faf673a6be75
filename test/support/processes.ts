import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

import { freePort } from "../../src/freePort.ts";
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from "../../src/serverProcess.ts";

export { freePort };

/** A DATA_DIR that an unprivileged OS user can reach too (the embedded PostgreSQL runs as one under root). */
export async function reachableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/**
 * The server process as `npm start` runs it, with exactly the environment given (plus PATH and
 * HOME), so nothing of the test process's environment leaks in.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_ENTRY], {
    cwd: REPOSITORY_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "warn",
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Polls until `/readyz` answers 200; fails with the process's output otherwise. */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    const ready = await fetch(`${server.url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${server.output()}`);
}

/** Sends SIGTERM and resolves with the exit code and how long the exit took. */
export async function terminate(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM") {
  const started = Date.now();
  server.child.kill(signal);
  const code = await server.exited;
  return { code, ms: Date.now() - started };
}
