/**
 * This process's journal of race writes, on its own disk: each write is appended here, fsync'd,
 * before PostgreSQL is asked and before the player is told, and marked done once PostgreSQL has it
 * (src/db/durableRaceStore.ts). Neither a database outage, nor Redis's, nor the process dying
 * loses a result a player was told about.
 *
 * One journal per process under DATA_DIR/journal/, named after its PORT so that a process started
 * again with the same configuration finds its own, and held through a lock so that processes
 * sharing a DATA_DIR (`npm run cluster`) never share one: the lock is a Unix socket the holder
 * listens on, so that a process that died (even by SIGKILL) holds nothing, as the kernel refuses
 * connections to its socket. A journal nobody holds any more (its process was not started again)
 * is taken over by the next process that opens its own.
 *
 * One JSON line per entry (`{"seq":n,"value":…}`) and one per entry done (`{"done":n}`, not
 * fsync'd: every write is idempotent, so an entry replayed after a crash changes nothing). The
 * file is rewritten with the entries left (to a temporary file renamed over it) when it is opened
 * and once enough are done, so it stays as small as what waits.
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { connect, createServer, type Server } from "node:net";
import path from "node:path";

export interface JournalEntry {
  seq: number;
  value: unknown;
}

export interface Journal {
  /** e.g. `port-2567`: the file is `<name>.jsonl` */
  readonly name: string;
  /** What earlier runs left, oldest first: this journal's, then those taken over. */
  readonly left: JournalEntry[];
  /** Appends the values in order, in one write and one fsync; resolves once they are on disk. */
  append(values: unknown[]): Promise<JournalEntry[]>;
  /** The entry's write reached PostgreSQL: it is not replayed. */
  done(entry: JournalEntry): void;
  /** Writes what is marked done and releases the lock. */
  close(): Promise<void>;
}

/** Journals of one name's processes (PORT=0, or containers sharing DATA_DIR with one PORT). */
const NAMES_PER_PORT = 64;
/** Done lines after which the file is rewritten with only the entries left. */
const COMPACT_AFTER_DONE = 1_000;
/** What a Unix socket path may hold (sun_path), with room to spare. */
const SOCKET_PATH_MAX = 100;

interface Held {
  name: string;
  file: string;
  lock: Server;
}

export async function openJournal(directory: string, port: number): Promise<Journal> {
  await mkdir(directory, { recursive: true });
  let own: Held | undefined;
  for (let i = 1; !own && i <= NAMES_PER_PORT; i++) {
    own = await hold(directory, i === 1 ? `port-${port}` : `port-${port}-${i}`);
  }
  if (!own) throw new Error(`${directory}: every journal of port ${port} is held by another process`);

  const orphans: Held[] = [];
  for (const file of await readdir(directory)) {
    if (!file.endsWith(".jsonl") || file === `${own.name}.jsonl`) continue;
    const orphan = await hold(directory, file.slice(0, -".jsonl".length));
    if (orphan) orphans.push(orphan);
  }
  const values: unknown[] = [];
  for (const held of [own, ...orphans]) values.push(...(await entriesLeft(held.file)));
  let seq = 0;
  const live = new Map(values.map((value) => [++seq, value]));
  const left = [...live].map(([number, value]) => ({ seq: number, value }));
  await rewrite(own.file, live);
  // Only once their entries are on disk in this journal: a crash before leaves duplicates, which
  // replay as nothing.
  for (const orphan of orphans) {
    await rm(orphan.file, { force: true });
    await release(orphan);
  }

  let handle = await open(own.file, "a");
  let doneLines = 0;
  let doneWaiting: number[] = [];
  let closed = false;
  // One write to the file at a time: appends, done marks and rewrites never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };

  const writeDone = async () => {
    const seqs = doneWaiting;
    doneWaiting = [];
    if (seqs.length === 0 || closed) return;
    await handle.write(seqs.map((done) => `{"done":${done}}\n`).join(""));
    doneLines += seqs.length;
    if (doneLines >= COMPACT_AFTER_DONE && doneLines > live.size) {
      await handle.close();
      await rewrite(own.file, live);
      handle = await open(own.file, "a");
      doneLines = 0;
    }
  };

  return {
    name: own.name,
    left,
    append: (appended) =>
      serially(async () => {
        if (closed) throw new Error("the journal is closed");
        const entries = appended.map((value) => ({ seq: ++seq, value }));
        await handle.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
        await handle.datasync();
        for (const entry of entries) live.set(entry.seq, entry.value);
        return entries;
      }),
    done(entry) {
      if (!live.delete(entry.seq)) return;
      doneWaiting.push(entry.seq);
      if (doneWaiting.length === 1) setImmediate(() => serially(writeDone).catch(() => {}));
    },
    close: () =>
      serially(async () => {
        if (closed) return;
        await writeDone();
        closed = true;
        await handle.close();
        await release(own);
      }),
  };
}

/** The values of the entries a journal file holds and that are not done, in order. */
async function entriesLeft(file: string): Promise<unknown[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const live = new Map<number, unknown>();
  for (const line of text.split("\n")) {
    let record: { seq?: number; value?: unknown; done?: number };
    try {
      record = JSON.parse(line);
    } catch {
      // Empty, or cut short by a crash mid-append: never acknowledged to anyone.
      continue;
    }
    if (record.done !== undefined) live.delete(record.done);
    else if (record.seq !== undefined) live.set(record.seq, record.value);
  }
  return [...live.values()];
}

/** Replaces the file with these entries, durably: a crash leaves the old file or the new one. */
async function rewrite(file: string, live: Map<number, unknown>): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, "w");
  try {
    await handle.write([...live].map(([seq, value]) => `${JSON.stringify({ seq, value })}\n`).join(""));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const directory = await open(path.dirname(file), "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The journal of this name, locked for this process; undefined while a live process holds it. */
async function hold(directory: string, name: string): Promise<Held | undefined> {
  const absolute = path.join(directory, `${name}.lock`);
  const socketPath = absolute.length <= SOCKET_PATH_MAX ? absolute : path.relative(process.cwd(), absolute);
  const held = { name, file: path.join(directory, `${name}.jsonl`) };
  for (let tries = 0; tries < 2; tries++) {
    const lock = createServer((connection) => connection.destroy());
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      lock.once("error", resolve);
      lock.listen(socketPath, () => resolve(undefined));
    });
    if (!error) {
      // The lock lasts as long as the process, not longer: it keeps nothing running.
      lock.unref();
      return { ...held, lock };
    }
    if (error.code === "EINVAL") {
      throw new Error(`${absolute}: too long a path for the journal's lock; use a shorter DATA_DIR`);
    }
    if (error.code !== "EADDRINUSE") {
      throw new Error(
        `${absolute}: cannot lock the journal here (${error.code}): DATA_DIR must be a local disk`,
      );
    }
    if (await answers(socketPath)) return undefined;
    // Left by a process that died. Two processes starting at the same moment under one name could
    // both get here and both take it: only with PORT=0, since two cannot listen on one port.
    await rm(socketPath, { force: true });
  }
  return undefined;
}

/** Whether a live process listens on the socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code !== "ECONNREFUSED" && error.code !== "ENOENT"),
    );
  });
}

function release(held: Held): Promise<void> {
  // Closing the server removes its socket file.
  return new Promise((resolve) => held.lock.close(() => resolve()));
}
