import { connect, createServer, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /** Like a network failure: drops every open connection and refuses new ones. */
  cut(): void;
  /**
   * Like a partition (packets dropped, no reset): every connection stays open and new ones are
   * accepted, but nothing is forwarded either way until `restore()`, when what was sent meanwhile
   * arrives, as TCP's retransmissions would deliver it once the network heals.
   */
  drop(): void;
  /**
   * Like a server that accepts connections and then fails them: every open connection is reset,
   * and each new one is accepted, then reset as soon as the client speaks, until `restore()`.
   */
  reset(): void;
  restore(): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
}

/** A TCP proxy on 127.0.0.1 that a test can cut, partition and restore, to take a service away and back. */
export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const links = new Set<Link>();
  let isCut = false;
  let isDropping = false;
  let isResetting = false;
  const forward = ({ client, upstream }: Link) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const hold = ({ client, upstream }: Link) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    if (isResetting) {
      client.once("data", () => client.resetAndDestroy()).on("error", () => {});
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const link = { client, upstream };
    open.add(client);
    open.add(upstream);
    links.add(link);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      links.delete(link);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    if (isDropping) hold(link);
    else forward(link);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      isCut = true;
      for (const socket of open) socket.destroy();
      open.clear();
      links.clear();
    },
    drop() {
      if (isDropping) return;
      isDropping = true;
      for (const link of links) hold(link);
    },
    reset() {
      isResetting = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
      links.clear();
    },
    restore() {
      isCut = false;
      isResetting = false;
      if (!isDropping) return;
      isDropping = false;
      for (const link of links) forward(link);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
