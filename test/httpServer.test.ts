import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { startTestServer, type TestServer } from "./support/server.ts";

const opened = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });

/** Resolves once the server closes `socket`, with what it sent. */
const closedByServer = (socket: Socket) =>
  new Promise<string>((resolve) => {
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer));
  });

describe("the HTTP server's limits", function () {
  this.timeout(40_000);

  describe("connections per client address", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ MAX_CONNECTIONS_PER_IP: "5" });
    });
    after(async () => {
      await server.stop();
    });

    it("closes a client's connections beyond the cap at once, and takes new ones as old ones close", async () => {
      const held = await Promise.all(Array.from({ length: 5 }, () => opened(server.port)));
      const extra = await opened(server.port);
      const answer = await Promise.race([
        closedByServer(extra),
        new Promise((r) => setTimeout(r, 2_000, "open")),
      ]);
      assert.equal(answer, "", "the sixth connection was closed without a word");
      held[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200, "a slot was freed");
      for (const socket of held) socket.destroy();
    });
  });

  describe("slow requests", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(async () => {
      await server.stop();
    });

    it("cuts off a body trickled in a byte at a time within the request timeout (408)", async () => {
      const socket = await opened(server.port);
      const closed = closedByServer(socket);
      const started = Date.now();
      socket.write(
        "POST /api/v1/auth/guest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
      );
      const trickle = setInterval(() => socket.writable && socket.write(" "), 1_000);
      const answer = await closed;
      clearInterval(trickle);
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.ok(Date.now() - started < 20_000, `cut off after ${Date.now() - started} ms`);
    });

    it("cuts off headers that never end within the headers timeout", async () => {
      const socket = await opened(server.port);
      const closed = closedByServer(socket);
      const started = Date.now();
      socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
      const trickle = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 1_000);
      await closed;
      clearInterval(trickle);
      assert.ok(Date.now() - started < 15_000, `cut off after ${Date.now() - started} ms`);
    });
  });
});
