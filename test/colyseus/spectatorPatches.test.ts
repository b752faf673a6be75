import assert from "node:assert/strict";
import { type Client, matchMaker, Protocol } from "@colyseus/core";
import { Decoder, Encoder } from "@colyseus/schema";
import { mergePatches } from "../../src/colyseus/spectatorPatches.ts";
import { RacePlayer, RaceState } from "../../src/rooms/schema/RaceState.ts";
import { Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** A race's state as the server keeps it, and a client's copy of it decoded from the full state. */
function raceAndItsCopy() {
  const state = new RaceState();
  state.gameId = "g1";
  state.words.push("one", "two", "three");
  for (const id of ["ann", "bob"]) state.players.set(id, new RacePlayer({ id, name: id }));
  const encoder = new Encoder(state);
  const copy = new Decoder(new RaceState());
  copy.decode(encoder.encodeAll());
  encoder.discardChanges();
  /** The next patch, framed and copied as Colyseus sends it. */
  const patch = () => {
    encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    const bytes = Uint8Array.from(encoder.encode({ offset: 1 }));
    encoder.discardChanges();
    return bytes;
  };
  return { state, copy, patch };
}

describe("spectators' patches, merged (what src/colyseus/spectatorPatches.ts relies on)", () => {
  it("patches merged into one decode as each in turn: structures, the root again, players added and gone", () => {
    const { state, copy, patch } = raceAndItsCopy();
    const patches: Uint8Array[] = [];
    state.players.get("ann")!.charIndex = 1;
    patches.push(patch());
    // The root's change first: this patch leaves its switch to the root out.
    state.status = "racing";
    state.players.get("bob")!.wordIndex = 1;
    patches.push(patch());
    state.players.set("cy", new RacePlayer({ id: "cy", name: "cy" }));
    patches.push(patch());
    state.players.delete("bob");
    state.spectators = 3;
    state.players.get("cy")!.charIndex = 2;
    patches.push(patch());

    copy.decode(mergePatches(patches), { offset: 1 });
    assert.deepEqual(copy.state.toJSON(), state.toJSON());
    assert.equal(copy.state.status, "racing");
    assert.deepEqual([...copy.state.players.keys()], ["ann", "cy"]);
  });

  it("a patch alone goes as it is", () => {
    const { state, patch } = raceAndItsCopy();
    state.spectators = 1;
    const alone = patch();
    assert.equal(mergePatches([alone]), alone);
  });

  describe("Colyseus's side", function () {
    this.timeout(20_000);
    let server: TestServer;
    const players: Player[] = [];
    before(async () => {
      server = await startTestServer({
        LOBBY_MAX_PLAYERS: "2",
        LOBBY_COUNTDOWN_MS: "300",
        RACE_START_COUNTDOWN_MS: "300",
        RACE_WORDS: "3",
      });
    });
    after(async () => {
      await Promise.all(players.map((player) => player.leaveAll()));
      await server.stop();
    });

    it("hands each patch to every client through raw(): the same bytes for all, new bytes at the next", async () => {
      for (const name of ["Ann", "Bob"]) players.push(await Player.signIn(server.url, name));
      const [ann, bob] = players as [Player, Player];
      await ann.queue();
      await bob.queue();
      await Promise.all([ann.enterRace(), bob.enterRace()]);
      await ann.waitForRacing();
      const room = matchMaker.getLocalRoomById(ann.race!.roomId)!;
      const handed: Array<{ client: Client; bytes: Uint8Array }> = [];
      for (const client of room.clients) {
        const raw = client.raw.bind(client);
        client.raw = (bytes, ...rest) => {
          if (bytes[0] === Protocol.ROOM_STATE_PATCH) handed.push({ client, bytes });
          raw(bytes, ...rest);
        };
      }
      await ann.typeSlowly(ann.race!.state.words[0]!.slice(0, 3), 120);
      await new Promise((resolve) => setTimeout(resolve, 120));

      const patches = [...new Set(handed.map(({ bytes }) => bytes))];
      assert.ok(patches.length >= 3, `a patch for each key (${patches.length})`);
      for (const bytes of patches) {
        const to = handed.filter((sent) => sent.bytes === bytes).map(({ client }) => client);
        assert.equal(new Set(to).size, 2, "both racers, the same bytes");
      }
    });
  });
});
