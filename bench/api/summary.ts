/**
 * The API bench's figures per read (ratios against the plain-pg baseline, CPU per operation) and
 * its markdown tables, with the issue's targets: p99 ≤ 10 ms over HTTP, and ≤ 1.5× the plain-pg
 * time (checked for both the HTTP answer and the Prisma call).
 */
import type { CpuShares } from "./cpu.ts";
import type { LoadResult } from "./load.ts";

const TARGET_P99_MS = 10;
const TARGET_RATIO = 1.5;

export type Path = "http" | "prisma" | "pg";

export interface Measured extends LoadResult {
  cpu: CpuShares;
}

export interface ReadResult {
  name: string;
  variants: number;
  /** rows in the answer to the first variant (the first of the sampled players) */
  rows: number;
  http: Measured;
  prisma: Measured;
  pg: Measured;
}

/** A floor of the API bench: the same small answer from less than a Typephoon read does. */
export interface FloorResult {
  name: string;
  http: Measured;
}

export function figuresOf(read: ReadResult) {
  const p99 = (path: Path) => read[path].latencyMs.p99;
  /** CPU milliseconds spent per operation by one process (group) */
  const cpuMsPerOp = (path: Path, who: keyof CpuShares) =>
    (read[path].cpu[who] * 1000) / read[path].opsPerSec;
  return {
    httpOverPgP99: p99("http") / p99("pg"),
    prismaOverPgP99: p99("prisma") / p99("pg"),
    cpuMsPerOp: {
      http: { server: cpuMsPerOp("http", "server"), database: cpuMsPerOp("http", "database") },
      prisma: { client: cpuMsPerOp("prisma", "bench"), database: cpuMsPerOp("prisma", "database") },
      pg: { client: cpuMsPerOp("pg", "bench"), database: cpuMsPerOp("pg", "database") },
    },
    targets: {
      httpP99: p99("http") <= TARGET_P99_MS,
      httpRatio: p99("http") / p99("pg") <= TARGET_RATIO,
      prismaRatio: p99("prisma") / p99("pg") <= TARGET_RATIO,
    },
  };
}

const ms = (value: number) =>
  !Number.isFinite(value)
    ? "n/a"
    : value < 10
      ? value.toFixed(2)
      : value < 100
        ? value.toFixed(1)
        : value.toFixed(0);
const rate = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const mark = (met: boolean) => (met ? "✓" : "✗");
const latency = (result: LoadResult) => `${ms(result.latencyMs.p50)} / ${ms(result.latencyMs.p99)}`;

/** A failed request makes every figure of the read suspect: said in the table, not only the JSON. */
function failures(read: ReadResult): string {
  const failed = (["http", "prisma", "pg"] as const)
    .map((path) => [path, read[path].errors + read[path].non2xx] as const)
    .filter(([, count]) => count > 0);
  return failed.length ? ` (failed: ${failed.map(([path, count]) => `${path} ${count}`).join(", ")})` : "";
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function latencyTable(reads: ReadResult[]): string {
  return table(
    [
      "read",
      "rows (first)",
      "HTTP req/s",
      "HTTP p50 / p99 ms",
      "Prisma ops/s",
      "Prisma p50 / p99 ms",
      "pg ops/s",
      "pg p50 / p99 ms",
      "HTTP ÷ pg p99",
      "Prisma ÷ pg p99",
      "server CPU (cores)",
    ],
    reads.map((read) => {
      const figures = figuresOf(read);
      return [
        read.name + failures(read),
        String(read.rows),
        rate(read.http.opsPerSec),
        `${latency(read.http)} ${mark(figures.targets.httpP99)}`,
        rate(read.prisma.opsPerSec),
        latency(read.prisma),
        rate(read.pg.opsPerSec),
        latency(read.pg),
        `${fixed(figures.httpOverPgP99, 2)} ${mark(figures.targets.httpRatio)}`,
        `${fixed(figures.prismaOverPgP99, 2)} ${mark(figures.targets.prismaRatio)}`,
        fixed(read.http.cpu.server, 2),
      ];
    }),
  );
}

/** The floors: how fast this machine answers at all, at the same concurrency. */
export function floorTable(floors: FloorResult[]): string {
  return table(
    ["floor", "req/s", "p50 / p99 ms", "server CPU (cores)", "server ms/req"],
    floors.map(({ name, http }) => [
      name + (http.errors + http.non2xx ? ` (failed: ${http.errors + http.non2xx})` : ""),
      rate(http.opsPerSec),
      `${latency(http)} ${mark(http.latencyMs.p99 <= TARGET_P99_MS)}`,
      fixed(http.cpu.server, 2),
      fixed((http.cpu.server * 1000) / http.opsPerSec, 3),
    ]),
  );
}

/** CPU per operation: what each path costs, whatever the other load on the machine did to latency. */
export function cpuTable(reads: ReadResult[]): string {
  return table(
    [
      "read",
      "HTTP: server ms/req",
      "HTTP: postgres ms/req",
      "Prisma: client ms/op",
      "Prisma: postgres ms/op",
      "pg: client ms/op",
      "pg: postgres ms/op",
    ],
    reads.map((read) => {
      const { cpuMsPerOp } = figuresOf(read);
      return [
        read.name,
        fixed(cpuMsPerOp.http.server, 3),
        fixed(cpuMsPerOp.http.database, 3),
        fixed(cpuMsPerOp.prisma.client, 3),
        fixed(cpuMsPerOp.prisma.database, 3),
        fixed(cpuMsPerOp.pg.client, 3),
        fixed(cpuMsPerOp.pg.database, 3),
      ];
    }),
  );
}

export function targetsLine(reads: ReadResult[], floors: FloorResult[]): string {
  const met = (pick: (targets: ReturnType<typeof figuresOf>["targets"]) => boolean) =>
    `${reads.filter((read) => pick(figuresOf(read).targets)).length}/${reads.length}`;
  const floorP99 = floors.map(
    ({ name, http }) => `${name.replace("floor · ", "")} ${ms(http.latencyMs.p99)}`,
  );
  const parts = [
    reads.length &&
      `HTTP p99 ≤ ${TARGET_P99_MS} ms met by ${met((t) => t.httpP99)} reads; p99 ≤ ${TARGET_RATIO}× plain pg ` +
        `met by ${met((t) => t.httpRatio)} over HTTP, ${met((t) => t.prismaRatio)} through Prisma`,
    floors.length && `the floors' p99 (ms): ${floorP99.join(", ")}`,
  ];
  return `targets (issue 8): ${parts.filter(Boolean).join("; ")}`;
}
