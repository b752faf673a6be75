/**
 * Closed-loop load at a fixed concurrency, timed the same way for the three paths the API bench
 * compares: HTTP requests (autocannon's connections) and in-process calls of the read functions
 * (async callers in this process). Each caller sends its next request as soon as the previous one
 * is answered, so the latencies include the queueing behind the connection pool, as a real
 * server's do; by Little's law the mean latency is about concurrency / throughput.
 *
 * A run is one stretch of load: a warm-up, then the measured part, the same connections and
 * callers throughout. Only what is sent after the warm-up counts. Opening 100 connections at once
 * delays the first answer on many of them (as much with a bare node:http server): the warm-up
 * takes that, which is not the steady state.
 */
import autocannon from "autocannon";
import PipelinedRequestsQueue from "autocannon/lib/pipelinedRequestsQueue.js";
import { Histogram } from "../metrics/histogram.ts";

// autocannon appends every chunk of a body to a string (`body += chunk`), a UTF-8 decode per
// chunk: for a gzipped body that made the generator, not the server, the limit (1,400 answers/s
// of the heaviest graph, the server a third busy). The bench never reads a body: none is kept.
PipelinedRequestsQueue.prototype.addBody = () => {};

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** called when the warm-up ends and the measured part begins */
  measuring?: () => void;
}

export interface LoadResult {
  /** answered without error (HTTP: 2xx) */
  ops: number;
  /** thrown errors; for HTTP also socket errors and timeouts */
  errors: number;
  /** HTTP answers other than 2xx */
  non2xx: number;
  firstError: string | null;
  elapsedMs: number;
  opsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** HTTP only: mean size of a measured response, headers included */
  bytesPerResponse: number | null;
}

function result(
  histogram: Histogram,
  elapsedMs: number,
  failures: Pick<LoadResult, "errors" | "non2xx" | "firstError" | "bytesPerResponse">,
): LoadResult {
  return {
    ops: histogram.count,
    ...failures,
    elapsedMs,
    opsPerSec: histogram.count / (elapsedMs / 1000),
    latencyMs: {
      p50: histogram.quantile(0.5),
      p90: histogram.quantile(0.9),
      p99: histogram.quantile(0.99),
      mean: histogram.mean,
      max: histogram.max,
    },
  };
}

/** `concurrency` callers each calling `call(i)` (i counting calls across all of them) in a loop. */
export async function closedLoop(
  call: (i: number) => Promise<unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  const histogram = new Histogram();
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const from = performance.now() + options.warmupMs;
  const end = from + options.durationMs;
  const warmedUp = setTimeout(() => options.measuring?.(), options.warmupMs);
  const caller = async () => {
    for (let sent = performance.now(); sent < end; sent = performance.now()) {
      const i = next++;
      try {
        await call(i);
        if (sent >= from) histogram.record(performance.now() - sent);
      } catch (error) {
        if (sent >= from) errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  clearTimeout(warmedUp);
  return result(histogram, performance.now() - from, {
    errors,
    non2xx: 0,
    firstError,
    bytesPerResponse: null,
  });
}

/**
 * autocannon's `concurrency` keep-alive connections to `origin`, sending `requests` in turn (one
 * sequence shared by all connections, so that they spread over the requests rather than step
 * through them together). Latencies are taken from autocannon's per-response times (fractional ms) into
 * the bench's histogram: its own is in whole milliseconds.
 */
export interface HttpRequest {
  path: string;
  headers?: Record<string, string>;
}

export async function httpLoad(
  origin: string,
  requests: HttpRequest[],
  options: LoadOptions,
): Promise<LoadResult> {
  const histogram = new Histogram();
  let next = 0;
  let non2xx = 0;
  let bytes = 0;
  let firstError: string | null = null;
  const from = performance.now() + options.warmupMs;
  const warmedUp = setTimeout(() => options.measuring?.(), options.warmupMs);
  const instance = autocannon({
    url: origin,
    connections: options.concurrency,
    duration: (options.warmupMs + options.durationMs) / 1000,
    requests: [
      { method: "GET", setupRequest: (request) => ({ ...request, ...requests[next++ % requests.length] }) },
    ],
  });
  instance.on("response", (_client, statusCode, responseBytes, responseTimeMs) => {
    if (performance.now() - responseTimeMs < from) return;
    bytes += responseBytes;
    if (statusCode >= 200 && statusCode < 300) histogram.record(responseTimeMs);
    else {
      non2xx++;
      firstError ??= `HTTP ${statusCode}`;
    }
  });
  let errors = 0;
  // socket errors and timeouts (autocannon counts a timeout as an error)
  instance.on("reqError", (error: Error) => {
    if (performance.now() >= from) errors++;
    firstError ??= String(error);
  });
  await instance;
  clearTimeout(warmedUp);
  return result(histogram, performance.now() - from, {
    errors,
    non2xx,
    firstError,
    bytesPerResponse: bytes / Math.max(1, histogram.count + non2xx),
  });
}
