import { Router } from "express";
import type { TokenService } from "../auth/tokens.ts";
import { ApiErrorCode } from "../protocol.ts";
import { describeLobby, leaveLobby } from "../rooms/liveRooms.ts";
import { requireUser, signedInUser } from "./authenticate.ts";
import { type LeaveLobbyResponse, type LobbyResponse, lobbyParams } from "./contracts/games.ts";
import { ApiError } from "./errors.ts";
import { sendData } from "./respond.ts";
import { parseInput } from "./validate.ts";

const lobbyNotFound = () => new ApiError(404, ApiErrorCode.LOBBY_NOT_FOUND, "no open lobby with this id");

export function lobbyRoutes(deps: { tokens: TokenService }): Router {
  const router = Router();

  router.get("/:roomId", async (req, res) => {
    const { roomId } = parseInput(lobbyParams, req.params, "params");
    const lobby = await describeLobby(roomId);
    if (!lobby) throw lobbyNotFound();
    sendData<LobbyResponse>(res, 200, lobby);
  });

  /** Leaving through HTTP (a closing page's beacon): the same as leaving the room. */
  router.post("/:roomId/leave", requireUser(deps.tokens), async (req, res) => {
    const { roomId } = parseInput(lobbyParams, req.params, "params");
    const outcome = await leaveLobby(roomId, signedInUser(res).id);
    if (outcome === "no-lobby") throw lobbyNotFound();
    if (outcome === "not-in-lobby")
      throw new ApiError(404, ApiErrorCode.NOT_IN_LOBBY, "you are not in this lobby");
    sendData<LeaveLobbyResponse>(res, 200, { left: true });
  });

  return router;
}
