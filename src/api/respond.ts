import type { Response } from "express";
import type { ApiEnvelope } from "../protocol.ts";

export function sendData<T>(res: Response, status: number, data: T): void {
  sendSerialized(res, status, serializedData(data));
}

/** The body sendData sends, for a response made once and sent again. */
export function serializedData<T>(data: T): string {
  return JSON.stringify({ ok: true, data } satisfies ApiEnvelope<T>);
}

export function sendSerialized(res: Response, status: number, body: string): void {
  res.status(status).type("json").send(body);
}
