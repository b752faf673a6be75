/**
 * The coordinator's handle on its generator processes: fork them, spread racers over them, open and
 * read measurement windows, and merge what they report.
 */
import { type ChildProcess, fork } from "node:child_process";
import { Histogram } from "../metrics/histogram.ts";
import type { MatchmakingSystem, SystemName } from "../systems.ts";
import type { Endpoint } from "./connectors/seat.ts";
import type { AddResult, JoinRecord, WindowReport, WorkerReply, WorkerRequest } from "./protocol.ts";

const WORKER = new URL("./worker.ts", import.meta.url);

class Worker {
  readonly child: ChildProcess;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor() {
    this.child = fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) pending?.resolve(reply.result);
      else pending?.reject(new Error(`generator ${this.child.pid}: ${reply.error}`));
    });
    this.child.on("exit", (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`generator exited (${code})`));
      this.#pending.clear();
    });
  }

  ask<T>(request: WorkerRequest): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }
}

/** Merged over all generator processes, for one window. */
export interface GeneratorWindow {
  elapsedMs: number;
  keysSent: number;
  messagesReceived: number;
  rejections: number;
  disconnects: number;
  latencies: Histogram;
  racers: number;
  spectators: number;
  /** frames the spectators received: what the server sent them */
  spectatorMessagesReceived: number;
  /** keystroke -> a spectator of the same generator seeing the cursor move */
  spectatorLatencies: Histogram;
  spectatorDisconnects: number;
  /** each generator's share of one core, and its event-loop delay p99 */
  generators: Array<{ pid: number; coreShare: number; loopDelayP99Ms: number }>;
}

export class GeneratorPool {
  readonly #workers: Worker[];

  constructor(processes: number) {
    this.#workers = Array.from({ length: processes }, () => new Worker());
  }

  get pids(): number[] {
    return this.#workers.map((worker) => worker.child.pid!);
  }

  /**
   * Seats `count` more racers, in whole rooms of `roomSize` per generator, one generator after the
   * other: racers of one room then share a process, where the latency between them is measured.
   */
  async add(
    system: SystemName,
    endpoints: Endpoint[],
    count: number,
    { roomSize = 5, concurrency = 25 } = {},
  ): Promise<AddResult> {
    const rooms = Math.ceil(count / roomSize);
    const total: AddResult = { seated: 0, failed: 0, errors: [], ms: 0 };
    for (const [index, worker] of this.#workers.entries()) {
      const share = Math.floor(rooms / this.#workers.length) + (index < rooms % this.#workers.length ? 1 : 0);
      if (share === 0) continue;
      const result = await worker.ask<AddResult>({
        cmd: "add",
        system,
        endpoints,
        count: share * roomSize,
        concurrency,
      });
      total.seated += result.seated;
      total.failed += result.failed;
      total.errors.push(...result.errors);
      total.ms += result.ms;
    }
    return total;
  }

  /** `perRace` spectators join each race, from the generator whose racers race in it. */
  async spectate(endpoints: Endpoint[], perRace: number, { concurrency = 25 } = {}): Promise<AddResult> {
    const results = await Promise.all(
      this.#workers.map((worker) =>
        worker.ask<AddResult>({ cmd: "spectate", endpoints, perRace, concurrency }),
      ),
    );
    return {
      seated: sum(results.map((result) => result.seated)),
      failed: sum(results.map((result) => result.failed)),
      errors: results.flatMap((result) => result.errors),
      ms: Math.max(...results.map((result) => result.ms)),
    };
  }

  async unspectate(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.ask({ cmd: "unspectate" })));
  }

  async startWindow(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.ask({ cmd: "window" })));
  }

  async readWindow(): Promise<GeneratorWindow> {
    const reports = await Promise.all(
      this.#workers.map((worker) => worker.ask<WindowReport>({ cmd: "report" })),
    );
    return {
      elapsedMs: Math.max(...reports.map((report) => report.elapsedMs)),
      keysSent: sum(reports.map((report) => report.keysSent)),
      messagesReceived: sum(reports.map((report) => report.messagesReceived)),
      rejections: sum(reports.map((report) => report.rejections)),
      disconnects: sum(reports.map((report) => report.disconnects)),
      latencies: Histogram.merge(reports.map((report) => report.latencies)),
      racers: sum(reports.map((report) => report.racers)),
      spectators: sum(reports.map((report) => report.spectators)),
      spectatorMessagesReceived: sum(reports.map((report) => report.spectatorMessagesReceived)),
      spectatorLatencies: Histogram.merge(reports.map((report) => report.spectatorLatencies)),
      spectatorDisconnects: sum(reports.map((report) => report.spectatorDisconnects)),
      generators: reports.map((report, i) => ({
        pid: this.#workers[i]!.child.pid!,
        coreShare: report.cpuSeconds / (report.elapsedMs / 1000),
        loopDelayP99Ms: report.loopDelayP99Ms,
      })),
    };
  }

  async leave(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.ask({ cmd: "leave" })));
  }

  /** Matchmaking, first step: every generator readies its share of `count` players (Typephoon's sign in). */
  async prepareGuests(system: MatchmakingSystem, endpoints: Endpoint[], count: number): Promise<void> {
    const n = this.#workers.length;
    await Promise.all(
      this.#workers.map((worker, i) =>
        worker.ask({
          cmd: "mm:prepare",
          system,
          endpoints,
          count: Math.floor(count / n) + (i < count % n ? 1 : 0),
        }),
      ),
    );
  }

  /** Then all those guests ask for a lobby, interleaved over the generators, within `spreadMs`. */
  async joinLobbies(spreadMs: number, timeoutMs: number) {
    const at = Date.now() + 200;
    const slots = this.#workers.length;
    const records = await Promise.all(
      this.#workers.map((worker, slot) =>
        worker.ask<JoinRecord[]>({ cmd: "mm:join", at, spreadMs, slot, slots, timeoutMs }),
      ),
    );
    return { at, records: records.flat() };
  }

  stop(): void {
    for (const worker of this.#workers) worker.child.disconnect();
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
