/**
 * A durable queue of race writes that could not reach PostgreSQL. Entries are opaque strings (see
 * src/db/durableRaceStore.ts for what they hold), read and removed in the order they were added.
 *
 * - With Redis: one stream shared by every process (`XADD`), so whichever process is up drains what
 *   a dead one left behind.
 * - Without Redis (one process): an append-only file under DATA_DIR, fsync'd on every append, so an
 *   entry survives the process dying the moment after.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import type { Redis } from "ioredis";

export interface OutboxEntry {
  id: string;
  payload: string;
}

export interface Outbox {
  readonly kind: "redis" | "file";
  append(payload: string): Promise<void>;
  /** The oldest entries, at most `count`. */
  peek(count: number): Promise<OutboxEntry[]>;
  /** Removes entries returned by `peek` (after they were written). */
  remove(entries: OutboxEntry[]): Promise<void>;
  size(): Promise<number>;
}

const OUTBOX_STREAM = "typephoon:outbox";

export function redisOutbox(redis: Redis, stream = OUTBOX_STREAM): Outbox {
  return {
    kind: "redis",
    async append(payload) {
      await redis.xadd(stream, "*", "w", payload);
    },
    async peek(count) {
      const rows = await redis.xrange(stream, "-", "+", "COUNT", count);
      return rows.map(([id, fields]) => ({ id, payload: fields[fields.indexOf("w") + 1] ?? "" }));
    },
    async remove(entries) {
      if (entries.length) await redis.xdel(stream, ...entries.map((entry) => entry.id));
    },
    size: () => redis.xlen(stream),
  };
}

/**
 * The file holds one JSON string per line. Removing entries rewrites the rest to a temporary file
 * and renames it over the old one, so a crash leaves either the old or the new file, never a torn one.
 */
export async function fileOutbox(file: string): Promise<Outbox> {
  await mkdir(path.dirname(file), { recursive: true });
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  // A line cut short by a crash mid-append is not an entry: it was never acknowledged.
  let entries: string[] = existing
    .split("\n")
    .filter((line) => line.endsWith('"') && line.startsWith('"'))
    .map((line) => JSON.parse(line) as string);
  let nextId = 0;
  let ids = entries.map(() => String(nextId++));
  // One write at a time: appends and rewrites must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };

  return {
    kind: "file",
    append: (payload) =>
      serially(async () => {
        const handle = await open(file, "a");
        try {
          await handle.appendFile(`${JSON.stringify(payload)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        entries.push(payload);
        ids.push(String(nextId++));
      }),
    async peek(count) {
      return entries.slice(0, count).map((payload, index) => ({ id: ids[index]!, payload }));
    },
    remove: (removed) =>
      serially(async () => {
        const gone = new Set(removed.map((entry) => entry.id));
        const keep = ids.map((id, index) => (gone.has(id) ? -1 : index)).filter((index) => index >= 0);
        const temporary = `${file}.${process.pid}.tmp`;
        const handle = await open(temporary, "w");
        try {
          await handle.writeFile(keep.map((index) => `${JSON.stringify(entries[index])}\n`).join(""));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
        entries = keep.map((index) => entries[index]!);
        ids = keep.map((index) => ids[index]!);
      }),
    size: async () => entries.length,
  };
}
