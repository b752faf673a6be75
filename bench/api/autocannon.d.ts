/**
 * The part of autocannon (a CommonJS package without types of its own) that bench/api/ uses; the
 * full typings are the separate @types/autocannon, not worth a dependency for this much.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    /** called for every request when present: answers the request to send */
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** seconds */
    duration?: number;
    /** seconds */
    timeout?: number;
    requests?: AutocannonRequest[];
  }

  export interface AutocannonResult {
    /** seconds */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { average: number; total: number; sent: number };
    /** whole milliseconds: too coarse for this bench, which times each response itself */
    latency: { p50: number; p99: number; max: number };
  }

  export interface AutocannonInstance extends EventEmitter, PromiseLike<AutocannonResult> {
    /** (client, statusCode, bytes, responseTimeMs) for every response, its time in fractional ms */
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
    /** a socket error, or a timeout (also counted in `errors`) */
    on(event: "reqError", listener: (error: Error) => void): this;
  }

  export default function autocannon(options: AutocannonOptions): AutocannonInstance;
}

/** Where autocannon keeps each response's body while it arrives (bench/api/load.ts stops that). */
declare module "autocannon/lib/pipelinedRequestsQueue.js" {
  export default class PipelinedRequestsQueue {
    addBody(data: Buffer): void;
  }
}
