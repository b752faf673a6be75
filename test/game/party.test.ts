import assert from "node:assert/strict";
import {
  canBeGhost,
  inviteCode,
  isInviteCode,
  Party,
  type PartySettings,
  settingsFrom,
} from "../../src/game/party.ts";
import { raceLengths } from "../../src/game/raceLengths.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { INVITE_CODE_ALPHABET, INVITE_CODE_LENGTH } from "../../src/protocol.ts";

const ADA = { id: "ada", name: "Ada" };
const BOB = { id: "bob", name: "Bob" };
const CY = { id: "cy", name: "Cy" };
const DEFAULTS: PartySettings = { words: 25, maxPlayers: 10, ghost: null };
const GAME = "0b5f3f9e-8d1c-4c53-9a5e-0a8e2f1b7c11";
const PLAYER = "4c1d2e3f-8d1c-4c53-9a5e-0a8e2f1b7c22";
const GHOST = { gameId: GAME, userId: PLAYER };
const LENGTHS = raceLengths(25);

/** A room Ada made, with the others who came after her, in order. */
function partyOf(settings = DEFAULTS, ...others: Array<{ id: string; name: string }>): Party {
  const party = new Party(settings, LENGTHS);
  for (const member of [ADA, ...others]) party.join(member);
  return party;
}

