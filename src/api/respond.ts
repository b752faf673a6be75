import type { Response } from "express";
import type { ApiEnvelope } from "../protocol.ts";

export function sendData<T>(res: Response, status: number, data: T): void {
  res.status(status).json({ ok: true, data } satisfies ApiEnvelope<T>);
}
