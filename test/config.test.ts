import assert from "node:assert/strict";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, environment, parseSettings, resolveSecrets } from "../src/config.ts";

describe("config", () => {
  it("has a default for everything, so a fresh machine needs no variables", () => {
    const settings = parseSettings({});
    assert.equal(settings.env, "development");
    assert.equal(settings.port, 2567);
    assert.equal(settings.host, "0.0.0.0");
    assert.equal(settings.databaseUrl, undefined);
    assert.equal(settings.redisUrl, undefined);
    assert.equal(settings.dataDir, path.resolve(".typephoon"));
    assert.equal(settings.logLevel, "info");
    assert.equal(settings.trustProxy, false, "no proxy is believed unless named");
    assert.deepEqual(settings.game, {
      lobbyMaxPlayers: 5,
      lobbyCountdownMs: 10_000,
      raceStartCountdownMs: 5_000,
      raceTimeLimitMs: 120_000,
      raceWords: 25,
      raceMaxSpectators: 50,
      racePatchMs: 75,
      reconnectGraceS: 20,
    });
  });

  it("reads every variable", () => {
    const settings = parseSettings({
      NODE_ENV: "production",
      PORT: "3000",
      HOST: "127.0.0.1",
      PUBLIC_ADDRESS: "game1.example.com:3000",
      DATABASE_URL: "postgresql://u:p@db:5432/typephoon",
      REDIS_URL: "redis://cache:6379/0",
      DATA_DIR: "/var/lib/typephoon",
      JWT_SECRET: "x".repeat(32),
      MONITOR_PASSWORD: "hunter2hunter2",
      LOG_LEVEL: "debug",
      LOBBY_MAX_PLAYERS: "8",
      LOBBY_COUNTDOWN_MS: "3000",
      RACE_START_COUNTDOWN_MS: "1000",
      RACE_TIME_LIMIT_MS: "60000",
      RACE_WORDS: "50",
      RECONNECT_GRACE_S: "5",
    });
    assert.equal(settings.port, 3000);
    assert.equal(settings.publicAddress, "game1.example.com:3000");
    assert.equal(settings.databaseUrl, "postgresql://u:p@db:5432/typephoon");
    assert.equal(settings.redisUrl, "redis://cache:6379/0");
    assert.equal(settings.dataDir, "/var/lib/typephoon");
    assert.equal(settings.logLevel, "debug");
    assert.deepEqual(settings.game, {
      lobbyMaxPlayers: 8,
      lobbyCountdownMs: 3000,
      raceStartCountdownMs: 1000,
      raceTimeLimitMs: 60_000,
      raceWords: 50,
      raceMaxSpectators: 50,
      racePatchMs: 75,
      reconnectGraceS: 5,
    });
  });

  it("reads a .env file under the real environment, which wins", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "typephoon-env-"));
    const file = path.join(dir, ".env");
    await writeFile(file, "# comment\nRACE_WORDS=40\nPATH=/from-file\n");
    const env = environment(file);
    assert.equal(env.RACE_WORDS, "40");
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(environment(path.join(dir, "missing.env")).RACE_WORDS, process.env.RACE_WORDS);
  });

  it("fills {port} in PUBLIC_ADDRESS with the process's PORT, so a cluster shares one setting", () => {
    assert.equal(
      parseSettings({ PORT: "2569", PUBLIC_ADDRESS: "10.0.0.5:{port}" }).publicAddress,
      "10.0.0.5:2569",
    );
    assert.equal(
      parseSettings({ PORT: "2570", PUBLIC_ADDRESS: "example.com/{port}" }).publicAddress,
      "example.com/2570",
    );
  });

  it("gives a shutdown time long enough for a race of the longest length just created, unless SHUTDOWN_TIMEOUT_MS says otherwise", () => {
    // 100 words under a limit for 25: four times the limit.
    assert.equal(parseSettings({}).shutdownTimeoutMs, 5_000 + 4 * 120_000 + 15_000);
    assert.equal(
      parseSettings({ RACE_TIME_LIMIT_MS: "60000" }).shutdownTimeoutMs,
      5_000 + 4 * 60_000 + 15_000,
    );
    assert.equal(parseSettings({ RACE_WORDS: "100" }).shutdownTimeoutMs, 5_000 + 120_000 + 15_000);
    assert.equal(parseSettings({ SHUTDOWN_TIMEOUT_MS: "30000" }).shutdownTimeoutMs, 30_000);
  });

  it("seats by skill within ±100 of a lobby at once, ±250 after 3 s, anyone after 6 s, unless SKILL_WINDOWS says otherwise", () => {
    assert.deepEqual(parseSettings({}).skillWindows, [
      { fromMs: 0, distance: 100 },
      { fromMs: 3000, distance: 250 },
      { fromMs: 6000, distance: Infinity },
    ]);
    assert.deepEqual(parseSettings({ SKILL_WINDOWS: "0:50,2000:any" }).skillWindows, [
      { fromMs: 0, distance: 50 },
      { fromMs: 2000, distance: Infinity },
    ]);
    assert.deepEqual(parseSettings({ SKILL_WINDOWS: "0:any" }).skillWindows, [
      { fromMs: 0, distance: Infinity },
    ]);
  });

  it("treats an empty value as unset", () => {
    assert.equal(parseSettings({ PORT: "", DATABASE_URL: "" }).port, 2567);
  });

  const badValues: Array<[string, string, RegExp]> = [
    ["PORT", "abc", /^PORT: expected an integer between 0 and 65535 \(got "abc"\)$/],
    ["PORT", "70000", /^PORT: expected an integer between 0 and 65535/],
    ["PORT", "1.5", /^PORT: /],
    [
      "DATABASE_URL",
      "mysql://x",
      /^DATABASE_URL: expected a URL starting with postgres:\/\/ or postgresql:\/\//,
    ],
    ["DATABASE_URL", "not a url", /^DATABASE_URL: /],
    ["REDIS_URL", "http://x", /^REDIS_URL: expected a URL starting with redis:\/\/ or rediss:\/\//],
    ["JWT_SECRET", "short", /^JWT_SECRET: expected at least 32 characters/],
    ["MONITOR_PASSWORD", "123", /^MONITOR_PASSWORD: expected at least 8 characters/],
    ["LOG_LEVEL", "loud", /^LOG_LEVEL: /],
    ["NODE_ENV", "staging", /^NODE_ENV: /],
    ["PUBLIC_ADDRESS", "http://x y", /^PUBLIC_ADDRESS: expected host\[:port\]/],
    ["LOBBY_MAX_PLAYERS", "0", /^LOBBY_MAX_PLAYERS: expected an integer between 1 and 20/],
    ["RACE_WORDS", "-3", /^RACE_WORDS: /],
    ["RACE_TIME_LIMIT_MS", "10", /^RACE_TIME_LIMIT_MS: /],
    [
      "SKILL_WINDOWS",
      "0:100,3000:50",
      /^SKILL_WINDOWS: expected lobby-age-ms:rating-distance steps like 0:100,3000:250,6000:any: each step must .* wider distance \(got "0:100,3000:50"\)$/,
    ],
    ["SKILL_WINDOWS", "500:100", /^SKILL_WINDOWS: .*the first step must start at age 0/],
    ["SKILL_WINDOWS", "0:wide", /^SKILL_WINDOWS: .*"0:wide" is not age-ms:distance/],
  ];
  for (const [name, value, message] of badValues) {
    it(`rejects ${name}=${JSON.stringify(value)} with one line naming the variable`, () => {
      assert.throws(
        () => parseSettings({ [name]: value }),
        (error: Error) =>
          error instanceof ConfigError && message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }

  it("never repeats a credential in an error", () => {
    assert.throws(
      () => parseSettings({ JWT_SECRET: "short-secret" }),
      (error: Error) => !error.message.includes("short-secret"),
    );
    assert.throws(
      () => parseSettings({ DATABASE_URL: "mysql://user:pw123@db" }),
      (error: Error) => !error.message.includes("pw123"),
    );
  });

  describe("secrets", () => {
    it("requires JWT_SECRET in production", async () => {
      await assert.rejects(
        resolveSecrets(parseSettings({ NODE_ENV: "production" })),
        /^ConfigError: JWT_SECRET: required when NODE_ENV=production$/,
      );
    });

    it("requires JWT_SECRET when processes share Redis: one generated per DATA_DIR would not verify elsewhere", async () => {
      await assert.rejects(
        resolveSecrets(parseSettings({ REDIS_URL: "redis://127.0.0.1:6379" })),
        (error: Error) =>
          error instanceof ConfigError && /^JWT_SECRET: required when REDIS_URL is set/.test(error.message),
      );
      const config = await resolveSecrets(
        parseSettings({
          REDIS_URL: "redis://127.0.0.1:6379",
          JWT_SECRET: "s".repeat(32),
          DATA_DIR: await mkdtemp(path.join(tmpdir(), "tp-")),
        }),
      );
      assert.equal(config.jwtSecret, "s".repeat(32));
    });

    it("turns the monitor off in production without MONITOR_PASSWORD", async () => {
      const config = await resolveSecrets(
        parseSettings({ NODE_ENV: "production", JWT_SECRET: "s".repeat(40) }),
      );
      assert.equal(config.monitorPassword, undefined);
      assert.equal(config.jwtSecret, "s".repeat(40));
    });

    it("generates missing secrets once, keeps them under DATA_DIR, and reuses them", async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), "typephoon-config-"));
      const first = await resolveSecrets(parseSettings({ DATA_DIR: dataDir }));
      const again = await resolveSecrets(parseSettings({ DATA_DIR: dataDir }));
      assert.ok(first.jwtSecret.length >= 32);
      assert.ok(first.monitorPassword && first.monitorPassword.length >= 8);
      assert.equal(again.jwtSecret, first.jwtSecret);
      assert.equal(again.monitorPassword, first.monitorPassword);
      const file = path.join(dataDir, "secrets", "jwt-secret");
      assert.equal(await readFile(file, "utf8"), first.jwtSecret);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
    });

    it("gives processes started together the same generated secret", async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), "typephoon-config-"));
      const configs = await Promise.all(
        Array.from({ length: 8 }, () => resolveSecrets(parseSettings({ DATA_DIR: dataDir }))),
      );
      assert.equal(new Set(configs.map((config) => config.jwtSecret)).size, 1);
    });

    it("prefers the environment's secrets", async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), "typephoon-config-"));
      const config = await resolveSecrets(
        parseSettings({ DATA_DIR: dataDir, JWT_SECRET: "e".repeat(32), MONITOR_PASSWORD: "monitor-pw" }),
      );
      assert.equal(config.jwtSecret, "e".repeat(32));
      assert.equal(config.monitorPassword, "monitor-pw");
    });
  });
});

