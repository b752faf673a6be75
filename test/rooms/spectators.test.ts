import assert from "node:assert/strict";
import { Client, Protocol } from "@colyseus/sdk";
import { joinRefusalCode, type LiveRace, RoomCloseCode } from "../../src/protocol.ts";
import { call, dataOf } from "../support/http.ts";
import { eventually, Player, type Player as PlayerType, type RaceRoomHandle } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const textOf = (player: PlayerType) => [...player.race!.state.words].join(" ");

/** Counts the state patches a room receives from now on. */
function countPatches(room: RaceRoomHandle): { count: number } {
  const counter = { count: 0 };
  const events = room.connection.events;
  const decode = events.onmessage;
  events.onmessage = (event: MessageEvent) => {
    if (new Uint8Array(event.data)[0] === Protocol.ROOM_STATE_PATCH) counter.count++;
    decode?.(event);
  };
  return counter;
}

/** What everyone in a race sees of its players. */
const progressOf = (race: RaceRoomHandle) =>
  JSON.stringify(
    [...race.state.players.values()].map(({ id, wordIndex, charIndex }) => ({ id, wordIndex, charIndex })),
  );

async function refusalOf(join: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await join;
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code: joinRefusalCode(code), message };
  }
  throw new Error("the join was not refused");
}

