/**
 * The keys a person would press to type a race text: about 10 keys a second with jitter, a typo now
 * and then (sometimes noticed one letter later), erased with Backspace and typed again. It tracks the
 * cursor exactly as the server's typing engine does (src/game/typingEngine.ts: `charIndex` is the
 * length of the current word's input, a space submits the word), so every key it sends moves the
 * cursor and the position after each key is known to whoever measures latency.
 *
 * A racer never finishes: on the last-but-one word, once typed, it keeps adding a stray letter and
 * erasing it. The load then stays the same however long a measurement runs.
 */
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const BACKSPACE = "Backspace";

export interface TypistOptions {
  /** mean time between keys */
  meanIntervalMs: number;
  /** chance that a letter comes out wrong */
  typoRate: number;
}

const HUMAN: TypistOptions = { meanIntervalMs: 100, typoRate: 0.04 };

export class HumanTypist {
  readonly #words: readonly string[];
  readonly #random: () => number;
  readonly #options: TypistOptions;
  /** keys decided but not sent yet, with the extra pause before each */
  readonly #planned: Array<{ key: string; pauseMs: number }> = [];
  wordIndex = 0;
  /** what has been typed in the current word; its length is the server's `charIndex` */
  input = "";

  constructor(words: readonly string[], random: () => number = Math.random, options: TypistOptions = HUMAN) {
    if (words.length < 2) throw new RangeError("a bench race needs at least two words");
    this.#words = words;
    this.#random = random;
    this.#options = options;
  }

  get charIndex(): number {
    return this.input.length;
  }

  /** The next key to press and how long to wait before pressing it; the cursor moves at once. */
  next(): { key: string; delayMs: number } {
    if (this.#planned.length === 0) this.#plan();
    const { key, pauseMs } = this.#planned.shift()!;
    this.#apply(key);
    // Roughly normal around the mean (sum of three uniforms), never below 40 % of it.
    const spread = (this.#random() + this.#random() + this.#random() - 1.5) * 0.5;
    const delayMs = Math.max(0.4, 1 + spread) * this.#options.meanIntervalMs + pauseMs;
    return { key, delayMs };
  }

  #plan(): void {
    const word = this.#words[this.wordIndex]!;
    const typed = this.input.length;
    const holding = this.wordIndex >= this.#words.length - 2;
    if (typed >= word.length) {
      // Word done: submit it, or (near the end) fidget without ever finishing.
      if (!holding) this.#planned.push({ key: " ", pauseMs: 0 });
      else this.#planned.push({ key: this.#letterOtherThan(""), pauseMs: 0 }, { key: BACKSPACE, pauseMs: 0 });
      return;
    }
    const target = word[typed]!;
    if (this.#random() >= this.#options.typoRate) {
      this.#planned.push({ key: target, pauseMs: 0 });
      return;
    }
    // A typo; half the time the next letter goes out before the typist notices.
    const keys = [this.#letterOtherThan(target)];
    const next = word[typed + 1];
    if (next !== undefined && this.#random() < 0.5) keys.push(next);
    this.#planned.push(...keys.map((key) => ({ key, pauseMs: 0 })));
    // Noticing takes a moment; then erase what was typed since the mistake and type it again.
    keys.forEach((_, i) => {
      this.#planned.push({ key: BACKSPACE, pauseMs: i === 0 ? this.#options.meanIntervalMs * 1.5 : 0 });
    });
    this.#planned.push({ key: target, pauseMs: 0 });
  }

  #apply(key: string): void {
    if (key === BACKSPACE) this.input = this.input.slice(0, -1);
    else if (key === " ") {
      this.wordIndex++;
      this.input = "";
    } else this.input += key;
  }

  #letterOtherThan(letter: string): string {
    for (;;) {
      const candidate = LETTERS[Math.floor(this.#random() * LETTERS.length)]!;
      if (candidate !== letter) return candidate;
    }
  }
}
