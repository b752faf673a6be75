import type { Settings } from "../config.ts";
import type { Logger } from "../log.ts";
import { startEmbeddedPostgres } from "./embeddedPostgres.ts";

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL under DATA_DIR, started here. */
export async function provideDatabaseServer(settings: Settings, log: Logger): Promise<DatabaseServer> {
  if (settings.databaseUrl) return { url: settings.databaseUrl, embedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: settings.dataDir, log });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
