import { randomInt } from "node:crypto";

const ADJECTIVES = [
  "Swift",
  "Brisk",
  "Nimble",
  "Rapid",
  "Quiet",
  "Clever",
  "Steady",
  "Bold",
  "Lucky",
  "Sunny",
  "Fuzzy",
  "Jolly",
  "Keen",
  "Mellow",
  "Plucky",
  "Snappy",
  "Witty",
  "Zippy",
  "Breezy",
  "Cosmic",
];
const ANIMALS = [
  "Otter",
  "Falcon",
  "Lynx",
  "Panda",
  "Gecko",
  "Heron",
  "Koala",
  "Marten",
  "Puffin",
  "Quokka",
  "Raven",
  "Stoat",
  "Tapir",
  "Wombat",
  "Yak",
  "Ibis",
  "Fox",
  "Hare",
  "Orca",
  "Newt",
];

/** A friendly default name for a guest, e.g. "Swift Otter 417" (at most 24 characters). */
export function friendlyGuestName(random: (max: number) => number = randomInt): string {
  return `${ADJECTIVES[random(ADJECTIVES.length)]} ${ANIMALS[random(ANIMALS.length)]} ${100 + random(900)}`;
}
