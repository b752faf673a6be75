/**
 * Builds the web client: web/src (TypeScript, one stylesheet) bundled and minified by esbuild into
 * web/dist, with content-hashed file names written into index.html, plus web/public copied as is.
 * The server serves web/dist at `/`.
 *
 * - `buildWebClient()` builds once, into a fresh folder swapped in at the end, so a running server
 *   never serves half a build. `npm run build:web` runs it.
 * - `buildWebClient({ watch: true })` rebuilds on every change and writes build-id.txt, which the
 *   page of a watch build polls to reload itself (`npm run dev`).
 * - `ensureWebClient()` builds only when web/dist holds no build (`npm start`).
 */
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

export const WEB_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = path.join(WEB_ROOT, "dist");
/** Written by watch builds only: their page polls it to reload after a rebuild. */
const BUILD_ID = "build-id.txt";

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface WebBuild {
  outdir: string;
  /** the bundle's script and stylesheet, with their sizes */
  files: BuiltFile[];
  /** Stops watching (watch builds); nothing to do otherwise. */
  stop(): Promise<void>;
}

interface BuildOptions {
  watch?: boolean;
  outdir?: string;
  /** called after every build (watch builds rebuild on changes) */
  onBuild?(files: BuiltFile[], errors: string[]): void;
}

export async function buildWebClient(options: BuildOptions = {}): Promise<WebBuild> {
  const outdir = options.outdir ?? WEB_DIST;
  const watch = options.watch ?? false;
  // A one-off build goes to a fresh folder and replaces the old one at the end.
  const target = watch ? outdir : `${outdir}.building-${process.pid}-${Date.now()}`;
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });

  let lastFiles: BuiltFile[] = [];
  let builtOnce = () => {};
  const firstBuild = new Promise<void>((resolve) => {
    builtOnce = resolve;
  });
  const finish: esbuild.Plugin = {
    name: "typephoon-finish",
    setup(build) {
      build.onEnd(async (result) => {
        const errors = result.errors.map((error) =>
          esbuild.formatMessagesSync([error], { kind: "error" }).join(""),
        );
        if (result.metafile && errors.length === 0) {
          lastFiles = await writePage(target, result.metafile);
          if (watch) await writeFile(path.join(target, BUILD_ID), String(Date.now()));
        }
        options.onBuild?.(lastFiles, errors);
        builtOnce();
      });
    },
  };

  const context = await esbuild.context({
    absWorkingDir: WEB_ROOT,
    entryPoints: { app: "src/main.ts", styles: "src/styles.css" },
    outdir: target,
    entryNames: "[name]-[hash]",
    bundle: true,
    minify: !watch,
    sourcemap: "linked",
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome109", "firefox115", "safari16"],
    // The SDK's "browser" build; Node built-ins must never reach the page.
    conditions: ["browser", "import"],
    define: { DEV_RELOAD: String(watch) },
    legalComments: "linked",
    metafile: true,
    logLevel: "silent",
    plugins: [finish],
  });

  await cp(path.join(WEB_ROOT, "public"), target, { recursive: true });
  if (watch) {
    // Builds at once, then on every change.
    await context.watch();
    await firstBuild;
    return { outdir: target, files: lastFiles, stop: () => context.dispose() };
  }

  try {
    const result = await context.rebuild();
    if (result.errors.length > 0) throw new Error("the web client did not build");
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    const messages = (error as { errors?: esbuild.Message[] }).errors;
    if (messages?.length) {
      throw new Error(
        `the web client did not build:\n${esbuild.formatMessagesSync(messages, { kind: "error" }).join("")}`,
      );
    }
    throw error;
  } finally {
    await context.dispose();
  }
  await swapIn(target, outdir);
  return { outdir, files: lastFiles, stop: async () => {} };
}

/** Builds the client unless web/dist already holds one. */
export async function ensureWebClient(log: { info(message: string): void }): Promise<void> {
  if (existsSync(path.join(WEB_DIST, "index.html"))) return;
  const { files } = await buildWebClient();
  log.info(`built the web client into web/dist (${describe(files)})`);
}

/** index.html with the hashed names of this build's script and stylesheet. */
async function writePage(outdir: string, metafile: esbuild.Metafile): Promise<BuiltFile[]> {
  const outputs = Object.entries(metafile.outputs);
  const nameOf = (entry: string) => {
    const found = outputs.find(([, output]) => output.entryPoint === entry);
    if (!found) throw new Error(`esbuild produced nothing for ${entry}`);
    return path.relative(outdir, path.resolve(WEB_ROOT, found[0]));
  };
  const script = nameOf("src/main.ts");
  const styles = nameOf("src/styles.css");
  const template = await readFile(path.join(WEB_ROOT, "index.html"), "utf8");
  const page = template.replace("%SCRIPT%", `/${script}`).replace("%STYLES%", `/${styles}`);
  await writeFile(path.join(outdir, "index.html"), page);
  await removeStale(
    outdir,
    new Set([
      script,
      styles,
      ...outputs.map(([file]) => path.relative(outdir, path.resolve(WEB_ROOT, file))),
    ]),
  );
  return Promise.all(
    [script, styles].map(async (name) => {
      const content = await readFile(path.join(outdir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length };
    }),
  );
}

/** Outputs of earlier watch builds (their hashes differ) go. */
async function removeStale(outdir: string, current: Set<string>): Promise<void> {
  for (const name of await readdir(outdir)) {
    if (/^(app|styles)-[A-Z0-9]+\.(js|css)(\.map|\.LEGAL\.txt)?$/.test(name) && !current.has(name)) {
      await rm(path.join(outdir, name), { force: true });
    }
  }
}

async function swapIn(built: string, outdir: string): Promise<void> {
  // The same page (its script and styles named by their content's hash) is there already: keep it.
  // Swapping would leave a moment without web/dist, and another process may be serving it (the
  // browser tests build in each of mocha's parallel workers).
  const page = (dir: string) => readFile(path.join(dir, "index.html"), "utf8").catch(() => undefined);
  const [builtPage, currentPage] = await Promise.all([page(built), page(outdir)]);
  if (currentPage !== undefined && currentPage === builtPage) {
    await rm(built, { recursive: true, force: true });
    return;
  }
  const old = `${outdir}.old-${process.pid}-${Date.now()}`;
  const hadOld = await stat(outdir).then(
    () => true,
    () => false,
  );
  if (hadOld) await rename(outdir, old);
  try {
    await rename(built, outdir);
  } catch (error) {
    // Another process built at the same moment: its build is as good as this one.
    if (!existsSync(path.join(outdir, "index.html"))) throw error;
    await rm(built, { recursive: true, force: true });
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export function describe(files: BuiltFile[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return files.map((file) => `${file.name} ${kb(file.bytes)}, ${kb(file.gzipBytes)} gzipped`).join("; ");
}

/** `node web/build.ts` builds once; `node web/build.ts --watch` rebuilds on changes. */
if (import.meta.main) {
  const watch = process.argv.includes("--watch");
  const build = await buildWebClient({
    watch,
    onBuild(files, errors) {
      if (errors.length) console.error(errors.join("\n"));
      else if (watch) console.log(`web client rebuilt: ${describe(files)}`);
    },
  });
  if (!watch)
    console.log(
      `web client built into ${path.relative(process.cwd(), build.outdir)}: ${describe(build.files)}`,
    );
  else {
    const stop = () => build.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }
}
