import { ColyseusTestServer } from "@colyseus/testing";
import type { TestServer } from "./server.ts";

/**
 * Colyseus's own test harness (`createRoom`, `connectTo`, the server-side rooms) over a real
 * Typephoon server: the same process `npm start` runs, with its matchmaking, auth and stores.
 */
export function colyseusTestingOf(server: TestServer): ColyseusTestServer {
  // The harness reads the port the server was asked for; a test server asks for any free one.
  (server.gameServer as unknown as { port: number }).port = server.port;
  return new ColyseusTestServer(server.gameServer);
}
