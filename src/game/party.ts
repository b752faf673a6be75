/**
 * A private room's rules, with no sockets: who is in it and in what order they came, who is host,
 * its settings, and whether its race is on. The first player in is host (the one who made it); the
 * host starts races and changes the settings; when the host leaves, the player present longest
 * takes over. A race starts with everyone in the room
 * (alone, it is practice); players who come in during a race wait for the next one. The host may
 * set a ghost: a stored finished result, whose text the room's races are then on, and whose keys
 * the server types again in each of them. The room itself (src/rooms/PrivateRoom.ts) is transport
 * over it.
 */
import {
  type GhostChoice,
  INVITE_CODE_ALPHABET,
  INVITE_CODE_LENGTH,
  PRIVATE_ROOM_PLAYERS,
  type RoomErrorCode,
  type SettingsMessage,
} from "../protocol.ts";

export interface Member {
  id: string;
  name: string;
}

export interface PartySettings {
  words: number;
  maxPlayers: number;
  /** the stored result the room races against; null: none */
  ghost: GhostChoice | null;
}

/** A stored result, as far as a ghost needs: whether it finished. */
export interface StoredRun {
  rank: number | null;
}

/** A ghost is a finished result: one that did not finish has no race to the end to show. */
export function canBeGhost(run: StoredRun | undefined): boolean {
  return run !== undefined && run.rank !== null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refusal, as the room error code the client hears. */
export type PartyRefusal = Extract<RoomErrorCode, "NOT_HOST" | "INVALID_SETTINGS" | "ALREADY_RACING">;

/** An invite code: INVITE_CODE_LENGTH characters of INVITE_CODE_ALPHABET. `random` is in [0, 1). */
export function inviteCode(random: () => number): string {
  let code = "";
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) {
    code += INVITE_CODE_ALPHABET[Math.floor(random() * INVITE_CODE_ALPHABET.length)];
  }
  return code;
}

/** Whether `value` could be an invite code (its form only). */
export function isInviteCode(value: string): boolean {
  if (value.length !== INVITE_CODE_LENGTH) return false;
  for (const char of value) if (!INVITE_CODE_ALPHABET.includes(char)) return false;
  return true;
}

/**
 * Settings a client asks for, checked: a length among `lengths`, players in range, a ghost of the
 * form `{ gameId, userId }` (two uuids) or null, no other field. Missing fields keep `current`'s.
 * Undefined when anything is wrong (nothing changes then). Whether the ghost's race exists is the
 * room's to find out.
 */
export function settingsFrom(
  asked: unknown,
  current: PartySettings,
  lengths: readonly number[],
): PartySettings | undefined {
  if (!isRecord(asked)) return undefined;
  const { words, maxPlayers, ghost, ...extra } = asked as SettingsMessage;
  if (Object.keys(extra).length > 0) return undefined;
  if (ghost !== undefined && ghost !== null && !isGhostChoice(ghost)) return undefined;
  if (words !== undefined && !(lengths as readonly unknown[]).includes(words)) return undefined;
  if (
    maxPlayers !== undefined &&
    !(
      Number.isInteger(maxPlayers) &&
      maxPlayers >= PRIVATE_ROOM_PLAYERS.min &&
      maxPlayers <= PRIVATE_ROOM_PLAYERS.max
    )
  ) {
    return undefined;
  }
  return {
    words: words ?? current.words,
    maxPlayers: maxPlayers ?? current.maxPlayers,
    ghost: ghost === undefined ? current.ghost : ghost && { gameId: ghost.gameId, userId: ghost.userId },
  };
}

function isGhostChoice(value: unknown): value is GhostChoice {
  if (!isRecord(value)) return false;
  const { gameId, userId, ...extra } = value as Partial<GhostChoice>;
  return (
    Object.keys(extra).length === 0 &&
    typeof gameId === "string" &&
    UUID.test(gameId) &&
    typeof userId === "string" &&
    UUID.test(userId)
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export class Party {
  /** in the order they came: the first is the host's successor of last resort */
  readonly #members = new Map<string, Member>();
  readonly #lengths: readonly number[];
  #hostId = "";
  #settings: PartySettings;
  #racing = false;
  #gameId = "";
  #lastGameId = "";

  /** `lengths`: the race lengths the settings may ask for. */
  constructor(settings: PartySettings, lengths: readonly number[]) {
    this.#settings = settings;
    this.#lengths = lengths;
  }

  /** "" while the room is empty */
  get hostId(): string {
    return this.#hostId;
  }

  get settings(): PartySettings {
    return this.#settings;
  }

  get racing(): boolean {
    return this.#racing;
  }

  get lastGameId(): string {
    return this.#lastGameId;
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  has(id: string): boolean {
    return this.#members.has(id);
  }

  /** Whether one more player fits (a player already in always does: it is them again). */
  hasRoomFor(id: string): boolean {
    return this.#members.has(id) || this.#members.size < this.#settings.maxPlayers;
  }

  /** A player comes in (again: their place is kept); into an empty room, as its host. */
  join(member: Member): void {
    if (!this.#members.has(member.id)) this.#members.set(member.id, member);
    if (this.#hostId === "") this.#hostId = member.id;
  }

  /** A player leaves for good; a host leaving hands over to the player present longest. */
  leave(id: string): void {
    if (!this.#members.delete(id) || id !== this.#hostId) return;
    const next = this.#members.keys().next();
    this.#hostId = next.done ? "" : next.value;
  }

  get empty(): boolean {
    return this.#members.size === 0;
  }

  /** The settings the host asks for, checked but not taken; or why not. */
  checkSettings(by: string, asked: unknown): PartySettings | PartyRefusal {
    if (by !== this.#hostId) return "NOT_HOST";
    const settings = settingsFrom(asked, this.#settings, this.#lengths);
    if (!settings || settings.maxPlayers < this.#members.size) return "INVALID_SETTINGS";
    return settings;
  }

  /**
   * The host changes the settings; anyone else, or settings out of range, change nothing. A new
   * ghost must have been found a finished result (`canBeGhost`) first.
   */
  changeSettings(by: string, asked: unknown): PartyRefusal | undefined {
    const settings = this.checkSettings(by, asked);
    if (typeof settings === "string") return settings;
    this.#settings = settings;
    return undefined;
  }

  /** The host starts a race (with everyone connected: the room knows who is); or why not. */
  start(by: string): PartyRefusal | undefined {
    if (by !== this.#hostId) return "NOT_HOST";
    if (this.#racing) return "ALREADY_RACING";
    this.#racing = true;
    return undefined;
  }

  /** The race the start asked for is created: the one whose end reopens the room. */
  raceStarted(gameId: string): void {
    this.#gameId = gameId;
  }

  /** The race could not be created after all: the room is open again. */
  startFailed(): void {
    this.#racing = false;
  }

  /** A race is over: when it is the room's race, the room is open for the next one (a rematch). */
  raceEnded(gameId: string): boolean {
    if (!this.#racing || gameId !== this.#gameId) return false;
    this.#racing = false;
    this.#lastGameId = gameId;
    return true;
  }
}
