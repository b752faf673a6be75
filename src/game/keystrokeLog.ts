/**
 * The keystroke log of one race result, kept for replays and fair-play audits, and stored in
 * PostgreSQL as `bytea`.
 *
 * Format (version `KEYSTROKE_LOG_FORMAT_VERSION`): the entries one after another, with no header
 * and no padding. The version is not inside the bytes; it is stored next to them. Each entry is:
 *
 * 1. the time since the previous entry (for the first entry: since the race started), in whole
 *    milliseconds, as an unsigned LEB128 varint: 7 bits per byte, least significant group first,
 *    the high bit set on every byte but the last. At most 5 bytes, since times fit in 32 bits.
 * 2. the key: the single byte 0x08 for Backspace, otherwise the UTF-8 encoding of the character,
 *    1 to 3 bytes since a key is a single UTF-16 code unit (never a surrogate). 0x08 cannot be the
 *    UTF-8 of a key because control characters are not keys.
 *
 * Times given to `record` are normalised before they are stored, because the format holds
 * unsigned whole-millisecond deltas: a time is rounded to the nearest millisecond, a negative or
 * NaN time counts as 0, a time before the previous entry's counts as equal to it (so the times of
 * a log never decrease), and a time past 2^32 − 1 ms (about 49 days) counts as 2^32 − 1.
 */
import { BACKSPACE, type Key, parseKey } from "./keys.ts";

export const KEYSTROKE_LOG_FORMAT_VERSION = 1;

const BACKSPACE_BYTE = 0x08;
const MAX_TIME_MS = 0xffff_ffff;
// The longest entry: a 5-byte varint and a 3-byte character.
const MAX_ENTRY_BYTES = 8;
const INITIAL_ENTRIES = 256;
const INITIAL_BYTES = INITIAL_ENTRIES * 2;

export interface LoggedKey {
  key: Key;
  /** Milliseconds since the race started. */
  at: number;
}

/**
 * A race's keystrokes, buffered in memory while the race runs. Recording a key allocates nothing
 * but, now and then, a buffer of twice the size when one is full.
 */
export class KeystrokeLog {
  #bytes = new Uint8Array(INITIAL_BYTES);
  #byteLength = 0;
  #times = new Uint32Array(INITIAL_ENTRIES);
  #length = 0;

  /** Appends `key`, pressed `msSinceStart` after the race started. `key` must come from `parseKey`. */
  record(key: Key, msSinceStart: number): void {
    const previous = this.#length === 0 ? 0 : this.#times[this.#length - 1]!;
    const at = Math.max(previous, Math.min(Math.round(msSinceStart) || 0, MAX_TIME_MS));

    if (this.#length === this.#times.length) {
      const times = new Uint32Array(this.#times.length * 2);
      times.set(this.#times);
      this.#times = times;
    }
    this.#times[this.#length++] = at;

    if (this.#byteLength + MAX_ENTRY_BYTES > this.#bytes.length) {
      const bytes = new Uint8Array(this.#bytes.length * 2);
      bytes.set(this.#bytes);
      this.#bytes = bytes;
    }
    const bytes = this.#bytes;
    let i = this.#byteLength;
    let delta = at - previous;
    while (delta >= 0x80) {
      bytes[i++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    bytes[i++] = delta;

    const code = key === BACKSPACE ? BACKSPACE_BYTE : key.charCodeAt(0);
    if (code < 0x80) {
      bytes[i++] = code;
    } else if (code < 0x800) {
      bytes[i++] = 0xc0 | (code >> 6);
      bytes[i++] = 0x80 | (code & 0x3f);
    } else {
      bytes[i++] = 0xe0 | (code >> 12);
      bytes[i++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[i++] = 0x80 | (code & 0x3f);
    }
    this.#byteLength = i;
  }

  /** The number of recorded keys. */
  get length(): number {
    return this.#length;
  }

  /** The log in its stored format: a copy of the bytes written so far. */
  encode(): Uint8Array {
    return this.#bytes.slice(0, this.#byteLength);
  }

  /**
   * The normalised times (ms since start, never decreasing) of the keys recorded so far, as a view
   * without copying. Later records do not change what the view shows.
   */
  times(): Uint32Array {
    return this.#times.subarray(0, this.#length);
  }
}

/** The entries of a stored log. Throws an Error naming the byte offset when `bytes` is malformed. */
export function decodeKeystrokeLog(bytes: Uint8Array): LoggedKey[] {
  const entries: LoggedKey[] = [];
  let at = 0;
  let i = 0;
  while (i < bytes.length) {
    const entryStart = i;
    let delta = 0;
    let scale = 1;
    for (;;) {
      if (i >= bytes.length) throw malformed("truncated time", entryStart);
      if (scale > 0x80 ** 4) throw malformed("time longer than 5 bytes", entryStart);
      const byte = bytes[i++]!;
      delta += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
    at += delta;
    if (at > MAX_TIME_MS) throw malformed("time past 2^32 - 1 ms", entryStart);

    if (i >= bytes.length) throw malformed("missing key", entryStart);
    const lead = bytes[i++]!;
    let key: Key | null;
    if (lead === BACKSPACE_BYTE) {
      key = BACKSPACE;
    } else {
      let code: number;
      let continuations: number;
      let minimum: number;
      if (lead < 0x80) {
        code = lead;
        continuations = 0;
        minimum = 0;
      } else if (lead >= 0xc0 && lead < 0xe0) {
        code = lead & 0x1f;
        continuations = 1;
        minimum = 0x80;
      } else if (lead >= 0xe0 && lead < 0xf0) {
        code = lead & 0x0f;
        continuations = 2;
        minimum = 0x800;
      } else {
        throw malformed(`byte 0x${lead.toString(16)} cannot start a key`, i - 1);
      }
      for (let c = 0; c < continuations; c++) {
        const next = bytes[i];
        if (next === undefined) throw malformed("truncated key", entryStart);
        if ((next & 0xc0) !== 0x80) throw malformed("invalid UTF-8 in key", i);
        code = (code << 6) | (next & 0x3f);
        i++;
      }
      // Overlong encodings, surrogates and control characters are not what `record` writes.
      key = code < minimum ? null : parseKey(String.fromCharCode(code));
    }
    if (key === null) throw malformed("not a valid key", entryStart);
    entries.push({ key, at });
  }
  return entries;
}

function malformed(problem: string, offset: number): Error {
  return new Error(`Malformed keystroke log: ${problem} (entry at byte ${offset})`);
}
