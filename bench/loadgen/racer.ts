/**
 * One simulated player of a race, whatever the system: it types like a person (HumanTypist), stamps
 * every key it sends, and, as an opponent of the other racers in its room, turns what it sees of them
 * into keystroke -> opponent latencies.
 */
import { Histogram } from "../metrics/histogram.ts";
import { HumanTypist } from "./humanTypist.ts";
import { OpponentView, SentKeys } from "./keyLatency.ts";

/** What all the racers of one generator process add up, per measurement window. */
export class Tally {
  keysSent = 0;
  messagesReceived = 0;
  /** `error` room messages: a key the server rejected (there should be none) */
  rejections = 0;
  /** connections lost or closed by the server while racing */
  disconnects = 0;
  latencies = new Histogram();

  reset(): void {
    this.keysSent = 0;
    this.messagesReceived = 0;
    this.rejections = 0;
    this.disconnects = 0;
    this.latencies = new Histogram();
  }
}

/** Every racer of this process by the id its opponents see in state or in relayed messages. */
export type RacerRegistry = Map<string, Racer>;

export class Racer {
  playerId = "";
  readonly keys = new SentKeys();
  readonly #registry: RacerRegistry;
  readonly #tally: Tally;
  /** null: an opponent driven by another process, not measurable here */
  readonly #views = new Map<string, OpponentView | null>();
  #typist: HumanTypist | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(registry: RacerRegistry, tally: Tally) {
    this.#registry = registry;
    this.#tally = tally;
  }

  get typing(): boolean {
    return this.#typist !== undefined && !this.#stopped;
  }

  register(playerId: string): void {
    this.playerId = playerId;
    this.#registry.set(playerId, this);
  }

  /** Starts measuring what this racer sees of `opponent` from now on. */
  watch(opponent: Racer): void {
    if (opponent !== this) this.#views.set(opponent.playerId, new OpponentView(opponent.keys));
  }

  /** An opponent's cursor, as this racer's decoded state shows it now. */
  seePosition(opponentId: string, wordIndex: number, charIndex: number, now: number): void {
    let view = this.#views.get(opponentId);
    if (view === undefined) {
      const opponent = this.#registry.get(opponentId);
      view = opponent ? new OpponentView(opponent.keys) : null;
      this.#views.set(opponentId, view);
    }
    view?.observePosition(wordIndex, charIndex, now, this.#tally.latencies);
  }

  /** An opponent's next key, relayed as its own message (naive baseline). */
  seeRelayedKey(opponentId: string, now: number): void {
    this.#views.get(opponentId)?.observeNextKey(now, this.#tally.latencies);
  }

  /** Types `words` with `send`, from `startAt` (epoch ms) plus up to one key's worth of jitter. */
  startTyping(words: readonly string[], send: (key: string) => void, startAt = Date.now()): void {
    const typist = new HumanTypist(words);
    this.#typist = typist;
    const press = () => {
      if (this.#stopped) return;
      const { key, delayMs } = typist.next();
      this.keys.record(typist.wordIndex, typist.charIndex, performance.now());
      send(key);
      this.#tally.keysSent++;
      this.#timer = setTimeout(press, delayMs);
    };
    this.#timer = setTimeout(press, Math.max(0, startAt - Date.now()) + Math.random() * 100);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#registry.delete(this.playerId);
  }
}
