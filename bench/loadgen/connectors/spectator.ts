/**
 * A Typephoon spectator, as a browser watching a race: a signed-in guest joins the race by its id with
 * `spectate`, takes the full state and decodes every patch after it. It follows every racer of the
 * race, so what it sees of their keys is measured like an opponent's view.
 */
import type { Client } from "@colyseus/sdk";
import type { RaceStateShape } from "../../../src/protocol.ts";
import type { Racer, Tally } from "../racer.ts";
import { countMessages, followOpponents } from "./seat.ts";

/** Watches race `gameId` through `client`; resolves, once the full state is in, with the way out. */
export async function spectate(
  client: Client,
  gameId: string,
  watcher: Racer,
  tally: Tally,
): Promise<() => Promise<void>> {
  const race = await client.joinById<RaceStateShape>(gameId, { spectate: true });
  await new Promise((resolve) => race.onStateChange.once(resolve));
  countMessages(race, tally);
  followOpponents(race, watcher);
  let leaving = false;
  race.onLeave(() => {
    if (!leaving) tally.disconnects++;
  });
  return async () => {
    leaving = true;
    if (race.connection?.isOpen) await race.leave();
  };
}