describe("a private room's rules (party)", () => {
  describe("invite codes", () => {
    it("are 6 characters of the alphabet without look-alikes, spread over all of it", () => {
      assert.equal(INVITE_CODE_ALPHABET, "ABCDEFGHJKMNPQRSTUVWXYZ23456789");
      const random = seededRandom(3);
      const codes = Array.from({ length: 5000 }, () => inviteCode(random));
      for (const code of codes) {
        assert.equal(code.length, INVITE_CODE_LENGTH);
        assert.ok(isInviteCode(code), code);
        assert.doesNotMatch(code, /[01ILO]/);
      }
      const seen = new Set(codes.join(""));
      assert.equal(seen.size, INVITE_CODE_ALPHABET.length, "every character comes up");
      assert.ok(new Set(codes).size >= 4990, "collisions are rare: the room checks for the few");
    });

    it("tells a code from anything else", () => {
      for (const [value, expected] of [
        ["ABC234", true],
        ["abc234", false],
        ["ABC23", false],
        ["ABC2345", false],
        ["ABC10O", false],
        ["", false],
      ] as const) {
        assert.equal(isInviteCode(value), expected, value);
      }
    });
  });

  describe("race lengths", () => {
    it("are the four offered, plus the server's default when an operator chose another", () => {
      assert.deepEqual(raceLengths(25), [10, 25, 50, 100]);
      assert.deepEqual(raceLengths(3), [3, 10, 25, 50, 100]);
      assert.deepEqual(raceLengths(40), [10, 25, 40, 50, 100]);
    });
  });

  describe("settings", () => {
    const cases: Array<[string, unknown, PartySettings | undefined]> = [
      ["nothing asked", {}, DEFAULTS],
      ["a length", { words: 50 }, { words: 50, maxPlayers: 10, ghost: null }],
      ["every length offered", { words: 100 }, { words: 100, maxPlayers: 10, ghost: null }],
      ["players", { maxPlayers: 2 }, { words: 25, maxPlayers: 2, ghost: null }],
      ["both", { words: 10, maxPlayers: 4 }, { words: 10, maxPlayers: 4, ghost: null }],
      ["a ghost", { ghost: GHOST }, { words: 25, maxPlayers: 10, ghost: GHOST }],
      ["no ghost any more", { ghost: null }, DEFAULTS],
      ["a ghost without its player", { ghost: { gameId: GAME } }, undefined],
      ["a ghost of ids that are not ids", { ghost: { gameId: "g1", userId: "ada" } }, undefined],
      ["a ghost with more to it", { ghost: { ...GHOST, speed: 2 } }, undefined],
      ["a ghost as text", { ghost: GAME }, undefined],
      ["a length not offered", { words: 30 }, undefined],
      ["a length as text", { words: "25" }, undefined],
      ["one player", { maxPlayers: 1 }, undefined],
      ["eleven players", { maxPlayers: 11 }, undefined],
      ["a fraction of a player", { maxPlayers: 2.5 }, undefined],
      ["an extra field", { words: 25, color: "red" }, undefined],
      ["null", null, undefined],
      ["an array", [25], undefined],
      ["a string", "words=25", undefined],
    ];
    for (const [what, asked, expected] of cases) {
      it(`${what}: ${expected ? "taken" : "refused"}`, () => {
        assert.deepEqual(settingsFrom(asked, DEFAULTS, LENGTHS), expected);
      });
    }
  });

  describe("the host", () => {
    it("is whoever made the room; when they leave, the player present longest takes over", () => {
      const party = partyOf(DEFAULTS, BOB, CY);
      assert.equal(party.hostId, "ada");
      party.leave("ada");
      assert.equal(party.hostId, "bob");
      party.join(ADA);
      party.leave("bob");
      assert.equal(party.hostId, "cy", "Cy came before Ada came back");
      party.leave("cy");
      assert.equal(party.hostId, "ada");
      party.leave("ada");
      assert.equal(party.empty, true);
      assert.equal(party.hostId, "");
      party.join(BOB);
      assert.equal(party.hostId, "bob", "the first into an empty room is its host");
    });

    it("a player who leaves that is not the host changes no host", () => {
      const party = partyOf(DEFAULTS, BOB);
      party.leave("bob");
      party.leave("nobody");
      assert.equal(party.hostId, "ada");
    });

    it("alone changes the settings and starts races; others are refused NOT_HOST", () => {
      const party = partyOf(DEFAULTS, BOB);
      assert.equal(party.changeSettings("bob", { words: 10 }), "NOT_HOST");
      assert.equal(party.start("bob"), "NOT_HOST");
      assert.deepEqual(party.settings, DEFAULTS, "nothing changed");
      assert.equal(party.changeSettings("ada", { words: 10 }), undefined);
      assert.deepEqual(party.settings, { words: 10, maxPlayers: 10, ghost: null });
      assert.equal(party.changeSettings("ada", { words: 11 }), "INVALID_SETTINGS");
      assert.deepEqual(party.settings, { words: 10, maxPlayers: 10, ghost: null });
    });

    it("cannot make the room smaller than the players in it", () => {
      const party = partyOf(DEFAULTS, BOB, CY);
      assert.equal(party.changeSettings("ada", { maxPlayers: 2 }), "INVALID_SETTINGS");
      assert.equal(party.changeSettings("ada", { maxPlayers: 3 }), undefined);
    });
  });

  describe("races", () => {
    it("one at a time: ALREADY_RACING until it ends, then a rematch at once", () => {
      const party = partyOf();
      assert.equal(party.start("ada"), undefined, "alone: practice");
      party.raceStarted("game-1");
      assert.equal(party.racing, true);
      assert.equal(party.start("ada"), "ALREADY_RACING");
      assert.equal(party.raceEnded("game-0"), false, "another race's end reopens nothing");
      assert.equal(party.racing, true);
      assert.equal(party.raceEnded("game-1"), true);
      assert.deepEqual([party.racing, party.lastGameId], [false, "game-1"]);
      assert.equal(party.raceEnded("game-1"), false, "told twice, it ends once");
      assert.equal(party.start("ada"), undefined, "a rematch");
      party.startFailed();
      assert.deepEqual([party.racing, party.lastGameId], [false, "game-1"]);
    });

    it("has room for as many players as the settings say; a player already in always fits", () => {
      const party = partyOf({ words: 25, maxPlayers: 2, ghost: null }, BOB);
      assert.equal(party.hasRoomFor("cy"), false);
      assert.equal(party.hasRoomFor("bob"), true);
      party.join(BOB);
      assert.deepEqual(party.members(), [ADA, BOB], "joining again keeps one place");
    });
  });

  describe("a ghost", () => {
    it("is a finished result: one that did not finish, or none, is no ghost", () => {
      assert.equal(canBeGhost({ rank: 2 }), true);
      assert.equal(canBeGhost({ rank: null }), false);
      assert.equal(canBeGhost(undefined), false);
    });

    it("is kept by other settings, and set and cleared by the host alone", () => {
      const party = partyOf(DEFAULTS, BOB);
      assert.equal(party.changeSettings("bob", { ghost: GHOST }), "NOT_HOST");
      assert.equal(party.changeSettings("ada", { ghost: GHOST }), undefined);
      assert.equal(party.changeSettings("ada", { words: 50 }), undefined);
      assert.deepEqual(party.settings, { words: 50, maxPlayers: 10, ghost: GHOST });
      assert.deepEqual(party.checkSettings("ada", { ghost: null }), {
        words: 50,
        maxPlayers: 10,
        ghost: null,
      });
      assert.deepEqual(party.settings.ghost, GHOST, "checked, not taken");
      assert.equal(party.changeSettings("ada", { ghost: null }), undefined);
      assert.equal(party.settings.ghost, null);
    });
  });
});
