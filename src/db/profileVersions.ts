/**
 * Profiles' versions (src/api/profileCache.ts keeps a profile's bodies under its version), known
 * without asking PostgreSQL while nothing changed them. PostgreSQL sends a notice on the channel
 * `profile_versions` whenever a version may have changed (triggers of the migration
 * 20261207120000_profile_version_notices: a result, a rated race, a merge or a deletion, whoever
 * wrote it); this process listens on a connection of its own and forgets the user's version at
 * each notice, and its own writes forget theirs at once (`changed`), before the caller is answered.
 *
 * A version is kept only when no notice about it came while it was being read, and only while
 * the notices are certain to arrive: until the listening connection is up, after it fails, and
 * when its heartbeat does not come back (a partition would otherwise keep it silent for minutes),
 * every version is read from PostgreSQL as before. Another process's write reaches this one's
 * kept versions when its notice does, at its commit; within the same process at once. Notices
 * carry a user id, or a process's heartbeat token.
 */
import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import pg from "pg";
import type { Logger } from "../log.ts";
import { batchedByKey } from "./batchedByKey.ts";
import type { Queries } from "./queries.ts";

const PROFILE_VERSIONS_CHANNEL = "profile_versions";
/** Versions kept, least recently used first out: one per player read lately, a few dozen bytes each. */
const KEPT_VERSIONS = 100_000;
/** How often the listening connection sends itself a notice, which must be back by the next. */
const HEARTBEAT_MS = 5_000;
/** How long connecting, and any query on that connection, may take. */
const ANSWER_WITHIN_MS = 1_500;
/** A heartbeat's notice carries this and the process's own token, never a user id. */
const HEARTBEAT_PREFIX = "heartbeat ";
/** How soon after a failed or lost connection another is tried, when a version is asked. */
const LISTEN_RETRY_MS = 1_000;

export interface ProfileVersions {
  /** The user's profile version, or null when there is no such user. */
  of(userId: string): Promise<string | null>;
  /** This process changed these users' profiles (committed): their versions are read again. */
  changed(userIds: Iterable<string>): void;
  /** Whether versions are kept: the notices are being listened to. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface ProfileVersionOptions {
  /** PostgreSQL's URL, for the listening connection */
  url: string;
  /** reads versions from PostgreSQL */
  read: (userId: string) => Promise<string | null>;
  log?: Logger;
  heartbeatMs?: number;
  retryMs?: number;
}

/** A read of one version under way: a notice about its user while it is made voids it. */
interface Reading {
  void: boolean;
}

export function watchedProfileVersions(options: ProfileVersionOptions): ProfileVersions {
  const { url, read, log } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const retryMs = options.retryMs ?? LISTEN_RETRY_MS;
  const known = new LRUCache<string, string>({ max: KEPT_VERSIONS });
  const readings = new Map<string, Set<Reading>>();
  let listener: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let echoed = true;
  const beat = `${HEARTBEAT_PREFIX}${randomUUID()}`;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let closed = false;

  /** Ids as PostgreSQL prints them, as notices carry them: a uuid may be asked in capitals. */
  const forget = (id: string) => {
    known.delete(id);
    for (const reading of readings.get(id) ?? []) reading.void = true;
  };

  /** No more notices: nothing known can be trusted, nor any read under way. */
  const lose = (client: pg.Client, why: unknown) => {
    if (listener !== client) return;
    if (!closed) log?.warn({ err: why }, "profile versions: stopped listening; reading every version");
    listener = undefined;
    clearInterval(heartbeat);
    known.clear();
    for (const set of readings.values()) for (const reading of set) reading.void = true;
    client.end().catch(() => {});
  };

  const listen = async () => {
    const client = new pg.Client({
      connectionString: url,
      application_name: "typephoon profile versions",
      connectionTimeoutMillis: ANSWER_WITHIN_MS,
      query_timeout: ANSWER_WITHIN_MS,
    });
    client.on("notification", (notice) => {
      if (notice.channel !== PROFILE_VERSIONS_CHANNEL) return;
      if (notice.payload === beat) echoed = true;
      else if (notice.payload && !notice.payload.startsWith(HEARTBEAT_PREFIX)) forget(notice.payload);
    });
    client.on("error", (error) => lose(client, error));
    client.on("end", () => lose(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${PROFILE_VERSIONS_CHANNEL}`);
    } catch (error) {
      log?.warn({ err: error }, "profile versions: cannot listen; reading every version");
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
        .query("SELECT pg_notify($1, $2)", [PROFILE_VERSIONS_CHANNEL, beat])
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
    async of(userId) {
      const id = userId.toLowerCase();
      if (listener) {
        const version = known.get(id);
        if (version !== undefined) return version;
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
        const version = await read(userId);
        if (!reading.void && version !== null) known.set(id, version);
        return version;
      } finally {
        set.delete(reading);
        if (set.size === 0) readings.delete(id);
      }
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

/**
 * What the profile's reads change with (null: no such user): the races played, which every new
 * result counts, and the rated races, which the rating update counts when a rated race ends (after
 * its results were written) together with the new rating. The reads of one moment share one query
 * (src/db/batchedByKey.ts).
 */
export function profileVersionReader(db: Queries): (userId: string) => Promise<string | null> {
  return batchedByKey(async (userIds: string[]) => {
    const rows = await db.$queryRaw<Array<{ id: string; version: string }>>`
      SELECT u.id::text AS id, coalesce(s.played, 0) || ':' || u.rated_races AS version
      FROM users AS u LEFT JOIN user_stats AS s ON s.user_id = u.id
      WHERE u.id = ANY(${userIds}::uuid[])`;
    return new Map(rows.map(({ id, version }) => [id, version]));
  }, null);
}
