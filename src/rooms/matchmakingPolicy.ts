import { ErrorCode, matchMaker, ServerError } from "@colyseus/core";
import { RoomName } from "../protocol.ts";

/**
 * What clients may ask the matchmaker for: they queue into lobbies, and they (re)join a room they
 * know by id. Nobody creates a race but a lobby, so `create`, and `joinOrCreate`/`join` of
 * anything but a lobby, are refused. The rooms' onAuth then decides who may join what.
 */
const ALLOWED: Record<string, (roomNameOrId: string) => boolean> = {
  joinOrCreate: (roomName) => roomName === RoomName.LOBBY,
  join: (roomName) => roomName === RoomName.LOBBY,
  joinById: () => true,
  reconnect: () => true,
};

const { controller } = matchMaker;
const invokeUnrestricted = controller.invokeMethod;

export function restrictClientMatchmaking(): void {
  controller.exposedMethods = Object.keys(ALLOWED);
  controller.invokeMethod = function (this: typeof controller, method, roomName, ...rest) {
    if (!ALLOWED[method]?.(roomName)) {
      throw new ServerError(ErrorCode.MATCHMAKE_NO_HANDLER, `clients cannot ${method} "${roomName}"`);
    }
    return invokeUnrestricted.call(this, method, roomName, ...rest);
  };
}
