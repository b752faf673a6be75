/**
 * How a server process is started: `npm start`, `npm run cluster`, `npm run dev`, the PM2 file, the
 * benchmarks and the process tests all run `node ${SERVER_NODE_FLAGS} src/index.ts`
 * (package.json and ecosystem.config.cjs cannot import this; a test keeps them in step).
 */
import { fileURLToPath } from "node:url";

export const SERVER_ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));

/**
 * Under a race's message storm V8 grows its young generation to 64 MB per semi-space, which the
 * process then keeps; 8 MB keeps it small. What outlives the young generation (messages held
 * until the next patch) then dies in the old one, which V8 lets grow to ~3× its live size before
 * collecting it, and the process keeps that high-water mark: growing it by 20 % instead keeps the
 * marginal memory per racer within the benchmarks' target, which V8's defaults miss. Together the
 * two flags cost some CPU under load, most in a burst of joins; bench/README.md weighs the trade
 * (`npm run bench -- --server-flags default,none` measures it).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=8", "--heap-growing-percent=20"];
