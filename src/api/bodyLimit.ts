/**
 * Every route of this server takes small JSON or nothing, so a larger body is refused before a byte
 * of it is read, and the connection closed rather than drained: a client announcing hundreds of
 * megabytes costs the process nothing. A body of unknown length (chunked) could only be measured by
 * reading it, so it needs a Content-Length too.
 */
import type { RequestHandler } from "express";
import { ApiErrorCode } from "../protocol.ts";
import { ApiError } from "./errors.ts";

export const MAX_BODY_BYTES = 16 * 1024;

export const bodyLimit: RequestHandler = (req, res, next) => {
  const length = req.headers["content-length"];
  if (length === undefined && req.headers["transfer-encoding"] === undefined) return next();
  if (length === undefined || !/^\d+$/.test(length)) {
    res.setHeader("Connection", "close");
    throw new ApiError(411, ApiErrorCode.LENGTH_REQUIRED, "send the body with a Content-Length");
  }
  if (Number(length) > MAX_BODY_BYTES) {
    res.setHeader("Connection", "close");
    throw new ApiError(
      413,
      ApiErrorCode.PAYLOAD_TOO_LARGE,
      `the body is larger than ${MAX_BODY_BYTES / 1024} KB`,
    );
  }
  next();
};
