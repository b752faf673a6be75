import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import net from "node:net";
import { startTestServer, type TestServer } from "./support/server.ts";

/** Connections this machine's kernel has dropped because a listening socket's queue was full. */
async function listenOverflows(): Promise<number> {
  // /proc/net/netstat holds pairs of lines: the field names, then their values.
  const lines = (await readFile("/proc/net/netstat", "utf8")).split("\n");
  const names = lines.findIndex((line) => line.startsWith("TcpExt:"));
  const column = lines[names]!.split(" ").indexOf("ListenOverflows");
  return Number(lines[names + 1]!.split(" ")[column]);
}

/** Opens a connection and asks for /healthz; resolves once the answer begins. */
function healthCheck(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () =>
      socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    );
    socket.once("data", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", reject);
  });
}

describe("the server's listening socket (src/server.ts)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it("queues a burst of 1,500 connections rather than dropping some (each drop costs its client a second)", async () => {
    const before = await listenOverflows();
    await Promise.all(Array.from({ length: 1500 }, () => healthCheck(server.port)));
    assert.equal((await listenOverflows()) - before, 0, "connections dropped from a full accept queue");
  });
});
