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
import { timeLimitFor } from "./game/race/race.ts";
import { DEFAULT_SKILL_WINDOWS, parseSkillWindows, type SkillWindow } from "./game/skillMatch.ts";
import { RACE_LENGTHS } from "./protocol.ts";

/**
 * How often a race sends its players the state's changes: each patch is a write to every socket,
 * the race's main cost; opponents' carets ease between patches in the web client. The cheapest
 * interval whose keystroke-to-opponent p99 stays within 150 ms at 1,000–1,500 racers a process
 * (bench/README.md): 75 ms costs less CPU per keystroke than 50, and 100 ms is over.
 */
export const DEFAULT_RACE_PATCH_MS = 75;

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

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http to this machine only (a provider run locally, as the tests do). */
const secureUrl = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  },
  { error: "expected an https:// URL (http:// only for localhost or 127.0.0.1)" },
);

const commaList = (item: z.ZodType<string, string>, what: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item, { error: `expected a comma-separated list of ${what}` }))
    .default([]);

const PROVIDER_ID = /^[a-z][a-z0-9]{0,31}$/;
const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  error: "expected origins like https://app.example.com (scheme, host and port only, no trailing slash)",
});

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: integer(0, 65535, 2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:(\d{1,5}|\{port\}))?(\/[\w./{}-]*)?$/, {
      error:
        "expected host[:port][/path] as clients reach this process, e.g. game1.example.com, 10.0.0.5:{port} or example.com/{port}",
    })
    .optional(),
  DATABASE_URL: urlWithScheme(["postgres:", "postgresql:"]),
  REDIS_URL: urlWithScheme(["redis:", "rediss:"]),
  DATA_DIR: z.string().min(1).default("./.typephoon"),
  // Believing nobody by default: otherwise any client where the trusted proxy runs (this very
  // machine, for loopback) could name its own address and dodge the per-IP limits.
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, {
      error: "expected none, or Express trust-proxy syntax, e.g. loopback or 10.0.0.0/8, loopback",
    })
    .default("none")
    .transform((value) => (value === "none" ? false : value)),
  JWT_SECRET: z.string().min(32, { error: "expected at least 32 characters" }).optional(),
  MONITOR_PASSWORD: z.string().min(8, { error: "expected at least 8 characters" }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  LOBBY_MAX_PLAYERS: integer(1, 20, 5),
  LOBBY_COUNTDOWN_MS: integer(0, 600_000, 10_000),
  RACE_START_COUNTDOWN_MS: integer(0, 600_000, 5_000),
  RACE_TIME_LIMIT_MS: integer(1_000, 3_600_000, 120_000),
  RACE_WORDS: integer(1, 500, 25),
  RACE_MAX_SPECTATORS: integer(0, 1_000, 50),
  RACE_PATCH_MS: integer(16, 1_000, DEFAULT_RACE_PATCH_MS),
  RECONNECT_GRACE_S: integer(0, 600, 20),
  SKILL_WINDOWS: z
    .string()
    .default(DEFAULT_SKILL_WINDOWS)
    .transform((value, context) => {
      try {
        return parseSkillWindows(value);
      } catch (error) {
        context.addIssue({
          code: "custom",
          message: `expected lobby-age-ms:rating-distance steps like ${DEFAULT_SKILL_WINDOWS}: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  METRICS_PORT: z.coerce
    .number({ error: "expected a port number" })
    .int({ error: "expected a port number" })
    .min(0, { error: "expected a port number" })
    .max(65535, { error: "expected a port number" })
    .optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: "expected a number of milliseconds" })
    .int({ error: "expected a number of milliseconds" })
    .min(1_000, { error: "expected at least 1000 ms" })
    .optional(),
  PUBLIC_URL: urlWithScheme(["http:", "https:"]),
  WEB_APP_URL: z
    .string()
    .refine((value) => /^\/(?!\/)/.test(value) || /^https?:\/\//.test(value), {
      error: "expected a path starting with / or an http(s) URL",
    })
    .default("/"),
  CORS_ORIGINS: commaList(origin, "origins"),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(0, 100_000, 60),
  ACCESS_TOKEN_TTL_S: integer(5, 86_400, 15 * 60),
  API_RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000, 600),
  MAX_CONNECTIONS_PER_IP: integer(0, 1_000_000, 500),
  USER_RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000, 300),
  OIDC_PROVIDERS: commaList(
    z.string().regex(PROVIDER_ID, { error: "expected lowercase provider ids like google,github,corp" }),
    "provider ids",
  ),
});

type NodeEnv = z.infer<typeof envSchema>["NODE_ENV"];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A sign-in provider: an OpenID Connect issuer (discovered), or GitHub's OAuth 2 (not OIDC). */
export type IdentityProviderSettings =
  | {
      kind: "oidc";
      /** in the routes: /api/v1/auth/<id>/login */
      id: string;
      /** on the web client's button */
      name: string;
      issuer: string;
      clientId: string;
      clientSecret: string;
    }
  | {
      kind: "github";
      id: "github";
      name: string;
      authorizationUrl: string;
      tokenUrl: string;
      userUrl: string;
      clientId: string;
      clientSecret: string;
    };

export interface GameTimings {
  lobbyMaxPlayers: number;
  lobbyCountdownMs: number;
  raceStartCountdownMs: number;
  raceTimeLimitMs: number;
  /** the default race length, and the one RACE_TIME_LIMIT_MS is for */
  raceWords: number;
  raceMaxSpectators: number;
  /** ms between a race's patches (Colyseus's patch rate) */
  racePatchMs: number;
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
  /** false: no proxy is believed */
  trustProxy: string | false;
  jwtSecret: string | undefined;
  monitorPassword: string | undefined;
  logLevel: LogLevel;
  game: GameTimings;
  /** matchmaking by skill: how far from a lobby's mean rating it accepts players, by its age */
  skillWindows: SkillWindow[];
  /** after SIGTERM, how long running races may take to finish before the process exits anyway */
  shutdownTimeoutMs: number;
  /** undefined: /metrics is served on PORT behind the monitor password; else on this port, open */
  metricsPort: number | undefined;
  /** externally visible base URL, no trailing slash: the sign-in providers redirect back to it */
  publicUrl: string;
  /** where the browser lands after signing in or out: a path on this server or a URL */
  webAppUrl: string;
  /** origins (besides this server's own) whose pages may call the API with credentials */
  corsOrigins: string[];
  /** requests per minute and client IP to the auth routes; 0 = unlimited */
  authRateLimitPerMinute: number;
  /** how long a registered account's access token lasts (its refresh token renews it) */
  accessTokenTtlS: number;
  /** requests per minute to /api, per client IP and per access token; 0 = unlimited */
  apiRateLimitPerMinute: { perIp: number; perUser: number };
  /** open connections one client address may hold (0 = no cap); not applied behind a trusted proxy */
  maxConnectionsPerIp: number;
  identityProviders: IdentityProviderSettings[];
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
const echoes = (name: string) => !UNECHOED.has(name) && !name.endsWith("_CLIENT_SECRET");

/** Parses and validates the environment; throws a ConfigError naming the first bad variable. */
export function parseSettings(env: Env = environment()): Settings {
  // An empty value (`PORT=` in a .env file) means "use the default", as most tools read it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const echo = env[name] !== undefined && echoes(name);
    const got = echo ? ` (got ${JSON.stringify(env[name])})` : "";
    throw new ConfigError(`${name}: ${issue.message}${got}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    // "{port}" lets every process of a cluster (npm run cluster, PM2) share one setting.
    publicAddress: e.PUBLIC_ADDRESS?.replaceAll("{port}", String(e.PORT)),
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
      raceMaxSpectators: e.RACE_MAX_SPECTATORS,
      racePatchMs: e.RACE_PATCH_MS,
      reconnectGraceS: e.RECONNECT_GRACE_S,
    },
    // Long enough for a race of the longest length that has just been created to run to its end.
    skillWindows: e.SKILL_WINDOWS,
    shutdownTimeoutMs:
      e.SHUTDOWN_TIMEOUT_MS ??
      e.RACE_START_COUNTDOWN_MS +
        timeLimitFor(Math.max(...RACE_LENGTHS), e.RACE_TIME_LIMIT_MS, e.RACE_WORDS) +
        15_000,
    metricsPort: e.METRICS_PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    webAppUrl: e.WEB_APP_URL,
    corsOrigins: e.CORS_ORIGINS,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
    apiRateLimitPerMinute: { perIp: e.API_RATE_LIMIT_PER_MINUTE, perUser: e.USER_RATE_LIMIT_PER_MINUTE },
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    identityProviders: [...new Set(e.OIDC_PROVIDERS)].map((id) => identityProvider(id, present)),
  };
}

/** Presets fill in what Google's and GitHub's sign-in need beyond the client's id and secret. */
const PROVIDER_PRESETS: Record<string, { name: string; issuer?: string }> = {
  google: { name: "Google", issuer: "https://accounts.google.com" },
  github: { name: "GitHub" },
};
const GITHUB_URLS = {
  AUTHORIZATION_URL: "https://github.com/login/oauth/authorize",
  TOKEN_URL: "https://github.com/login/oauth/access_token",
  USER_URL: "https://api.github.com/user",
};

/** OIDC_<ID>_* of one provider named in OIDC_PROVIDERS. */
function identityProvider(id: string, env: Env): IdentityProviderSettings {
  const prefix = `OIDC_${id.toUpperCase()}_`;
  const read = <T>(suffix: string, schema: z.ZodType<T>): T => {
    const name = prefix + suffix;
    const parsed = schema.safeParse(env[name]);
    if (parsed.success) return parsed.data;
    const got = env[name] !== undefined && echoes(name) ? ` (got ${JSON.stringify(env[name])})` : "";
    throw new ConfigError(`${name}: ${parsed.error.issues[0]!.message}${got}`);
  };
  const required = z.string({ error: `required: OIDC_PROVIDERS names ${id}` }).min(1);
  const preset = PROVIDER_PRESETS[id];
  const displayName = z.string().trim().min(1).max(40);
  const common = {
    name: read("DISPLAY_NAME", displayName.default(preset?.name ?? capitalized(id))),
    clientId: read("CLIENT_ID", required),
    clientSecret: read("CLIENT_SECRET", required),
  };
  if (id === "github") {
    const url = (suffix: keyof typeof GITHUB_URLS) => read(suffix, secureUrl.default(GITHUB_URLS[suffix]));
    return {
      kind: "github",
      id,
      ...common,
      authorizationUrl: url("AUTHORIZATION_URL"),
      tokenUrl: url("TOKEN_URL"),
      userUrl: url("USER_URL"),
    };
  }
  const issuer = read("ISSUER", preset?.issuer ? secureUrl.default(preset.issuer) : required.pipe(secureUrl));
  return { kind: "oidc", id, ...common, issuer };
}

const capitalized = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/**
 * Secrets not given by the environment: in production that is an error (a restart must not
 * silently sign everyone out); elsewhere they are generated once and kept under DATA_DIR so that
 * tokens survive restarts.
 */
export async function resolveSecrets(settings: Settings): Promise<Config> {
  // Processes sharing Redis verify each other's tokens: one generated per DATA_DIR would sign
  // every player out of every process but the one that signed them in.
  if (settings.redisUrl && !settings.jwtSecret) {
    throw new ConfigError(
      "JWT_SECRET: required when REDIS_URL is set (every process must sign with the same secret)",
    );
  }
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
