/**
 * `npm run dev`: the server restarting on changes to its code (`node --watch`), and the web client
 * rebuilt on changes to web/ — the open page reloads itself after each rebuild. The watch build
 * (unminified, reloading itself) is removed at the end, so that the next `npm start` builds a real one.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from "../src/serverProcess.ts";
import { buildWebClient, describe, WEB_DIST } from "./build.ts";

const build = await buildWebClient({
  watch: true,
  onBuild(files, errors) {
    if (errors.length) console.error(`web client: build failed\n${errors.join("\n")}`);
    else console.log(`web client: built (${describe(files)})`);
  },
});

const server = spawn(process.execPath, ["--watch", ...SERVER_NODE_FLAGS, SERVER_ENTRY], { stdio: "inherit" });

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  await build.stop();
  server.kill(signal);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
server.on("exit", async (code) => {
  await build.stop();
  await rm(WEB_DIST, { recursive: true, force: true });
  process.exit(code ?? 0);
});
