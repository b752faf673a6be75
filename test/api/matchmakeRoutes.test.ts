import assert from "node:assert/strict";
import { connect } from "node:net";
import { matchMaker } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { joinRefusalCode, RoomCloseCode, RoomName } from "../../src/protocol.ts";
import { call, errorOf, signInGuest } from "../support/http.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const lobbies = async () => (await matchMaker.query({ name: RoomName.LOBBY })).length;

/** A raw HTTP request: only its head and `body`, whatever Content-Length the head announces. */
function rawRequest(
  port: number,
  head: string,
  body = "",
): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => socket.write(`${head}\r\n\r\n${body}`));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ answer, closedAfterMs: Date.now() - started }));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

describe("matchmaking (POST /matchmake/:method/:roomName)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ LOBBY_COUNTDOWN_MS: "60000" });
  });
  after(async () => {
    await server.stop();
  });
  const matchmake = (path: string, init: Parameters<typeof call>[2] = {}) =>
    call(server.url, `/matchmake/${path}`, { method: "POST", json: {}, ...init });

  it("gives no seat without a valid token: 300 token-less and forged requests make no lobby", async () => {
    const anonymous = await Promise.all(Array.from({ length: 150 }, () => matchmake("joinOrCreate/lobby")));
    const forged = await Promise.all(
      Array.from({ length: 150 }, () => matchmake("joinOrCreate/lobby", { token: "forged.token.here" })),
    );
    for (const answer of [...anonymous, ...forged]) {
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "UNAUTHORIZED");
    }
    const [first] = anonymous;
    assert.match((first!.body as { message?: string }).message ?? "", /^UNAUTHORIZED: sign in first/);
    assert.equal(await lobbies(), 0);
  });

  it("refuses through the SDK with the 4401 contract (HTTP 401, message UNAUTHORIZED: …)", async () => {
    const sdk = new Client(server.url.replace("http", "ws"));
    await assert.rejects(sdk.joinOrCreate(RoomName.LOBBY), (error: { code: number; message: string }) => {
      assert.equal(error.code, 401);
      assert.equal(joinRefusalCode(error.code), RoomCloseCode.UNAUTHORIZED);
      assert.match(error.message, /^UNAUTHORIZED: /);
      return true;
    });
  });

  it("refuses options a lobby does not take with BAD_OPTIONS (4400), seating nobody", async () => {
    const { accessToken } = await signInGuest(server.url, "Opt");
    for (const json of [{ words: "many" }, { extra: true }]) {
      const answer = await matchmake("joinOrCreate/lobby", { token: accessToken, json });
      assert.equal(answer.status, 400, JSON.stringify(json));
      assert.equal(errorOf(answer).code, "BAD_OPTIONS");
    }
    for (const body of ["[1,2]", '"lobby"', "null"]) {
      const answer = await matchmake("joinOrCreate/lobby", {
        token: accessToken,
        body,
        json: undefined,
        headers: { "content-type": "application/json" },
      });
      assert.ok([400, 422].includes(answer.status), `${body}: ${answer.status}`);
    }
    const broken = await matchmake("joinOrCreate/lobby", {
      token: accessToken,
      json: undefined,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(broken.status, 400);
    assert.equal(errorOf(broken).code, "BAD_JSON");
    assert.equal(await lobbies(), 0);
  });

  it("answers prototype names, unknown methods and rooms clients may not reach with 404, in the envelope", async () => {
    const { accessToken } = await signInGuest(server.url, "Proto");
    for (const path of [
      "__proto__/lobby",
      "__defineGetter__/lobby",
      "__defineSetter__/lobby",
      "constructor/lobby",
      "hasOwnProperty/lobby",
      "create/lobby",
      "create/race",
      "joinOrCreate/race",
      "joinOrCreate/__proto__",
      "join/constructor",
    ]) {
      const answer = await matchmake(path, { token: accessToken });
      assert.equal(answer.status, 404, path);
      assert.equal(errorOf(answer).code, "NOT_FOUND", path);
    }
    const unknownRoom = await matchmake("joinById/noSuchRoom", { token: accessToken });
    assert.equal(unknownRoom.status, 404);
    assert.equal(errorOf(unknownRoom).code, "ROOM_NOT_FOUND");
    assert.equal(await lobbies(), 0);
  });

  it("seats a signed-in player, answering the seat reservation the SDK consumes", async () => {
    const { accessToken } = await signInGuest(server.url, "Seated");
    const answer = await call<unknown>(server.url, "/matchmake/joinOrCreate/lobby", {
      method: "POST",
      json: {},
      token: accessToken,
    });
    assert.equal(answer.status, 200);
    const seat = answer.body as unknown as { name: string; roomId: string; sessionId: string };
    assert.equal(seat.name, RoomName.LOBBY);
    assert.ok(seat.roomId && seat.sessionId);
    assert.ok(answer.headers.get("x-request-id"), "the API's request log saw it");
  });
});

describe("bodies: refused before they are read, on every route", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  for (const path of ["/matchmake/joinOrCreate/lobby", "/api/v1/auth/guest", "/", "/no/such/route"]) {
    it(`${path}: a body announced over 16 KB is answered 413 at once and the connection closed`, async () => {
      const { answer, closedAfterMs } = await rawRequest(
        server.port,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 262144000`,
        "{",
      );
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.match(answer, /"PAYLOAD_TOO_LARGE"/);
      assert.ok(closedAfterMs < 2_000, `the server closed the connection (after ${closedAfterMs} ms)`);
    });
  }

  it("a body of unknown length (chunked) is answered 411", async () => {
    const { answer } = await rawRequest(
      server.port,
      "POST /matchmake/joinOrCreate/lobby HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
      "2\r\n{}\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 411 /);
    assert.match(answer, /"LENGTH_REQUIRED"/);
  });

  it("a body of 16 KB or less is read as before", async () => {
    const answer = await call(server.url, "/api/v1/auth/guest", {
      method: "POST",
      json: { name: "x".repeat(10) },
    });
    assert.equal(answer.status, 201);
  });
});

describe("matchmaking rate limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ API_RATE_LIMIT_PER_MINUTE: "20", USER_RATE_LIMIT_PER_MINUTE: "3" });
  });
  after(async () => {
    await server.stop();
  });

  it("per session and per IP, like the API, with Retry-After", async () => {
    const { accessToken } = await signInGuest(server.url, "Eager");
    const ask = (token?: string) =>
      call(server.url, "/matchmake/joinOrCreate/lobby", {
        method: "POST",
        json: {},
        ...(token ? { token } : {}),
      });
    for (let i = 0; i < 3; i++) assert.equal((await ask(accessToken)).status, 200);
    const perSession = await ask(accessToken);
    assert.equal(perSession.status, 429);
    assert.equal(errorOf(perSession).code, "RATE_LIMITED");
    assert.ok(Number(perSession.headers.get("retry-after")) >= 1);
    let status = 401;
    for (let i = 0; i < 25 && status !== 429; i++) status = (await ask()).status;
    assert.equal(status, 429, "token-less requests spend their IP's budget");
  });
});
