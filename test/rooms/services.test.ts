import assert from "node:assert/strict";
import { z } from "zod";
import { joinOptions, perDefaultLength, raceLengthOption } from "../../src/rooms/services.ts";

describe("room services: options schemas per default length", () => {
  const lengthOptions = perDefaultLength((defaultLength) =>
    z.object({ words: raceLengthOption(defaultLength).default(defaultLength) }).strict(),
  );

  it("builds a schema once per default length, and one of its own for each", () => {
    assert.equal(lengthOptions(25), lengthOptions(25));
    assert.notEqual(lengthOptions(25), lengthOptions(50));
  });

  it("each default length's schema keeps its own default and refusals", () => {
    assert.deepEqual(joinOptions(lengthOptions(25), undefined), { words: 25 });
    assert.deepEqual(joinOptions(lengthOptions(50), {}), { words: 50 });
    assert.throws(() => joinOptions(lengthOptions(25), { words: 37 }), /BAD_OPTIONS: words: expected one of/);
    assert.throws(() => joinOptions(lengthOptions(25), { words: 25, extra: 1 }), /BAD_OPTIONS/);
  });
});
