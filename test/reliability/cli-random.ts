// A seeded random generator for the CLI reliability suites that pick random moments: the seed
// is printed, and KCTL_TEST_SEED=N repeats a run.
import {makeRng} from './fuzz-frames.js'

/** The suite's generator (fuzz-frames.ts's mulberry32), from KCTL_TEST_SEED or the clock. */
export function seededRandom(suite: string): () => number {
  const seed = Number(process.env.KCTL_TEST_SEED ?? Date.now() % 1_000_000)
  console.log(`${suite} seed=${seed} (repeat with KCTL_TEST_SEED=${seed})`)
  return makeRng(seed)
}
