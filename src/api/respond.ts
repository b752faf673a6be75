import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { crc32, deflateRaw, gzip, gzipSync, constants as zlibConstants } from "node:zlib";
import type { Request, Response } from "express";
import { LRUCache } from "lru-cache";
import type { ApiEnvelope } from "../protocol.ts";

export function sendData<T>(res: Response, status: number, data: T): void {
  res.status(status).json(envelope(data));
}

/** A response body made once and sent again: its bytes and their ETag, both computed once. */
export interface PreparedBody {
  bytes: Buffer;
  etag: string;
  /** the same JSON gzipped, with its own ETag (see `keptGzipped`) */
  gzip?: { bytes: Buffer; etag: string };
}

/** What sendData would send, prepared for sendPrepared. */
export function preparedData<T>(data: T): PreparedBody {
  return preparedJson(envelope(data));
}

/** Any JSON value, prepared for sendPrepared: the API's OpenAPI document is not in the envelope. */
export function preparedJson(value: unknown): PreparedBody {
  return preparedText(JSON.stringify(value));
}

function preparedText(json: string): PreparedBody {
  const bytes = Buffer.from(json);
  return { bytes, etag: `"${createHash("sha1").update(bytes).digest("base64url")}"` };
}

/** The envelope's JSON up to its data's field `last`, which is to come next: `{"ok":true,"data":{…,"last":`. */
function openingBefore<T>(data: T, last: string): string {
  const whole = JSON.stringify(envelope(data)); // …}} : the data's object, then the envelope's
  return `${whole.slice(0, -2)}${whole.endsWith("{}}") ? "" : ","}${JSON.stringify(last)}:`;
}

/**
 * What sendData would send for `data` with its field `last` added last, given as JSON text made
 * elsewhere (by PostgreSQL: a history page), so that nothing parses it only to write it out again.
 */
export function preparedWithJsonLast<T, K extends keyof T & string>(
  data: Omit<T, K>,
  last: K,
  json: string,
): PreparedBody {
  return preparedText(`${openingBefore(data, last)}${json}}}`);
}

/**
 * Bodies that differ only in their data's last field (a board with each caller's own place): what
 * comes before that field is serialized, hashed and, when large enough to gain, deflated once, and
 * each body then costs only the field's JSON and a hash of it, not the whole answer's. Its gzipped
 * form is that deflated part followed by the field's JSON as a stored (uncompressed) deflate block,
 * with the gzip trailer's CRC carried on from the part's: nothing is compressed per request.
 */
export async function preparedWithLast<T, K extends keyof T & string>(
  data: Omit<T, K>,
  last: K,
): Promise<(value: T[K]) => PreparedBody> {
  const head = Buffer.from(openingBefore(data, last));
  const headHash = createHash("sha1").update(head).digest();
  const gzipHead = head.length >= GZIP_FROM_BYTES ? await gzipOpening(head) : undefined;
  return (value) => {
    const tail = Buffer.from(`${JSON.stringify(value)}}}`);
    const etag = createHash("sha1").update(headHash).update(tail).digest("base64url");
    return {
      etag: `"${etag}"`,
      bytes: Buffer.concat([head, tail]),
      ...(gzipHead && { gzip: { etag: `"${etag}.gz"`, bytes: gzipClosing(gzipHead, tail) } }),
    };
  };
}

/** A gzip member's opening: its header and `head` deflated up to a byte boundary, not final. */
async function gzipOpening(head: Buffer) {
  const deflated = await deflatedRaw(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  // ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown.
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  return { bytes: Buffer.concat([header, deflated]), crc: crc32(head), length: head.length };
}

/** The member `opening` began, ending with `tail` in stored blocks and the trailer (CRC-32, size). */
function gzipClosing(opening: { bytes: Buffer; crc: number; length: number }, tail: Buffer): Buffer {
  const blocks: Buffer[] = [opening.bytes];
  for (let at = 0; at < tail.length || at === 0; at += STORED_BLOCK_MAX) {
    const chunk = tail.subarray(at, at + STORED_BLOCK_MAX);
    const header = Buffer.alloc(5);
    header[0] = at + STORED_BLOCK_MAX >= tail.length ? 1 : 0; // BFINAL, BTYPE 00: stored
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(header, chunk);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, opening.crc), 0);
  trailer.writeUInt32LE((opening.length + tail.length) % 2 ** 32, 4);
  blocks.push(trailer);
  return Buffer.concat(blocks);
}

