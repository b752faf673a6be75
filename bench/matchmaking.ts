/**
 * Matchmaking under a burst: N guests, signed in beforehand, all ask for a lobby within `spreadMs`.
 * Measured: each join's latency (joinOrCreate("lobby") asked -> lobby joined), the time until all
 * are seated in a lobby and until all have their race seat (`game_start`), whether any lobby got
 * more players than its maximum (from which clients landed where, and from the lobbies' own state),
 * and the server's CPU per join. The same burst against the bare baseline's room of 5 is the
 * framework's own cost of a join, for the ratio; against its bare lobby, the framework's own cost of
 * the protocol's lobby -> race seat.
 */
import type { GeneratorPool } from "./loadgen/generators.ts";
import { coreShare, sampleProcess } from "./metrics/processStats.ts";
import type { ServerUnderTest } from "./servers.ts";
import type { MatchmakingSystem } from "./systems.ts";

export interface MatchmakingResult {
  system: MatchmakingSystem;
  joins: number;
  spreadMs: number;
  seated: number;
  failed: number;
  /** each distinct failure with how many joins it ended, e.g. "seat reservation expired. ×12" */
  errors: string[];
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** first ask -> last client seated in a lobby */
  allSeatedMs: number;
  /** first ask -> last client holding its race seat (Typephoon and the bare lobby) */
  allInRaceMs: number;
  lobbies: number;
  largestLobby: number;
  maxPlayers: number;
  overFullLobbies: number;
  /** server CPU over the burst (first ask -> all in race), share of one core per process */
  serverCores: number[];
  /** the server processes' CPU time over the burst, per join */
  serverCpuMsPerJoin: number;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : Number.NaN;

export async function matchmaking(
  server: ServerUnderTest,
  generators: GeneratorPool,
  {
    system,
    joins,
    spreadMs,
    maxPlayers,
  }: { system: MatchmakingSystem; joins: number; spreadMs: number; maxPlayers: number },
): Promise<MatchmakingResult> {
  await generators.prepareGuests(system, server.endpoints, joins);
  const before = server.pids.map(sampleProcess);
  const { at, records } = await generators.joinLobbies(spreadMs, 20_000);
  const after = server.pids.map(sampleProcess);
  const joined = records.filter((record) => record.latencyMs !== undefined);
  const latencies = joined.map((record) => record.latencyMs!).sort((a, b) => a - b);
  const sizes = Map.groupBy(joined, (record) => record.lobbyId!);
  const largestLobby = Math.max(0, ...[...sizes.values()].map((members) => members.length));
  const largestSeen = Math.max(0, ...records.map((record) => record.maxPlayersSeen));
  const limit = Math.min(
    maxPlayers,
    ...records.filter((r) => r.maxPlayers).map((record) => record.maxPlayers),
  );
  const failed = records.filter((record) => record.error);
  const lastOf = (pick: (record: (typeof records)[number]) => number | undefined) =>
    Math.max(...records.map((record) => pick(record) ?? Number.NaN)) - at;
  const cpuSeconds = sum(after.map((sample, i) => sample.cpuSeconds - before[i]!.cpuSeconds));
  return {
    system,
    joins: records.length,
    spreadMs,
    seated: joined.length,
    failed: failed.length,
    errors: [...Map.groupBy(failed, (record) => record.error!)].map(
      ([error, joins]) => `${error} ×${joins.length}`,
    ),
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    allSeatedMs: lastOf((record) => record.joinedAt),
    allInRaceMs: lastOf((record) => record.gameStartAt),
    lobbies: sizes.size,
    largestLobby: Math.max(largestLobby, largestSeen),
    maxPlayers: limit,
    overFullLobbies:
      [...sizes.values()].filter((members) => members.length > limit).length + (largestSeen > limit ? 1 : 0),
    serverCores: after.map((sample, i) => coreShare(before[i]!, sample)),
    serverCpuMsPerJoin: (cpuSeconds * 1000) / records.length,
  };
}
