/**
 * Spectators take the state's patches merged, a few at a time: every patch is one write to every
 * socket, and a watched race has far more spectators than racers, so their writes would be most of
 * what the race costs. Upstream: Colyseus 0.18 has one patch rate for a whole room, and sends each
 * patch to every client through `client.raw(bytes)` (SchemaSerializer#applyPatches: the same bytes
 * for all, encoded again at the next patch). So a spectator's `raw` is wrapped: its patches are held,
 * copied once for all spectators, and go out together at each `flush()`, as one patch. That one patch
 * is decoded as the held ones in turn: @colyseus/schema decodes operations until the frame ends, and
 * each patch after the first starts again from the root (see ROOT). test/colyseus/spectatorPatches.test.ts
 * fails if either changes.
 */
import { type Client, Protocol } from "@colyseus/core";

/**
 * SWITCH_TO_STRUCTURE (255, not exported by @colyseus/schema) to refId 0, the root: an encoded patch
 * leaves it out when its first change is the root's, since decoding starts there.
 */
const ROOT = Uint8Array.of(255, 0);

/** Patches (each framed, its first byte ROOM_STATE_PATCH) as one patch that decodes as all of them. */
export function mergePatches(patches: readonly Uint8Array[]): Uint8Array {
  if (patches.length === 1) return patches[0]!;
  const length =
    patches.reduce((total, patch) => total + patch.length - 1, 1) + ROOT.length * (patches.length - 1);
  const merged = new Uint8Array(length);
  merged[0] = Protocol.ROOM_STATE_PATCH;
  let offset = 1;
  patches.forEach((patch, i) => {
    if (i > 0) {
      merged.set(ROOT, offset);
      offset += ROOT.length;
    }
    merged.set(patch.subarray(1), offset);
    offset += patch.length - 1;
  });
  return merged;
}

interface Watcher {
  send: Client["raw"];
  /** the first held patch this spectator has not had; undefined until a patch comes after its join */
  from: number | undefined;
}

/** One room's spectators and the patches held for them. */
export class SpectatorPatches {
  #held: Uint8Array[] = [];
  /** the bytes of the last patch held, as Colyseus hands them to each client in turn */
  #lastPatch: Uint8Array | undefined;
  readonly #watchers = new Map<Client, Watcher>();

  /** From now on `client` takes its patches at each flush; everything else it is sent goes at once. */
  watch(client: Client): void {
    const watcher: Watcher = { send: client.raw.bind(client), from: undefined };
    this.#watchers.set(client, watcher);
    client.raw = (data, options, cb) => {
      if (data[0] !== Protocol.ROOM_STATE_PATCH) return watcher.send(data, options, cb);
      if (data !== this.#lastPatch) {
        // Colyseus writes the next patch over these bytes.
        this.#held.push(new Uint8Array(data));
        this.#lastPatch = data;
      }
      watcher.from ??= this.#held.length - 1;
    };
  }

  forget(client: Client): void {
    this.#watchers.delete(client);
  }

  /** Sends each spectator the patches held since it last had one, as one patch. */
  flush(): void {
    if (this.#held.length === 0) return;
    const merged = new Map<number, Uint8Array>();
    for (const watcher of this.#watchers.values()) {
      if (watcher.from === undefined) continue;
      let patch = merged.get(watcher.from);
      if (!patch) {
        patch = mergePatches(this.#held.slice(watcher.from));
        merged.set(watcher.from, patch);
      }
      watcher.send(patch);
      watcher.from = undefined;
    }
    this.#held = [];
    this.#lastPatch = undefined;
  }
}
