// PM2 (the Colyseus convention for several processes): `pm2 start ecosystem.config.cjs`.
// Each instance gets its own PORT (2567, 2568, …) and advertises it through PUBLIC_ADDRESS; all of
// them share Redis and PostgreSQL, which must be set (see README, "Several processes").
module.exports = {
  apps: [
    {
      name: "typephoon",
      script: "src/index.ts",
      interpreter: "./node_modules/.bin/node",
      // SERVER_NODE_FLAGS of src/serverProcess.ts
      node_args: "--max-semi-space-size=16 --heap-growing-percent=50",
      instances: 2,
      exec_mode: "fork",
      increment_var: "PORT",
      kill_timeout: 150000,
      env: {
        NODE_ENV: "production",
        PORT: 2567,
        PUBLIC_ADDRESS: "localhost:{port}",
        // REDIS_URL, DATABASE_URL and JWT_SECRET come from the environment or .env.
      },
    },
  ],
};
