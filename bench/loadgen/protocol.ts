/** What the coordinator (bench/run.ts) and its generator processes (worker.ts) say to each other. */
import type { HistogramData } from "../metrics/histogram.ts";
import type { MatchmakingSystem, SystemName } from "../systems.ts";
import type { Endpoint } from "./connectors/seat.ts";

export type WorkerRequest =
  | { cmd: "add"; system: SystemName; endpoints: Endpoint[]; count: number; concurrency: number }
  | { cmd: "window" }
  | { cmd: "report" }
  | { cmd: "leave" }
  /** `perRace` spectators join each race this generator's racers race in */
  | { cmd: "spectate"; endpoints: Endpoint[]; perRace: number; concurrency: number }
  | { cmd: "unspectate" }
  | { cmd: "mm:prepare"; system: MatchmakingSystem; endpoints: Endpoint[]; count: number }
  | { cmd: "mm:join"; at: number; spreadMs: number; slot: number; slots: number; timeoutMs: number };

export interface AddResult {
  seated: number;
  failed: number;
  /** the first few failures, for the log */
  errors: string[];
  ms: number;
}

export interface WindowReport {
  elapsedMs: number;
  keysSent: number;
  messagesReceived: number;
  rejections: number;
  disconnects: number;
  latencies: { buckets: HistogramData; sum: number; max: number };
  /** this generator process's own CPU time in the window */
  cpuSeconds: number;
  /** p99 of this process's event-loop delay: a busy generator delays what it measures */
  loopDelayP99Ms: number;
  racers: number;
  /** what this generator's spectators received and saw, like the racers' figures above */
  spectators: number;
  spectatorMessagesReceived: number;
  spectatorLatencies: { buckets: HistogramData; sum: number; max: number };
  spectatorDisconnects: number;
}

export interface JoinRecord {
  /** joinOrCreate("lobby") asked -> lobby joined (the bare baseline: its room of 5 joined) */
  latencyMs?: number;
  /** epoch ms */
  askedAt: number;
  joinedAt?: number;
  /** Typephoon only: the lobby handed out the race seat */
  gameStartAt?: number;
  lobbyId?: string;
  /** most players the lobby's state ever showed this client */
  maxPlayersSeen: number;
  maxPlayers: number;
  error?: string;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };
