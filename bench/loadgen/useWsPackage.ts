/**
 * Imported first by the generator: Node 24 has a global WebSocket (undici's), which @colyseus/sdk
 * prefers when present. Removing it makes the SDK use the `ws` package, the same client stack as the
 * naive baseline's players, so that the three systems are driven by the same WebSocket code.
 */
delete (globalThis as { WebSocket?: unknown }).WebSocket;
