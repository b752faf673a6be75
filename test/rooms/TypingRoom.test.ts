import assert from "node:assert/strict";
import pg from "pg";
import { decodeKeystrokeLog } from "../../src/game/keystrokeLog.ts";
import { joinRefusalCode, RoomCloseCode } from "../../src/protocol.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import { dropConnection, eventually, initialState, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const RACE_SETTINGS = {
  LOBBY_MAX_PLAYERS: "2",
  LOBBY_COUNTDOWN_MS: "300",
  RACE_START_COUNTDOWN_MS: "400",
  RACE_WORDS: "4",
  RECONNECT_GRACE_S: "3",
};

async function resultRows(gameId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT user_id, rank, wpm, wpm_raw, acc, acc_raw, finished_at, word_count, duration_ms, flagged, keystrokes
       FROM game_results WHERE game_id = $1 ORDER BY rank NULLS LAST`,
      [gameId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Players queued together and seated in their race (still in its countdown). */
async function raceOf<Names extends string[]>(
  server: TestServer,
  names: [...Names],
  roster: Player[],
): Promise<{ [K in keyof Names]: Player }> {
  const players = await Promise.all(names.map((name) => Player.signIn(server.url, name)));
  roster.push(...players);
  for (const player of players) await player.queue();
  await Promise.all(players.map((player) => player.enterRace()));
  return players as { [K in keyof Names]: Player };
}

/** Each result's rating before and after, and its player's rating now, by rank. */
async function ratingRows(gameId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT r.user_id, r.rating_before, r.rating_after, u.rating, u.rated_races
       FROM game_results AS r JOIN users AS u ON u.id = r.user_id WHERE r.game_id = $1 ORDER BY r.rank NULLS LAST`,
      [gameId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function deleteUser(userId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    await client.query("DELETE FROM users WHERE id = $1", [userId]);
  } finally {
    await client.end();
  }
}

const textOf = (player: Player) => [...player.race!.state.words].join(" ");
const round2 = (x: number) => Math.round(x * 100) / 100;

describe("TypingRoom: the race", function () {
  this.timeout(30_000);
  let server: TestServer;
  const everyone: Player[] = [];
  before(async () => {
    server = await startTestServer(RACE_SETTINGS);
  });
  afterEach(async () => {
    await Promise.all(everyone.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("two players: the faster one wins, both see the same ranking, results are stored as each finishes", async () => {
    const [hare, tortoise] = await raceOf(server, ["Hare", "Tortoise"], everyone);
    const race = hare.race!;
    assert.equal(race.state.status, "countdown");
    assert.deepEqual(
      [...race.state.players.values()].map((player) => [
        player.name,
        player.wordIndex,
        player.charIndex,
        player.rank,
      ]),
      [
        ["Hare", 0, 0, 0],
        ["Tortoise", 0, 0, 0],
      ],
    );
    await hare.waitForRacing();
    const text = textOf(hare);
    hare.type(text);
    await eventually("the hare's finish", () => hare.finished);
    assert.equal(hare.finished!.rank, 1);

    // The result is in PostgreSQL the moment the hare finishes, while the race goes on.
    const rowsWhileRacing = await resultRows(race.roomId);
    assert.equal(rowsWhileRacing.length, 1);
    assert.equal(rowsWhileRacing[0].user_id, hare.id);
    assert.equal(rowsWhileRacing[0].rank, 1);
    assert.equal(tortoise.race!.state.status, "racing");

    await tortoise.typeSlowly(text, 2);
    await eventually("the tortoise's finish", () => tortoise.finished);
    assert.equal(tortoise.finished!.rank, 2);
    await eventually(
      "the end of the race",
      () => race.state.status === "finished" && tortoise.race!.state.status === "finished",
    );
    for (const view of [hare, tortoise]) {
      const ranking = [...view.race!.state.players.values()]
        .sort((a, b) => a.rank - b.rank)
        .map((player) => [player.name, player.rank, player.finished]);
      assert.deepEqual(ranking, [
        ["Hare", 1, true],
        ["Tortoise", 2, true],
      ]);
    }
    const rows = await resultRows(race.roomId);
    assert.deepEqual(
      rows.map((row) => [row.user_id, row.rank]),
      [
        [hare.id, 1],
        [tortoise.id, 2],
      ],
    );
    const keys = decodeKeystrokeLog(rows[1].keystrokes);
    assert.equal(keys.map((entry) => entry.key).join(""), text, "the keystroke log holds every key");
  });

  it("a public race of two who typed is rated: each gets `rating`, and the stored results carry it", async () => {
    const [hare, tortoise] = await raceOf(server, ["Rated hare", "Rated tortoise"], everyone);
    await hare.waitForRacing();
    const text = textOf(hare);
    // Human paces (about 100 and 75 wpm, well clear of the fair-play limits even when a busy test
    // machine bunches keys), so that neither result is flagged (a flagged result is not rated).
    await Promise.all([hare.typeUnevenly(text, 120), tortoise.typeUnevenly(text, 160)]);
    const told = await Promise.all(
      [hare, tortoise].map((player) => eventually(`${player.name}'s rating`, () => player.rating)),
    );
    assert.equal(told[0]!.ratingBefore, 1000);
    assert.equal(told[1]!.ratingBefore, 1000);
    assert.ok(told[0]!.ratingAfter > 1000, "the winner goes up");
    assert.ok(told[1]!.ratingAfter < 1000, "the runner-up goes down");
    const rows = await ratingRows(hare.race!.roomId);
    assert.deepEqual(rows, [
      {
        user_id: hare.id,
        rating_before: 1000,
        rating_after: told[0]!.ratingAfter,
        rating: told[0]!.ratingAfter,
        rated_races: 1,
      },
      {
        user_id: tortoise.id,
        rating_before: 1000,
        rating_after: told[1]!.ratingAfter,
        rating: told[1]!.ratingAfter,
        rated_races: 1,
      },
    ]);
  });

  it("computes wpm, raw wpm, accuracy and raw accuracy exactly as the rules say", async () => {
    const [typist, other] = await raceOf(server, ["Typist", "Other"], everyone);
    await typist.waitForRacing();
    const words = [...typist.race!.state.words];
    // Word 1: a wrong last letter, Backspace, corrected. Word 2: an extra character, a space that
    // cannot pass it, Backspace, the space. Word 3: a wrong last letter, a refused space, Backspace,
    // the right letter. Last word: right.
    const [w1, w2, w3, w4] = words as [string, string, string, string];
    const wrong = (c: string) => (c === "x" ? "y" : "x");
    const script = [
      `${w1.slice(0, -1)}${wrong(w1.at(-1)!)}\b${w1.at(-1)} `,
      `${w2}z \b `,
      `${w3.slice(0, -1)}${wrong(w3.at(-1)!)} \b${w3.at(-1)} `,
      w4,
    ].join("");
    // A human pace, so that the result is not flagged.
    await typist.typeSlowly(script, 60);
    const finished = await eventually("the typist's finish", () => typist.finished);

    // Counted keystrokes: every character and space but Backspace, refused spaces included.
    const keystrokes = [...script].filter((c) => c !== "\b").length;
    const wrongKeys =
      1 /* w1 typo */ + 2 /* extra z, its refused space */ + 2; /* w3 typo, its refused space */
    const minutes = finished.durationMs / 60_000;
    const text = words.join(" ").length;
    assert.equal(finished.wpm, round2(text / 5 / minutes), "a finisher got through the whole text");
    assert.equal(finished.wpmRaw, round2(keystrokes / 5 / minutes));
    assert.equal(finished.acc, round2((100 * (keystrokes - wrongKeys)) / keystrokes));
    // Wrong at first try: w1's last letter, the space after w2 (the z came first), w3's last letter
    // and the space after it (refused).
    assert.equal(finished.accRaw, round2((100 * (text - 4)) / text));

    await eventually("the synced stats", () => other.race!.state.players.get(typist.id)?.finished);
    const synced = other.race!.state.players.get(typist.id)!;
    assert.equal(synced.wpm, finished.wpm);
    assert.equal(synced.acc, finished.acc);
    const [row] = await resultRows(typist.race!.roomId);
    assert.deepEqual(
      [row.wpm, row.wpm_raw, row.acc, row.acc_raw, row.duration_ms, row.word_count, row.flagged],
      [finished.wpm, finished.wpmRaw, finished.acc, finished.accRaw, finished.durationMs, 4, false],
    );
  });

  it("rejects every key before the start with NOT_STARTED, changing nothing", async () => {
    const [early] = await raceOf(server, ["Early", "Patient"], everyone);
    early.type("ab");
    await eventually("two rejections", () => early.errors.length === 2 && early.errors);
    assert.deepEqual(
      early.errors.map((error) => error.code),
      ["NOT_STARTED", "NOT_STARTED"],
    );
    await early.waitForRacing();
    assert.equal(early.me()!.charIndex, 0);
  });

  it("answers malformed messages with INVALID_KEY or UNKNOWN_MESSAGE, changing nothing and crashing nothing", async () => {
    const [sloppy, other] = await raceOf(server, ["Sloppy", "Other"], everyone);
    await sloppy.waitForRacing();
    const first = sloppy.race!.state.words[0]!;
    sloppy.press(first[0]);
    const bad: unknown[] = [
      "😀",
      "ab",
      "",
      42,
      null,
      true,
      ["a"],
      { nested: "a" },
      "x".repeat(1000),
      "\n",
      "\u0000",
      "backspace",
    ];
    for (const key of bad) sloppy.press(key);
    sloppy.race!.send("key", "a");
    sloppy.race!.send("key");
    sloppy.race!.send("key", [1, 2, 3]);
    sloppy.race!.send("position", { wordIndex: 5 });
    sloppy.race!.send("finish", {});
    await eventually("every rejection", () => sloppy.errors.length === bad.length + 5 && sloppy.errors);
    assert.deepEqual(
      sloppy.errors.map((error) => error.code),
      [...Array(bad.length + 3).fill("INVALID_KEY"), "UNKNOWN_MESSAGE", "UNKNOWN_MESSAGE"],
    );
    assert.ok(sloppy.errors.every((error) => error.message.length > 0));
    await eventually("the synced position", () => other.race!.state.players.get(sloppy.id)?.charIndex === 1);
    assert.equal(sloppy.me()!.wordIndex, 0);
    // The room is still fine: the player can go on and finish.
    sloppy.type([...sloppy.race!.state.words].join(" ").slice(1));
    await eventually("the finish", () => sloppy.finished);
  });

  it("ALREADY_FINISHED after finishing, RACE_OVER once the race is over", async () => {
    const [quick, quitter] = await raceOf(server, ["Quick", "Quitter"], everyone);
    await quick.waitForRacing();
    quick.type(textOf(quick));
    await eventually("the finish", () => quick.finished);
    quick.press("a");
    await eventually("ALREADY_FINISHED", () =>
      quick.errors.some((error) => error.code === "ALREADY_FINISHED"),
    );
    await quitter.race!.leave();
    await eventually("the race over", () => quick.race!.state.status === "finished");
    quick.press("a");
    await eventually("RACE_OVER", () => quick.errors.some((error) => error.code === "RACE_OVER"));
  });

  it("limits a flood with RATE_LIMITED and disconnects a client that keeps flooding; the other racer is unaffected", async () => {
    const [flooder, honest] = await raceOf(server, ["Flooder", "Honest"], everyone);
    await flooder.waitForRacing();
    const closed = new Promise<number>((resolve) => flooder.race!.onLeave((code) => resolve(code)));
    const word = flooder.race!.state.words[0]!;
    // 70 keys at once: the burst allowance takes 60, the rest are limited.
    for (let i = 0; i < 70; i++) flooder.press(i % 2 === 0 ? word[0] : "Backspace");
    await eventually("RATE_LIMITED", () => flooder.errors.some((error) => error.code === "RATE_LIMITED"));
    // Then a sustained 100 keys/s: limited for over a second, the client is closed.
    const flood = setInterval(() => {
      for (let i = 0; i < 5; i++) flooder.press("Backspace");
    }, 50);
    try {
      assert.equal(await closed, RoomCloseCode.FLOODING);
    } finally {
      clearInterval(flood);
    }
    honest.type(textOf(honest));
    await eventually("the honest finish", () => honest.finished);
    assert.equal(honest.finished!.rank, 1);
  });

  it("lets only the roster in, and a roster member back in by id after a reload, where they were", async () => {
    const [reloader, stayer] = await raceOf(server, ["Reloader", "Stayer"], everyone);
    const gameId = reloader.race!.roomId;
    const stranger = await Player.signIn(server.url, "Stranger");
    everyone.push(stranger);
    await assert.rejects(stranger.rejoinRace(gameId), (error: { code: number; message: string }) => {
      assert.equal(joinRefusalCode(error.code), RoomCloseCode.NOT_IN_ROSTER);
      assert.match(error.message, /^NOT_IN_ROSTER/);
      return true;
    });

    await reloader.waitForRacing();
    const words = [...reloader.race!.state.words];
    // Three keys into the second word, extra letters past its end if it is shorter ("a", "of"): the
    // caret moves all the same.
    const second = `${words[1]!}xx`;
    reloader.type(`${words[0]} ${second.slice(0, 2)}`);
    await eventually("the typing synced", () => stayer.race!.state.players.get(reloader.id)?.charIndex === 2);
    // The page reloads: a fresh SDK client, the same user, joinById.
    const reloaded = await Player.signIn(server.url, "unused");
    everyone.push(reloaded);
    reloaded.sdk.auth.token = reloader.accessToken;
    const oldClosed = new Promise<number>((resolve) => reloader.race!.onLeave((code) => resolve(code)));
    const race = await initialState(await reloaded.sdk.joinById(gameId));
    try {
      assert.equal(await oldClosed, RoomCloseCode.REPLACED);
      const me = (race.state as NonNullable<typeof stayer.race>["state"]).players.get(reloader.id)!;
      assert.deepEqual([me.wordIndex, me.charIndex, me.connected], [1, 2, true]);
      race.send("key", { key: second[2]! });
      await eventually(
        "typing continues",
        () => stayer.race!.state.players.get(reloader.id)?.charIndex === 3,
      );
    } finally {
      // Left whatever happened: a connection left behind keeps its race, and the server's stop,
      // waiting for it, outran the file's hooks and failed the files after it in its worker.
      await race.leave();
    }
  });

  it("a racer whose page reloaded again and again can still open the race in another tab (issue 24, item 5)", async () => {
    const [reloader] = await raceOf(server, ["Serial reloader", "Patient"], everyone);
    const gameId = reloader.race!.roomId;
    await reloader.waitForRacing();
    // Each reload: the old connection drops (the room keeps its seat for a reconnection that never
    // comes), and a fresh page joins by id.
    let race = reloader.race!;
    for (let reload = 0; reload < 3; reload++) {
      race.reconnection.enabled = false;
      dropConnection(race);
      const page = await Player.signIn(server.url, "unused");
      everyone.push(page);
      page.sdk.auth.token = reloader.accessToken;
      race = await page.rejoinRace(gameId);
    }
    const secondTab = await Player.signIn(server.url, "unused");
    everyone.push(secondTab);
    secondTab.sdk.auth.token = reloader.accessToken;
    const replaced = new Promise<number>((resolve) => race.onLeave((code) => resolve(code)));
    await secondTab.rejoinRace(gameId);
    assert.equal(await replaced, RoomCloseCode.REPLACED, "the first tab is told it was replaced");
  });

  it("a dropped racer stays in the race disconnected, and after reconnecting continues exactly where it was", async () => {
    const [flaky, steady] = await Promise.all([
      Player.signIn(server.url, "Flaky"),
      Player.signIn(server.url, "Steady"),
    ]);
    everyone.push(flaky, steady);
    await flaky.queue();
    await steady.queue();
    const flakyRace = await flaky.enterRace();
    await steady.enterRace();
    await flaky.waitForRacing();
    const words = [...flakyRace.state.words];
    flaky.type(`${words[0]} x`);
    await eventually("the typing synced", () => steady.race!.state.players.get(flaky.id)?.charIndex === 1);

    flakyRace.reconnection.enabled = false;
    const token = flakyRace.reconnectionToken;
    dropConnection(flakyRace);
    await eventually(
      "Flaky shown disconnected",
      () => steady.race!.state.players.get(flaky.id)?.connected === false,
    );
    const back = await initialState(await flaky.sdk.reconnect(token));
    await eventually(
      "Flaky shown connected",
      () => steady.race!.state.players.get(flaky.id)?.connected === true,
    );
    const me = (back.state as NonNullable<typeof steady.race>["state"]).players.get(flaky.id)!;
    assert.deepEqual([me.wordIndex, me.charIndex], [1, 1]);
    // Same input as before the drop: Backspace removes the "x", then the word is typed right.
    for (const key of ["Backspace", ...`${words[1]} ${words[2]} ${words[3]}`]) back.send("key", { key });
    const finished = await new Promise<{ acc: number }>((resolve) => back.onMessage("finished", resolve));
    const keystrokes = `${words[0]} x${words[1]} ${words[2]} ${words[3]}`.length;
    assert.equal(finished.acc, round2((100 * (keystrokes - 1)) / keystrokes), "the wrong x still counts");
    await back.leave();
  });

  it("leaving during the race is a DNF at once; the race ends when the others are done", async () => {
    const [leaver, finisher] = await raceOf(server, ["Leaver", "Finisher"], everyone);
    await leaver.waitForRacing();
    leaver.type("ab");
    await eventually("typed", () => finisher.race!.state.players.get(leaver.id)?.charIndex === 2);
    await leaver.race!.leave();
    await eventually(
      "the leaver disconnected",
      () => finisher.race!.state.players.get(leaver.id)?.connected === false,
    );
    finisher.type(textOf(finisher));
    await eventually("the race over", () => finisher.race!.state.status === "finished");
    const all = await eventually("both rows", async () => {
      const rows = await resultRows(finisher.race!.roomId);
      return rows.length === 2 ? rows : undefined;
    });
    assert.deepEqual(
      all.map((row) => [row.user_id, row.rank, row.finished_at === null]),
      [
        [finisher.id, 1, false],
        [leaver.id, null, true],
      ],
    );
  });

  it("tells a player when a race is their personal best, and the result API says so too", async () => {
    const racer = await Player.signIn(server.url, "Improver");
    const rival = await Player.signIn(server.url, "Rival");
    everyone.push(racer, rival);
    const raceOnce = async (intervalMs: number) => {
      for (const player of [racer, rival]) {
        player.finished = undefined;
        player.gameStart = undefined;
        await player.leaveAll();
        await player.queue();
      }
      await Promise.all([racer.enterRace(), rival.enterRace()]);
      await racer.waitForRacing();
      // A person's uneven rhythm: an even 50 ms a key, bunched by a loaded machine, was flagged
      // (more than 20 keys/s), and a flagged result is never a best.
      await racer.typeUnevenly(textOf(racer), intervalMs);
      const finished = await eventually("the finish", () => racer.finished);
      await rival.race!.leave();
      return finished;
    };
    const first = await raceOnce(140);
    assert.equal(first.isPersonalBest, true, "a first finished race is a personal best");
    const slower = await raceOnce(200);
    assert.equal(slower.isPersonalBest, false);
    const faster = await raceOnce(100);
    assert.ok(faster.wpm > first.wpm);
    assert.equal(faster.isPersonalBest, true);
    const result = await eventually("both results stored", async () => {
      const data = dataOf(
        await call<{ ranking: Array<{ userId: string; isPersonalBest: boolean }> }>(
          server.url,
          `/api/v1/games/${faster.gameId}/result`,
        ),
      );
      return data.ranking.length === 2 ? data : undefined;
    });
    assert.deepEqual(
      result.ranking.map((entry) => [entry.userId, entry.isPersonalBest]),
      [
        [racer.id, true],
        [rival.id, false],
      ],
    );
  });

  it("a player deleted mid-race: nothing is kept of them, the others are told the truth, their token is refused", async () => {
    const [ann, bob] = await raceOf(server, ["Ann", "Bob"], everyone);
    await ann.waitForRacing();
    await deleteUser(ann.id);
    ann.type(textOf(ann));
    assert.equal((await eventually("Ann's finish", () => ann.finished)).rank, 1);
    await bob.typeSlowly(textOf(bob), 70);
    const finished = await eventually("Bob's finish", () => bob.finished);
    assert.equal(finished.rank, 2);
    assert.equal(finished.isPersonalBest, true, "Bob's first race, stored as his best");
    const result = dataOf(
      await call<{ ranking: Array<{ userId: string; rank: number; isPersonalBest: boolean }> }>(
        server.url,
        `/api/v1/games/${finished.gameId}/result`,
      ),
    );
    assert.deepEqual(
      result.ranking.map((entry) => [entry.userId, entry.rank, entry.isPersonalBest]),
      [[bob.id, 2, true]],
      "the ranks the players were told, with a gap where Ann was",
    );
    const ready = dataOf(await call<{ degraded: string[] }>(server.url, "/readyz"));
    assert.deepEqual(ready.degraded, [], "nothing waits for Ann's result");

    const me = await call(server.url, "/api/v1/auth/me", { token: ann.accessToken });
    assert.equal(me.status, 401);
    assert.equal(errorOf(me).message, "this user no longer exists");
    await ann.leaveAll();
    await assert.rejects(ann.queue(), (error: { code: number }) => {
      assert.equal(joinRefusalCode(error.code), RoomCloseCode.UNAUTHORIZED);
      return true;
    });
  });

  it("flags a humanly impossible result", async () => {
    const [bot] = await raceOf(server, ["Bot", "Human"], everyone);
    await bot.waitForRacing();
    bot.type(textOf(bot));
    const finished = await eventually("the bot's finish", () => bot.finished);
    assert.ok(finished.wpm > 300);
    assert.equal(finished.isPersonalBest, false, "a flagged result is never a personal best");
    const [row] = await resultRows(bot.race!.roomId);
    assert.equal(row.flagged, true);
  });

  describe("HTTP", () => {
    it("GET /api/v1/games/:gameId shows the live race; countdown and result answer too", async () => {
      const [viewer, racer] = await raceOf(server, ["Viewer", "Racer"], everyone);
      const gameId = viewer.race!.roomId;
      const countdown = dataOf(
        await call<{ startsAt: string; secondsLeft: number }>(
          server.url,
          `/api/v1/games/${gameId}/countdown`,
        ),
      );
      assert.equal(Date.parse(countdown.startsAt), viewer.race!.state.startsAt);
      assert.ok(countdown.secondsLeft >= 0 && countdown.secondsLeft <= 1);

      await racer.waitForRacing();
      racer.type(`${racer.race!.state.words[0]} ab`);
      await eventually("synced", () => viewer.race!.state.players.get(racer.id)?.charIndex === 2);
      const live = dataOf(
        await call<{
          status: string;
          words: string[];
          secondsLeft: number;
          players: Array<Record<string, unknown>>;
        }>(server.url, `/api/v1/games/${gameId}`),
      );
      assert.equal(live.status, "racing");
      assert.deepEqual(live.words, [...viewer.race!.state.words]);
      assert.ok(live.secondsLeft > 100 && live.secondsLeft <= 120);
      assert.deepEqual(
        live.players.find((player) => player.id === racer.id),
        { id: racer.id, name: "Racer", wordIndex: 1, charIndex: 2, finished: false, rank: 0 },
      );

      viewer.type(textOf(viewer));
      await eventually("the viewer's finish", () => viewer.finished);
      const partial = dataOf(
        await call<{ status: string; ranking: Array<{ userId: string; rank: number | null }> }>(
          server.url,
          `/api/v1/games/${gameId}/result`,
        ),
      );
      assert.equal(partial.status, "racing");
      assert.deepEqual(
        partial.ranking.map((entry) => [entry.userId, entry.rank]),
        [[viewer.id, 1]],
      );

      await racer.race!.leave();
      await eventually("the race over", () => viewer.race!.state.status === "finished");
      await viewer.race!.leave();
      // The room is gone now: the game is read back from PostgreSQL, positions replayed from the logs.
      const stored = await eventually("the game read back as finished", async () => {
        const data = dataOf(
          await call<{ status: string; secondsLeft: number; players: Array<Record<string, unknown>> }>(
            server.url,
            `/api/v1/games/${gameId}`,
          ),
        );
        return data.status === "finished" ? data : undefined;
      });
      assert.equal(stored.secondsLeft, 0);
      assert.deepEqual(
        stored.players.map((player) => [
          player.id,
          player.finished,
          player.rank,
          player.wordIndex,
          player.charIndex,
        ]),
        [
          [viewer.id, true, 1, 3, viewer.race!.state.words[3]!.length],
          [racer.id, false, 0, 1, 2],
        ],
      );
      const result = dataOf(
        await call<{
          status: string;
          endedAt: string | null;
          ranking: Array<{
            userId: string;
            name: string;
            rank: number | null;
            finishedAt: string | null;
            wpm: number;
          }>;
        }>(server.url, `/api/v1/games/${gameId}/result`),
      );
      assert.equal(result.status, "finished");
      assert.ok(result.endedAt);
      assert.deepEqual(
        result.ranking.map((entry) => [entry.userId, entry.name, entry.rank, entry.finishedAt === null]),
        [
          [viewer.id, "Viewer", 1, false],
          [racer.id, "Racer", null, true],
        ],
      );
    });

    it("answers unknown and malformed game ids with 404 GAME_NOT_FOUND and 422", async () => {
      for (const path of ["", "/countdown", "/result"]) {
        const unknown = await call(server.url, `/api/v1/games/00000000-0000-4000-8000-000000000000${path}`);
        assert.equal(unknown.status, 404, path);
        assert.equal(errorOf(unknown).code, "GAME_NOT_FOUND");
        const malformed = await call(server.url, `/api/v1/games/42${path}`);
        assert.equal(malformed.status, 422, path);
        assert.equal(errorOf(malformed).code, "VALIDATION_ERROR");
      }
    });
  });
});

describe("TypingRoom: the time limit", function () {
  this.timeout(30_000);
  let server: TestServer;
  const everyone: Player[] = [];
  before(async () => {
    server = await startTestServer({ ...RACE_SETTINGS, RACE_TIME_LIMIT_MS: "1500" });
  });
  after(async () => {
    await Promise.all(everyone.map((player) => player.leaveAll()));
    await server.stop();
  });

  it("ends the race at the limit: whoever has not finished did not finish, scored over the time they typed", async () => {
    const [fast, slow] = await raceOf(server, ["Fast", "Slow"], everyone);
    await fast.waitForRacing();
    fast.type(textOf(fast));
    // The slow one types for 300 ms and stops: scored over those 300 ms, not the race's 1.5 s.
    await slow.typeSlowly(`${slow.race!.state.words[0]!.slice(0, 3)}x`, 100);
    await eventually("the race over", () => slow.race!.state.status === "finished", 5_000);
    assert.ok(Date.now() >= slow.race!.state.endsAt - 100);
    const slowState = slow.me()!;
    assert.deepEqual([slowState.finished, slowState.rank], [false, 0]);
    const rows = await eventually("both rows", async () => {
      const found = await resultRows(slow.race!.roomId);
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(
      rows.map((row) => [row.user_id, row.rank, row.finished_at === null]),
      [
        [fast.id, 1, false],
        [slow.id, null, true],
      ],
    );
    const typedFor = rows[1].duration_ms as number;
    assert.ok(typedFor >= 250 && typedFor <= 450, `typed for ${typedFor} ms, first key to last`);
    slow.press("b");
    await eventually("RACE_OVER", () => slow.errors.some((error) => error.code === "RACE_OVER"));
  });
});
