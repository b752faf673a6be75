/**
 * A race's spectators: how many it takes, who they are, and the patches they are sent. Every patch
 * is a write to each socket, so a crowd takes, all together, about as many patches as the racers:
 * up to SPECTATORS_PER_PATCH spectators take every patch, more take every n-th one, the patches in
 * between merged into it (src/colyseus/spectatorPatches.ts). A crowd sees the race move less often
 * rather than cost it a write each at every patch.
 */
import { type Client, ServerError } from "@colyseus/core";
import { SpectatorPatches } from "../colyseus/spectatorPatches.ts";
import { ApiErrorCode, RoomCloseCode, RoomErrorCode } from "../protocol.ts";

const SPECTATORS_PER_PATCH = 5;

/** What a spectator hears for any message it sends. */
export const SPECTATOR_REFUSAL = {
  code: RoomErrorCode.SPECTATOR,
  message: "spectators watch: they send nothing",
} as const;

export const spectatorsFull = () =>
  new ServerError(
    RoomCloseCode.FULL,
    `${ApiErrorCode.SPECTATORS_FULL}: this race has as many spectators as it takes; try another`,
  );

export class RaceSpectators {
  readonly #clients = new Set<Client>();
  readonly #patches = new SpectatorPatches();
  readonly #max: number;
  #patchesSinceSent = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get count(): number {
    return this.#clients.size;
  }

  has(client: Client): boolean {
    return this.#clients.has(client);
  }

  admits(): boolean {
    return this.#clients.size < this.#max;
  }

  /** A spectator joins; past the limit (several admitted at once), a SPECTATORS_FULL refusal. */
  add(client: Client): void {
    if (!this.admits()) throw spectatorsFull();
    this.#clients.add(client);
    this.#patches.watch(client);
  }

  /** Whether `client` was a spectator (and is no more). */
  remove(client: Client): boolean {
    if (!this.#clients.delete(client)) return false;
    this.#patches.forget(client);
    return true;
  }

  /** Before each patch: every n-th time, spectators take the patches held for them. */
  beforePatch(): void {
    const every = Math.ceil(this.#clients.size / SPECTATORS_PER_PATCH);
    if (++this.#patchesSinceSent < every) return;
    this.#patchesSinceSent = 0;
    this.#patches.flush();
  }
}
