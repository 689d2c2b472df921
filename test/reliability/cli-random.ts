// A seeded random generator for the CLI reliability suites that pick random moments: the seed
// is printed, and KCTL_TEST_SEED=N repeats a run.

/** mulberry32: small and seedable; returns numbers in [0, 1). */
export function seededRandom(suite: string): () => number {
  const seed = Number(process.env.KCTL_TEST_SEED ?? Date.now() % 1_000_000)
  console.log(`${suite} seed=${seed} (repeat with KCTL_TEST_SEED=${seed})`)
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
