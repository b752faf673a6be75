import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { appendFile, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Journal, openJournal } from "../../src/db/journal.ts";

async function scratchDir() {
  return path.join(await mkdtemp(path.join(tmpdir(), "typephoon-journal-")), "journal");
}

const valuesOf = (journal: Journal) => journal.left.map((entry) => entry.value);

describe("the journal of race writes (src/db/journal.ts)", () => {
  const open: Journal[] = [];
  const opened = async (directory: string, port = 2567) => {
    const journal = await openJournal(directory, port);
    open.push(journal);
    return journal;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((journal) => journal.close()));
  });

  it("gives a process started again what it left, in order, without what was done", async () => {
    const directory = await scratchDir();
    const before = await opened(directory);
    assert.equal(before.name, "port-2567");
    const [created, result] = await before.append([{ game: "created" }, { result: 'rank 1 "Ann"\n' }]);
    const [ended] = await before.append([{ game: "ended" }]);
    before.done(result!);
    await before.close();

    const after = await opened(directory);
    assert.equal(after.name, "port-2567", "its own journal");
    assert.deepEqual(valuesOf(after), [{ game: "created" }, { game: "ended" }]);
    assert.ok(created && ended);
  });

  it("never gives one journal to two processes sharing DATA_DIR", async () => {
    const directory = await scratchDir();
    const first = await opened(directory);
    const second = await opened(directory);
    const otherPort = await opened(directory, 2568);
    assert.deepEqual([first.name, second.name, otherPort.name], ["port-2567", "port-2567-2", "port-2568"]);
    await first.append(["first's"]);
    await second.append(["second's"]);
    const lines = async (name: string) => readFile(path.join(directory, `${name}.jsonl`), "utf8");
    assert.equal(await lines("port-2567"), `{"seq":1,"value":"first's"}\n`);
    assert.equal(await lines("port-2567-2"), `{"seq":1,"value":"second's"}\n`);
  });

  it("is taken back from a process that died holding it (SIGKILL)", async () => {
    const directory = await scratchDir();
    // A process that appends, says so, and is killed without closing anything.
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { openJournal } from ${JSON.stringify(path.resolve("src/db/journal.ts"))};
         const journal = await openJournal(${JSON.stringify(directory)}, 2567);
         await journal.append(["told rank 1"]);
         console.log("appended");
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await once(child.stdout!, "data");
    child.kill("SIGKILL");
    await once(child, "exit");

    const restarted = await opened(directory);
    assert.equal(restarted.name, "port-2567");
    assert.deepEqual(valuesOf(restarted), ["told rank 1"]);
  });

  it("hands what a process that never came back left to the next process that opens its own", async () => {
    const directory = await scratchDir();
    const gone = await opened(directory, 2569);
    await gone.append(["left on port 2569"]);
    await gone.close();

    const next = await opened(directory, 2567);
    assert.deepEqual(valuesOf(next), ["left on port 2569"]);
    assert.deepEqual(await readdir(directory), ["port-2567.jsonl", "port-2567.lock"]);
  });

  it("ignores a last line cut short by a crash mid-append, and appends cleanly after it", async () => {
    const directory = await scratchDir();
    const before = await opened(directory);
    await before.append(["complete"]);
    await before.close();
    await appendFile(path.join(directory, "port-2567.jsonl"), '{"seq":2,"value":"half-wr');

    const after = await opened(directory);
    assert.deepEqual(valuesOf(after), ["complete"]);
    await after.append(["next"]);
    await after.close();
    assert.deepEqual(valuesOf(await opened(directory)), ["complete", "next"]);
  });

  it("keeps every entry of concurrent appends, and stays as small as what waits", async () => {
    const directory = await scratchDir();
    const journal = await opened(directory);
    const appended = (
      await Promise.all(Array.from({ length: 1_500 }, (_, i) => journal.append([`entry ${i}`])))
    ).flat();
    for (const entry of appended.slice(0, -2)) journal.done(entry);
    await journal.close();
    const lines = (await readFile(path.join(directory, "port-2567.jsonl"), "utf8")).split("\n");
    assert.ok(lines.length < 1_000, `rewritten once enough were done (${lines.length} lines)`);
    assert.deepEqual(valuesOf(await opened(directory)), ["entry 1498", "entry 1499"]);
  });
});
