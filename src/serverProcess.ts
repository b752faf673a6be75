/**
 * How a server process is started: `npm start`, `npm run cluster`, `npm run dev`, the PM2 file, the
 * benchmarks and the process tests all run `node ${SERVER_NODE_FLAGS} src/index.ts`
 * (package.json and ecosystem.config.cjs cannot import this; a test keeps them in step).
 */
import { fileURLToPath } from "node:url";

export const SERVER_ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));

/**
 * V8's heap, sized for a race's message storm. V8 grows its young generation to 64 MB a semi-space
 * under it and keeps it (~130–150 KB a racer); capped at 8 MB, the garbage of every patch interval
 * outlives two collections and is promoted, and an old generation collected at 20 % growth then
 * spends 2–6 % more CPU a keystroke and a third more a join on marking (the flags shipped until
 * 2026-12-07). At 16 MB, collected at 50 % growth: 45–67 KB a racer, keystrokes as cheap as on
 * V8's defaults (bench/README.md; `npm run bench -- --server-flags default,none,lean-memory`).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=16", "--heap-growing-percent=50"];