describe("spectators and the live races", function () {
  this.timeout(30_000);
  let server: TestServer;
  const everyone: PlayerType[] = [];
  const signIn = async (name: string) => {
    const player = await Player.signIn(server.url, name);
    everyone.push(player);
    return player;
  };
  /** Two players matched in a public race, seated, in its countdown. */
  const publicRace = async () => {
    const [ann, bob] = [await signIn("Ann"), await signIn("Bob")];
    await ann.queue();
    await bob.queue();
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    return [ann, bob] as const;
  };

  before(async () => {
    server = await startTestServer({
      LOBBY_MAX_PLAYERS: "2",
      LOBBY_COUNTDOWN_MS: "300",
      RACE_START_COUNTDOWN_MS: "600",
      RACE_WORDS: "3",
      RACE_MAX_SPECTATORS: "2",
    });
  });
  afterEach(async () => {
    await Promise.all(everyone.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("watch live, send nothing, change nothing, and hold up nothing; the limit refuses the next", async () => {
    const [ann, bob] = await publicRace();
    const gameId = ann.race!.roomId;
    const [eve, fay, gil] = [await signIn("Eve"), await signIn("Fay"), await signIn("Gil")];
    const watching = await eve.spectate(gameId);
    assert.deepEqual([...watching.state.words], [...ann.race!.state.words], "the full state");
    assert.deepEqual([...watching.state.players.keys()].sort(), [ann.id, bob.id].sort(), "not on the roster");
    await fay.spectate(gameId);
    await eventually("two spectators, as the racers see it", () => ann.race!.state.spectators === 2);

    const full = await refusalOf(gil.spectate(gameId));
    assert.equal(full.code, RoomCloseCode.FULL);
    assert.match(full.message, /^SPECTATORS_FULL: /);

    eve.press("a");
    assert.equal(await eve.nextError(0), "SPECTATOR");
    eve.race!.send("chat", { text: "hi" });
    assert.equal(await eve.nextError(1), "SPECTATOR");

    await ann.waitForRacing();
    await ann.typeSlowly(ann.race!.state.words[0]!, 30);
    await eventually("Ann's progress, live", () => watching.state.players.get(ann.id)!.charIndex > 0);
    ann.type(textOf(ann).slice(ann.race!.state.words[0]!.length));
    bob.type(textOf(bob));
    await eventually("the race is over, spectators or not", () => watching.state.status === "finished");
    // Results reach PostgreSQL just after the race says it is over.
    const ranked = await eventually("both results stored", async () => {
      const result = dataOf(
        await call<{ ranking: Array<{ userId: string }> }>(server.url, `/api/v1/games/${gameId}/result`),
      );
      return result.ranking.length === 2 && result.ranking;
    });
    assert.deepEqual(ranked.map(({ userId }) => userId).sort(), [ann.id, bob.id].sort());

    await fay.race!.leave();
    await eventually("one spectator left", () => ann.race!.state.spectators === 1);
    await gil.spectate(gameId);
    await eventually("a free place is taken again", () => ann.race!.state.spectators === 2);
  });

  it("refuses a spectator without a token, and spectate options of the wrong form", async () => {
    const [ann] = await publicRace();
    const gameId = ann.race!.roomId;
    const anonymous = new Client(server.url.replace("http", "ws"));
    const unsigned = await refusalOf(anonymous.joinById(gameId, { spectate: true }));
    assert.equal(unsigned.code, RoomCloseCode.UNAUTHORIZED);

    const eve = await signIn("Eve");
    for (const options of [
      { spectate: "yes" },
      { spectate: 1 },
      { spectate: false },
      { spectate: true, seat: 1 },
    ]) {
      const refused = await refusalOf(eve.spectate(gameId, options));
      assert.equal(refused.code, RoomCloseCode.BAD_OPTIONS, JSON.stringify(options));
    }
    const notRacing = await refusalOf(eve.sdk.joinById(gameId));
    assert.equal(notRacing.code, RoomCloseCode.NOT_IN_ROSTER, "without spectate, only the roster");
    await eve.spectate(gameId);
    assert.equal(ann.race!.state.players.size, 2);
  });

  it("GET /api/v1/games/live lists the public races on now, newest first, never private ones", async () => {
    const live = async () => dataOf(await call<LiveRace[]>(server.url, "/api/v1/games/live"));
    const [ann, bob] = await publicRace();
    const first = ann.race!.roomId;
    const [cy, dee] = await publicRace();
    const second = cy.race!.roomId;
    const host = await signIn("Host");
    await host.createParty({ words: 10 });
    host.start();
    await host.enterRace();
    const eve = await signIn("Eve");
    await eve.spectate(second);

    const listed = await eventually("both public races", async () => {
      const races = await live();
      return races.length === 2 && races;
    });
    assert.deepEqual(
      listed.map(({ gameId }) => gameId),
      [second, first],
      "newest first, the private race left out",
    );
    const [newest] = listed;
    assert.deepEqual(
      { ...newest, players: undefined },
      {
        gameId: second,
        mode: "public",
        words: 3,
        status: "countdown",
        startsAt: new Date(cy.race!.state.startsAt).toISOString(),
        spectators: 1,
        players: undefined,
      },
    );
    assert.deepEqual(newest!.players, [
      { id: cy.id, name: cy.name, wordIndex: 0, charIndex: 0, finished: false, rank: 0 },
      { id: dee.id, name: dee.name, wordIndex: 0, charIndex: 0, finished: false, rank: 0 },
    ]);

    await ann.waitForRacing();
    ann.type(textOf(ann));
    bob.type(textOf(bob));
    await eventually("the finished race leaves the list", async () => {
      const races = await live();
      return races.length === 1 && races[0]!.gameId === second;
    });
  });
});

describe("a crowd of spectators", function () {
  this.timeout(30_000);
  let server: TestServer;
  const everyone: PlayerType[] = [];
  const signIn = async (name: string) => {
    const player = await Player.signIn(server.url, name);
    everyone.push(player);
    return player;
  };
  before(async () => {
    server = await startTestServer({
      LOBBY_MAX_PLAYERS: "2",
      LOBBY_COUNTDOWN_MS: "300",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "3",
      RACE_MAX_SPECTATORS: "20",
    });
  });
  after(async () => {
    await Promise.all(everyone.splice(0).map((player) => player.leaveAll()));
    await server.stop();
  });

  it("a few see every patch, a crowd fewer, merged; all see the race as its racers do", async () => {
    const [ann, bob] = [await signIn("Ann"), await signIn("Bob")];
    await ann.queue();
    await bob.queue();
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    const gameId = ann.race!.roomId;
    const eve = await signIn("Eve");
    const watching = await eve.spectate(gameId);
    await ann.waitForRacing();
    /** Ann hesitates over her first letter: a typo and its correction, again and again. */
    const hesitate = (times: number) => ann.typeSlowly("x\b".repeat(times), 30);

    const alone = { bob: countPatches(bob.race!), eve: countPatches(watching) };
    await hesitate(8);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(
      alone.eve.count >= alone.bob.count - 1,
      `Eve alone sees every patch (${alone.eve.count} of ${alone.bob.count})`,
    );

    for (let i = 1; i < 19; i++) await (await signIn(`Fan ${i}`)).spectate(gameId);
    const inACrowd = { bob: countPatches(bob.race!), eve: countPatches(watching) };
    const hesitating = hesitate(20);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const late = await (await signIn("Fay")).spectate(gameId);
    await hesitating;
    // Two keys, an extra letter past a word of one ("a").
    await ann.typeSlowly(`${ann.race!.state.words[0]!}x`.slice(0, 2), 30);

    await eventually(
      "Bob sees Ann's two letters",
      () => bob.race!.state.players.get(ann.id)!.charIndex === 2,
    );
    await eventually("Eve sees where Ann is", () => progressOf(watching) === progressOf(bob.race!));
    await eventually("so does Fay, who came in the middle", () => progressOf(late) === progressOf(bob.race!));
    assert.equal(watching.state.spectators, 20);
    assert.ok(inACrowd.eve.count >= 3, `Eve still sees Ann move live (${inACrowd.eve.count} patches)`);
    assert.ok(
      inACrowd.eve.count * 2 <= inACrowd.bob.count,
      `in a crowd, a spectator takes fewer patches than a racer (${inACrowd.eve.count} against ${inACrowd.bob.count})`,
    );
  });
});