/** A stored deflate block's largest length. */
const STORED_BLOCK_MAX = 0xffff;
const deflatedRaw = promisify(deflateRaw);

const gzippedOffThread = promisify(gzip);

/**
 * Below this size a body is gzipped on the main thread: the threadpool's round trip (a stream, its
 * buffers, the hand-over) costs the main thread more than compressing a few kilobytes does. Above
 * it, compressing would hold the event loop for a millisecond or more, so it goes to the threadpool.
 */
const GZIP_OFF_THREAD_FROM_BYTES = 16 * 1024;

const gzipped = async (bytes: Buffer): Promise<Buffer> =>
  bytes.length < GZIP_OFF_THREAD_FROM_BYTES ? gzipSync(bytes) : gzippedOffThread(bytes);

/**
 * Below this size gzip saves a browser next to nothing; above it, a kept answer (a graph of the last
 * 1000 races is 150 KB of JSON) shrinks to a third, for the network and for the server's writes.
 */
const GZIP_FROM_BYTES = 1024;

/**
 * `body` with its gzipped bytes, for an answer kept and sent many times: compressed once here, never
 * per request. Small bodies, and those gzipped already, are left as they are.
 */
export async function keptGzipped(body: PreparedBody): Promise<PreparedBody> {
  if (body.gzip || body.bytes.length < GZIP_FROM_BYTES) return body;
  const bytes = await gzipped(body.bytes);
  // Another representation of the same JSON: a strong ETag of its own.
  return { ...body, gzip: { bytes, etag: `${body.etag.slice(0, -1)}.gz"` } };
}

/**
 * The ETag is set here, so Express does not hash the body again; it still answers 304 to a match.
 * A body kept gzipped goes out gzipped to the clients that take it.
 *
 * Written in the event loop's check phase, once the requests that arrived with this one have been
 * read, as Redis writes its replies just before it waits again: a kept answer needs no I/O, and
 * written from within its request's read it interleaves the process's writes with its reads, and
 * each write then wakes a peer that had gone back to sleep (on the same host, a proxy or a client,
 * the writer pays for that wake-up).
 */
export function sendPrepared(res: Response, status: number, body: PreparedBody): void {
  setImmediate(writePrepared, res, status, body);
}

function writePrepared(res: Response, status: number, body: PreparedBody): void {
  res.status(status).type("json");
  const { gzip } = body;
  if (gzip) {
    res.vary("Accept-Encoding");
    if (takesGzip(res.req)) {
      res.set({ "Content-Encoding": "gzip", ETag: gzip.etag }).send(gzip.bytes);
      return;
    }
  }
  res.set("ETag", body.etag).send(body.bytes);
}

/** Whether the request takes gzip, by its Accept-Encoding: browsers send a few values, each read once. */
const gzipTakenBy = new LRUCache<string, boolean>({ max: 64 });
function takesGzip(req: Request): boolean {
  const accepted = req.headers["accept-encoding"];
  if (!accepted) return false;
  let takes = gzipTakenBy.get(accepted);
  if (takes === undefined) {
    takes = req.acceptsEncodings("gzip") === "gzip";
    gzipTakenBy.set(accepted, takes);
  }
  return takes;
}

/** A year, the longest a cache is asked to keep anything: for answers that never change. */
const FOR_GOOD = "public, max-age=31536000, immutable";

/**
 * An answer that never changes once it can be made (a race's replay): cached for good, and
 * gzipped for clients that take it (per request: a replay is read once or twice, not kept).
 * The ETag names the JSON, whichever encoding carries it: a weak one, as the bytes differ.
 */
export async function sendForGood(req: Request, res: Response, body: PreparedBody): Promise<void> {
  res
    .type("json")
    .set({ "Cache-Control": FOR_GOOD, ETag: `W/${body.etag}` })
    .vary("Accept-Encoding");
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (takesGzip(req)) {
    res.set("Content-Encoding", "gzip").send(await gzipped(body.bytes));
    return;
  }
  res.send(body.bytes);
}

const envelope = <T>(data: T): ApiEnvelope<T> => ({ ok: true, data });

/** A row whose finish time goes out as an ISO string, as every response's times do. */
export const withIsoTime = <T extends { finishedAt: Date }>(row: T) => ({
  ...row,
  finishedAt: row.finishedAt.toISOString(),
});
