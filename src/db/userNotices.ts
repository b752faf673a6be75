/**
 * What the process reads about users (a profile's version, whether a user may still act), kept
 * without asking PostgreSQL again while nothing changed it. PostgreSQL sends a notice carrying the
 * user's id on the channel `user_changes` whenever a user's counts of races played or rated change,
 * a guest is merged into an account, or the user goes (triggers of the migrations
 * 20261207120000_profile_version_notices and 20261207130000_user_change_notices), whoever wrote
 * it; this process listens on a connection of its own and forgets what it keeps about the user at
 * each notice, and its own writes forget theirs at once (`changed`), before their callers are
 * answered.
 *
 * An answer is kept only when no notice about its user came while it was being read, and only
 * while the notices are certain to arrive: until the listening connection is up, after it fails,
 * and when its heartbeat does not come back (a partition would otherwise keep it silent for
 * minutes), every answer is read from PostgreSQL. Another process's write reaches what this one
 * keeps when its notice does, at its commit; within the same process at once.
 */
import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import pg from "pg";
import type { Logger } from "../log.ts";

const USER_CHANGES_CHANNEL = "user_changes";
/** Answers kept per kind, least recently used first out: one per user asked about lately. */
const KEPT_PER_KIND = 100_000;
/** How often the listening connection sends itself a notice, which must be back by the next. */
const HEARTBEAT_MS = 5_000;
/** How long connecting, and any query on that connection, may take. */
const ANSWER_WITHIN_MS = 1_500;
/** A heartbeat's notice carries this and the process's own token, never a user id. */
const HEARTBEAT_PREFIX = "heartbeat ";
/** How soon after a failed or lost connection another is tried, when an answer is asked. */
const LISTEN_RETRY_MS = 1_000;

/** One kind of answer about users, kept while the notices say it holds. */
interface KeptByUser<V> {
  of(userId: string): Promise<V>;
}

/** What is kept through the notices (each kind of `keep`, src/db/keptBoards.ts), told what they say. */
interface NoticeWatcher {
  /** A notice about this user (lower case), or this process's own `changed`. */
  changed(userId: string): void;
  /** Notices stopped: nothing kept since listening began can be trusted. */
  lost(): void;
}

export interface UserNotices {
  /** `read`'s answers, the `keepable` ones kept per user until a notice about the user. */
  keep<V>(read: (userId: string) => Promise<V>, keepable: (answer: V) => boolean): KeptByUser<V>;
  /** `watcher` told of every notice and loss from now on. */
  watch(watcher: NoticeWatcher): void;
  /** This process changed these users (committed): what it keeps about them is read again. */
  changed(userIds: Iterable<string>): void;
  /** Whether answers are kept: the notices are being listened to. */
  readonly listening: boolean;
  /** `listening`, and when not, an attempt to listen begun (at most one a second). */
  listen(): boolean;
  close(): Promise<void>;
}

export interface UserNoticeOptions {
  /** PostgreSQL's URL, for the listening connection */
  url: string;
  log?: Logger;
  heartbeatMs?: number;
  retryMs?: number;
}

/** A read under way: a notice about its user while it is made voids it. */
interface Reading {
  void: boolean;
}

export function userNotices(options: UserNoticeOptions): UserNotices {
  const { url, log } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const retryMs = options.retryMs ?? LISTEN_RETRY_MS;
  const watchers: NoticeWatcher[] = [];
  let listener: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let echoed = true;
  const beat = `${HEARTBEAT_PREFIX}${randomUUID()}`;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const forget = (id: string) => {
    for (const watcher of watchers) watcher.changed(id);
  };

  /** No more notices: nothing kept can be trusted, nor any read under way. */
  const lose = (client: pg.Client, why: unknown) => {
    if (listener !== client) return;
    if (!closed) log?.warn({ err: why }, "user notices: stopped listening; reading every answer");
    listener = undefined;
    clearInterval(heartbeat);
    for (const watcher of watchers) watcher.lost();
    client.end().catch(() => {});
  };

  const listen = async () => {
    const client = new pg.Client({
      connectionString: url,
      application_name: "typephoon user notices",
      connectionTimeoutMillis: ANSWER_WITHIN_MS,
      query_timeout: ANSWER_WITHIN_MS,
    });
    client.on("notification", (notice) => {
      if (notice.channel !== USER_CHANGES_CHANNEL) return;
      if (notice.payload === beat) echoed = true;
      else if (notice.payload && !notice.payload.startsWith(HEARTBEAT_PREFIX)) forget(notice.payload);
    });
    client.on("error", (error) => lose(client, error));
    client.on("end", () => lose(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${USER_CHANGES_CHANNEL}`);
    } catch (error) {
      log?.warn({ err: error }, "user notices: cannot listen; reading every answer");
      client.end().catch(() => {});
      return;
    }
    if (closed) {
      await client.end();
      return;
    }
    // Reads begun before now began unheard (void from the start): only later ones are kept.
    listener = client;
    // The heartbeat is a notice to itself, which must come back by the next beat: the connection
    // answers, and notices still reach it (through a pooler that does not pass them on, they would not).
    echoed = true;
    heartbeat = setInterval(() => {
      if (!echoed) return lose(client, new Error("its own notice did not come back"));
      echoed = false;
      client
        .query("SELECT pg_notify($1, $2)", [USER_CHANGES_CHANNEL, beat])
        .catch((error: unknown) => lose(client, error));
    }, heartbeatMs);
    heartbeat.unref();
  };

  const listenSoon = () => {
    if (listener || connecting || closed || performance.now() - lastAttempt < retryMs) return;
    lastAttempt = performance.now();
    connecting = listen().finally(() => {
      connecting = undefined;
    });
  };

  return {
    get listening() {
      return listener !== undefined;
    },
    listen() {
      if (!listener) listenSoon();
      return listener !== undefined;
    },
    watch(watcher) {
      watchers.push(watcher);
    },
    keep<V>(read: (userId: string) => Promise<V>, keepable: (answer: V) => boolean): KeptByUser<V> {
      // Kept by user id as PostgreSQL prints it (notices carry it so; a uuid may be asked in capitals).
      const known = new LRUCache<string, { answer: V }>({ max: KEPT_PER_KIND });
      const readings = new Map<string, Set<Reading>>();
      watchers.push({
        changed(id) {
          known.delete(id);
          for (const reading of readings.get(id) ?? []) reading.void = true;
        },
        lost() {
          known.clear();
          for (const set of readings.values()) for (const reading of set) reading.void = true;
        },
      });
      return {
        async of(userId) {
          const id = userId.toLowerCase();
          if (listener) {
            const kept = known.get(id);
            if (kept !== undefined) return kept.answer;
          } else {
            listenSoon();
          }
          const reading: Reading = { void: listener === undefined };
          let set = readings.get(id);
          if (!set) {
            set = new Set();
            readings.set(id, set);
          }
          set.add(reading);
          try {
            const answer = await read(userId);
            if (!reading.void && keepable(answer)) known.set(id, { answer });
            return answer;
          } finally {
            set.delete(reading);
            if (set.size === 0) readings.delete(id);
          }
        },
      };
    },
    changed(userIds) {
      for (const userId of userIds) forget(userId.toLowerCase());
    },
    async close() {
      closed = true;
      await connecting;
      const client = listener;
      if (client) {
        lose(client, new Error("closed"));
        await client.end().catch(() => {});
      }
    },
  };
}
