/**
 * The one place that reads the environment. Every variable is validated here, documented in
 * `.env.example` and the README, and has a sane default so `npm start` works with none set.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `expected an integer between ${min} and ${max}` })
    .int({ error: `expected an integer between ${min} and ${max}` })
    .min(min, { error: `expected an integer between ${min} and ${max}` })
    .max(max, { error: `expected an integer between ${min} and ${max}` })
    .default(fallback);

const urlWithScheme = (schemes: string[]) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && schemes.includes(new URL(value).protocol), {
      error: `expected a URL starting with ${schemes.map((s) => `${s}//`).join(" or ")}`,
    })
    .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: integer(0, 65535, 2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?(\/[\w./-]*)?$/, {
      error:
        "expected host[:port][/path] as clients reach this process, e.g. game1.example.com or 10.0.0.5:2567",
    })
    .optional(),
  DATABASE_URL: urlWithScheme(["postgres:", "postgresql:"]),
  REDIS_URL: urlWithScheme(["redis:", "rediss:"]),
  DATA_DIR: z.string().min(1).default("./.typephoon"),
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, {
      error: "expected Express trust-proxy syntax, e.g. loopback or 10.0.0.0/8, loopback",
    })
    .default("loopback"),
  JWT_SECRET: z.string().min(32, { error: "expected at least 32 characters" }).optional(),
  MONITOR_PASSWORD: z.string().min(8, { error: "expected at least 8 characters" }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  LOBBY_MAX_PLAYERS: integer(1, 20, 5),
  LOBBY_COUNTDOWN_MS: integer(0, 600_000, 10_000),
  RACE_START_COUNTDOWN_MS: integer(0, 600_000, 5_000),
  RACE_TIME_LIMIT_MS: integer(1_000, 3_600_000, 120_000),
  RACE_WORDS: integer(1, 500, 25),
  RECONNECT_GRACE_S: integer(0, 600, 20),
});

export type NodeEnv = z.infer<typeof envSchema>["NODE_ENV"];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface GameTimings {
  lobbyMaxPlayers: number;
  lobbyCountdownMs: number;
  raceStartCountdownMs: number;
  raceTimeLimitMs: number;
  raceWords: number;
  reconnectGraceS: number;
}

/** What the environment says, before secrets are resolved. */
export interface Settings {
  env: NodeEnv;
  port: number;
  host: string;
  publicAddress: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  /** Which proxies' X-Forwarded-* headers are believed (Express "trust proxy" syntax). */
  trustProxy: string;
  jwtSecret: string | undefined;
  monitorPassword: string | undefined;
  logLevel: LogLevel;
  game: GameTimings;
}

export interface Config extends Settings {
  jwtSecret: string;
  /** undefined = the monitor is off (production without MONITOR_PASSWORD). */
  monitorPassword: string | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** Values that may hold credentials are never repeated in error messages. */
const UNECHOED = new Set(["JWT_SECRET", "MONITOR_PASSWORD", "DATABASE_URL", "REDIS_URL"]);

/** Parses and validates the environment; throws a ConfigError naming the first bad variable. */
export function parseSettings(env: Env = environment()): Settings {
  // An empty value (`PORT=` in a .env file) means "use the default", as most tools read it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const echo = env[name] !== undefined && !UNECHOED.has(name);
    const got = echo ? ` (got ${JSON.stringify(env[name])})` : "";
    throw new ConfigError(`${name}: ${issue.message}${got}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicAddress: e.PUBLIC_ADDRESS,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    trustProxy: e.TRUST_PROXY,
    jwtSecret: e.JWT_SECRET,
    monitorPassword: e.MONITOR_PASSWORD,
    logLevel: e.LOG_LEVEL,
    game: {
      lobbyMaxPlayers: e.LOBBY_MAX_PLAYERS,
      lobbyCountdownMs: e.LOBBY_COUNTDOWN_MS,
      raceStartCountdownMs: e.RACE_START_COUNTDOWN_MS,
      raceTimeLimitMs: e.RACE_TIME_LIMIT_MS,
      raceWords: e.RACE_WORDS,
      reconnectGraceS: e.RECONNECT_GRACE_S,
    },
  };
}

/**
 * Secrets not given by the environment: in production that is an error (a restart must not
 * silently sign everyone out); elsewhere they are generated once and kept under DATA_DIR so that
 * tokens survive restarts.
 */
export async function resolveSecrets(settings: Settings): Promise<Config> {
  if (settings.env === "production") {
    if (!settings.jwtSecret) throw new ConfigError("JWT_SECRET: required when NODE_ENV=production");
    return { ...settings, jwtSecret: settings.jwtSecret };
  }
  const jwtSecret = settings.jwtSecret ?? (await storedSecret(settings.dataDir, "jwt-secret", 48));
  const monitorPassword =
    settings.monitorPassword ?? (await storedSecret(settings.dataDir, "monitor-password", 12));
  return { ...settings, jwtSecret, monitorPassword };
}

/**
 * The process environment over the variables of a `.env` file in the working directory, if there
 * is one (the environment wins, as with `node --env-file`).
 */
export function environment(envFile = ".env"): Env {
  let fromFile: Env = {};
  try {
    fromFile = parseEnv(readFileSync(envFile, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new ConfigError(`${envFile}: ${(error as Error).message}`);
  }
  return { ...fromFile, ...process.env };
}

/** Reads the whole environment: the server's entry point calls this once. */
export async function loadConfig(env: Env = environment()): Promise<Config> {
  return resolveSecrets(parseSettings(env));
}

/**
 * A random secret kept in DATA_DIR/secrets/<name> (mode 0600), created on first use. One file per
 * secret, created exclusively, so processes started together all end up with the same value.
 */
export async function storedSecret(dataDir: string, name: string, bytes: number): Promise<string> {
  const dir = path.join(dataDir, "secrets");
  const file = path.join(dir, name);
  await mkdir(dataDir, { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, randomBytes(bytes).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = (await readFile(file, "utf8")).trim();
  if (!secret) throw new ConfigError(`${file}: empty secret file; delete it to generate a new one`);
  return secret;
}
