// When kctl may ask a question (prompts, confirmations): only with a terminal on
// stdin and never under CI, where a missing value is a usage error instead. CI services
// set CI=true or CI=1; anything but '', '0' or 'false' counts.

export function inCI(): boolean {
  return !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase())
}

export function mayAsk(): boolean {
  return Boolean(process.stdin.isTTY) && !inCI()
}
