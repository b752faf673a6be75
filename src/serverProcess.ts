/**
 * How a server process is started: `npm start`, `npm run cluster`, `npm run dev`, the PM2 file, the
 * benchmarks and the process tests all run `node ${SERVER_NODE_FLAGS} src/index.ts`
 * (package.json and ecosystem.config.cjs cannot import this; a test keeps them in step).
 */
import { fileURLToPath } from "node:url";

export const SERVER_ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));

/**
 * The server runs on V8's own heap settings. Two flags would keep its memory lean — a young
 * generation capped at 8 MB a semi-space (V8 grows it to 64 MB under a race's message storm, and
 * keeps it) and an old generation collected at 20 % growth (`LEAN_MEMORY_FLAGS`, ~40 KB a racer
 * over idle against ~130–180 KB) — but what they save in memory they spend in garbage collection:
 * 2–6 % more CPU a keystroke and 15–25 % more a join (bench/README.md). CPU is what a race server
 * runs out of first; an operator short of memory adds them (docs/operations.md).
 */
export const SERVER_NODE_FLAGS: string[] = [];

/** The memory-for-CPU trade above, measured by `npm run bench -- --server-flags default,lean-memory`. */
export const LEAN_MEMORY_FLAGS = ["--max-semi-space-size=8", "--heap-growing-percent=20"];
