/**
 * How a server process is started: `npm start`, `npm run cluster`, `npm run dev`, the PM2 file, the
 * benchmarks and the process tests all run `node ${SERVER_NODE_FLAGS} src/index.ts`
 * (package.json and ecosystem.config.cjs cannot import this; a test keeps them in step).
 */
import { fileURLToPath } from "node:url";

export const SERVER_ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));

/**
 * Under a race's message storm V8 grows its young generation to 64 MB per semi-space, which the
 * process then keeps: the bench measured ~150 KB of RSS per racer with the default and 7–64 KB
 * with 8 MB, at the same CPU per keystroke and a lower p99 (bench/README.md).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=8"];
