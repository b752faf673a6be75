import { createHash } from "node:crypto";
import type { Response } from "express";
import type { ApiEnvelope } from "../protocol.ts";

export function sendData<T>(res: Response, status: number, data: T): void {
  res.status(status).json(envelope(data));
}

/** A response body made once and sent again: its bytes and their ETag, both computed once. */
export interface PreparedBody {
  bytes: Buffer;
  etag: string;
}

/** What sendData would send, prepared for sendPrepared. */
export function preparedData<T>(data: T): PreparedBody {
  return preparedJson(envelope(data));
}

/** Any JSON value, prepared for sendPrepared: the API's OpenAPI document is not in the envelope. */
export function preparedJson(value: unknown): PreparedBody {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, etag: `"${createHash("sha1").update(bytes).digest("base64url")}"` };
}

/** The ETag is set here, so Express does not hash the body again; it still answers 304 to a match. */
export function sendPrepared(res: Response, status: number, body: PreparedBody): void {
  res.status(status).type("json").set("ETag", body.etag).send(body.bytes);
}

const envelope = <T>(data: T): ApiEnvelope<T> => ({ ok: true, data });

/** A row whose finish time goes out as an ISO string, as every response's times do. */
export const withIsoTime = <T extends { finishedAt: Date }>(row: T) => ({
  ...row,
  finishedAt: row.finishedAt.toISOString(),
});
