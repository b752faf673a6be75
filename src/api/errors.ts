import { ApiErrorCode } from "../protocol.ts";

/** An error the API answers with its own status and stable code (mapped in src/api/app.ts). */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: unknown;

  constructor(status: number, code: ApiErrorCode, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (message = "no such route") => new ApiError(404, ApiErrorCode.NOT_FOUND, message);
