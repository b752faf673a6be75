/**
 * The HTTP server the game server listens on, with limits a client cannot run it out of:
 * - a request's headers must arrive within HEADERS_TIMEOUT_MS and the whole request within
 *   REQUEST_TIMEOUT_MS (every body here is at most 16 KB), checked every second, so connections
 *   that trickle bytes are cut off (408) rather than held;
 * - one client address holds at most `maxConnectionsPerIp` open connections (HTTP and WebSocket);
 *   further ones are closed at once. Behind a trusted proxy every connection comes from the proxy,
 *   so the cap is the proxy's business there.
 */
import { createServer, type Server } from "node:http";

const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

export function createHttpServer(options: { maxConnectionsPerIp: number }): Server {
  const server = createServer({
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: 1_000,
  });
  const cap = options.maxConnectionsPerIp;
  if (cap > 0) {
    const open = new Map<string, number>();
    server.on("connection", (socket) => {
      const address = socket.remoteAddress ?? "";
      const count = (open.get(address) ?? 0) + 1;
      if (count > cap) {
        socket.destroy();
        return;
      }
      open.set(address, count);
      socket.once("close", () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    });
  }
  return server;
}
