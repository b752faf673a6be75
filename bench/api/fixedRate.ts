/**
 * Open-loop load at a fixed arrival rate (issue 28: "API at a realistic load"): the i-th call is
 * due at start + i / rate, and is sent then whatever the earlier calls are doing, so a slow answer
 * does not hold the next request back. Its latency counts from when it was due, not from when it
 * left: a request the generator sent late (a timer that fired late, a busy event loop) is charged
 * its lateness, so a stall cannot hide its own queue (no coordinated omission).
 *
 * Not autocannon's `overallRate`: autocannon 9 gives each connection a budget of requests per
 * second and sends them back to back as answers arrive, pausing the connection until the next
 * second once it is spent (lib/httpClient.js, `reqsMadeThisSecond`). That is a closed loop capped
 * per second: requests go in bursts at the start of each second, each only after the previous
 * answer on its connection, and latency counts from the send.
 *
 * The same generator drives HTTP requests (node:http over a keep-alive agent) and in-process calls
 * of the read functions over plain `pg`, so the two latencies are the same kind of figure.
 */
import http from "node:http";
import { Histogram } from "../metrics/histogram.ts";
import type { HttpRequest, LoadResult } from "./load.ts";

export interface FixedRateOptions {
  /** calls per second, sent evenly spaced */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** called when the warm-up ends and the measured part begins */
  measuring?: () => void;
}

export interface FixedRateResult extends LoadResult {
  /** the offered rate */
  rate: number;
  /** calls due in the measured part that were not answered: dropped (a backlog of a second's
   * calls was in flight) or still in flight at the end of the drain */
  unanswered: number;
  /** how late the generator sent the measured calls (ms): its own share of the latencies */
  sendLagMs: { p99: number; max: number };
}

/** Waits this long after the last due call for stragglers before counting them unanswered. */
const DRAIN_MS = 2_000;
/**
 * At most a second's calls in flight: past that the run has lost the rate, and the calls due are
 * dropped (counted unanswered) rather than left to pile up and load the next run. The run still
 * ends only when the calls in flight have, so that none of its work spills into the next.
 */
const BACKLOG_S = 1;
/** ...within this long at most: a stuck run fails the bench rather than hang it. */
const SETTLE_MS = 60_000;

/** Calls `call(i)` at `options.rate` per second, each timed from when it was due. */
export async function fixedRate(
  call: (i: number) => Promise<unknown>,
  options: FixedRateOptions,
): Promise<FixedRateResult> {
  const histogram = new Histogram();
  const lag = new Histogram();
  const intervalMs = 1000 / options.rate;
  const start = performance.now() + 20;
  const from = start + options.warmupMs;
  const end = from + options.durationMs;
  const total = Math.floor((end - start) / intervalMs);
  let errors = 0;
  let firstError: string | null = null;
  let due = 0;
  let measuredDue = 0;
  let answered = 0;
  let outstanding = 0;
  let dropped = 0;
  /** past the drain: answers still coming are counted unanswered, not timed */
  let closed = false;
  const maxOutstanding = Math.max(1, Math.round(options.rate * BACKLOG_S));
  const warmedUp = setTimeout(() => options.measuring?.(), from - performance.now());
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const send = (i: number, dueAt: number) => {
    const counted = dueAt >= from;
    if (outstanding >= maxOutstanding) {
      if (counted) dropped++;
      firstError ??= `over ${maxOutstanding} calls in flight: the rate was lost`;
      return;
    }
    if (counted) {
      measuredDue++;
      lag.record(performance.now() - dueAt);
    }
    outstanding++;
    call(i)
      .then(
        () => {
          if (counted && !closed) {
            histogram.record(performance.now() - dueAt);
            answered++;
          }
        },
        (error: unknown) => {
          if (counted && !closed) errors++;
          firstError ??= String(error);
        },
      )
      .finally(() => {
        if (--outstanding === 0 && due === total) done();
      });
  };
  // Sends every call due by now, then sleeps until the next one (timers fire ≥ 1 ms apart, so at
  // 1,000/s a tick may send two or three; each is still timed from its own due time).
  const tick = () => {
    const now = performance.now();
    while (due < total && start + due * intervalMs <= now) {
      send(due, start + due * intervalMs);
      due++;
    }
    if (due < total) setTimeout(tick, Math.max(0, start + due * intervalMs - performance.now()));
    else if (outstanding === 0) done();
  };
  setTimeout(tick, start - performance.now());
  const inTime = (ms: number) =>
    Promise.race([
      finished.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), end - performance.now() + ms)),
    ]);
  const drained = await inTime(DRAIN_MS);
  closed = true;
  const late = measuredDue - answered - errors;
  if (!drained && !(await inTime(SETTLE_MS)))
    throw new Error(`${outstanding} calls unanswered a minute after the run`);
  clearTimeout(warmedUp);
  const elapsedMs = options.durationMs;
  return {
    ops: histogram.count,
    errors,
    non2xx: 0,
    firstError: firstError ?? (drained ? null : "calls still unanswered after the drain"),
    elapsedMs,
    opsPerSec: histogram.count / (elapsedMs / 1000),
    latencyMs: {
      p50: histogram.quantile(0.5),
      p90: histogram.quantile(0.9),
      p99: histogram.quantile(0.99),
      mean: histogram.mean,
      max: histogram.max,
    },
    bytesPerResponse: null,
    rate: options.rate,
    unanswered: dropped + late,
    sendLagMs: { p99: lag.quantile(0.99), max: lag.max },
  };
}

/**
 * An HTTP GET of `requests[i % length]` on `origin` over keep-alive connections (at most
 * `connections`; beyond them requests wait in the agent, still timed from their due time).
 * Resolves on a 2xx answer read to its end, rejects on anything else.
 */
export function httpCaller(origin: string, requests: HttpRequest[], connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const call = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const { path, headers } = requests[i % requests.length]!;
      const request = http.get(`${origin}${path}`, { agent, headers }, (response) => {
        response.on("data", () => {});
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status}`));
        });
        response.on("error", reject);
      });
      request.on("error", reject);
    });
  return { call, close: () => agent.destroy() };
}