describe("config: sign-in providers and web origins", () => {
  it("has none by default; PUBLIC_URL defaults to localhost on PORT", () => {
    const settings = parseSettings({ PORT: "3000" });
    assert.deepEqual(settings.identityProviders, []);
    assert.equal(settings.publicUrl, "http://localhost:3000");
    assert.equal(settings.webAppUrl, "/");
    assert.deepEqual(settings.corsOrigins, []);
    assert.equal(settings.authRateLimitPerMinute, 60);
    assert.equal(settings.accessTokenTtlS, 15 * 60, "a registered account's access token lasts 15 minutes");
  });

  it("reads the Google and GitHub presets, a custom OpenID provider, and the web origins", () => {
    const settings = parseSettings({
      PUBLIC_URL: "https://typephoon.example/",
      WEB_APP_URL: "https://play.typephoon.example/race",
      CORS_ORIGINS: "https://play.typephoon.example, http://localhost:5173",
      AUTH_RATE_LIMIT_PER_MINUTE: "10",
      ACCESS_TOKEN_TTL_S: "300",
      OIDC_PROVIDERS: "google, github,corp",
      OIDC_GOOGLE_CLIENT_ID: "g-id",
      OIDC_GOOGLE_CLIENT_SECRET: "g-secret",
      OIDC_GITHUB_CLIENT_ID: "gh-id",
      OIDC_GITHUB_CLIENT_SECRET: "gh-secret",
      OIDC_CORP_ISSUER: "https://login.corp.example/realms/staff",
      OIDC_CORP_CLIENT_ID: "c-id",
      OIDC_CORP_CLIENT_SECRET: "c-secret",
      OIDC_CORP_DISPLAY_NAME: "Corp SSO",
    });
    assert.equal(settings.publicUrl, "https://typephoon.example");
    assert.equal(settings.webAppUrl, "https://play.typephoon.example/race");
    assert.deepEqual(settings.corsOrigins, ["https://play.typephoon.example", "http://localhost:5173"]);
    assert.equal(settings.authRateLimitPerMinute, 10);
    assert.equal(settings.accessTokenTtlS, 300);
    assert.deepEqual(settings.identityProviders, [
      {
        kind: "oidc",
        id: "google",
        name: "Google",
        issuer: "https://accounts.google.com",
        clientId: "g-id",
        clientSecret: "g-secret",
      },
      {
        kind: "github",
        id: "github",
        name: "GitHub",
        authorizationUrl: "https://github.com/login/oauth/authorize",
        tokenUrl: "https://github.com/login/oauth/access_token",
        userUrl: "https://api.github.com/user",
        clientId: "gh-id",
        clientSecret: "gh-secret",
      },
      {
        kind: "oidc",
        id: "corp",
        name: "Corp SSO",
        issuer: "https://login.corp.example/realms/staff",
        clientId: "c-id",
        clientSecret: "c-secret",
      },
    ]);
  });

  const providerBase = { OIDC_PROVIDERS: "corp", OIDC_CORP_CLIENT_ID: "id", OIDC_CORP_CLIENT_SECRET: "s" };
  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      "a provider id that is not lowercase",
      { OIDC_PROVIDERS: "Google" },
      /^OIDC_PROVIDERS: expected lowercase/,
    ],
    [
      "a custom provider without issuer",
      providerBase,
      /^OIDC_CORP_ISSUER: required: OIDC_PROVIDERS names corp/,
    ],
    [
      "an issuer over plain http elsewhere than this machine",
      { ...providerBase, OIDC_CORP_ISSUER: "http://login.corp.example" },
      /^OIDC_CORP_ISSUER: expected an https:\/\/ URL/,
    ],
    [
      "a provider without client id",
      { OIDC_PROVIDERS: "google", OIDC_GOOGLE_CLIENT_SECRET: "s" },
      /^OIDC_GOOGLE_CLIENT_ID: required/,
    ],
    [
      "a CORS origin with a path",
      { CORS_ORIGINS: "https://a.example/app" },
      /^CORS_ORIGINS: expected origins/,
    ],
    ["a web app URL that is neither a path nor a URL", { WEB_APP_URL: "//evil.example" }, /^WEB_APP_URL: /],
    ["a PUBLIC_URL that is not http(s)", { PUBLIC_URL: "ftp://x" }, /^PUBLIC_URL: /],
    ["a negative rate limit", { AUTH_RATE_LIMIT_PER_MINUTE: "-1" }, /^AUTH_RATE_LIMIT_PER_MINUTE: /],
    ["an access token of a second", { ACCESS_TOKEN_TTL_S: "1" }, /^ACCESS_TOKEN_TTL_S: expected an integer/],
  ];
  for (const [what, env, message] of bad) {
    it(`rejects ${what} with one line naming the variable`, () => {
      assert.throws(
        () => parseSettings(env),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }

  it("accepts http issuers on this machine only (a provider run locally, as in the tests)", () => {
    const local = parseSettings({ ...providerBase, OIDC_CORP_ISSUER: "http://127.0.0.1:9000" });
    assert.equal(local.identityProviders[0]?.kind, "oidc");
  });

  it("takes an empty client secret for a missing one", () => {
    assert.throws(
      () =>
        parseSettings({
          OIDC_PROVIDERS: "google",
          OIDC_GOOGLE_CLIENT_ID: "id",
          OIDC_GOOGLE_CLIENT_SECRET: "",
        }),
      (error: Error) => /^OIDC_GOOGLE_CLIENT_SECRET: required/.test(error.message),
    );
  });
});
