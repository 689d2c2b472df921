// Prints one plain closing line, "vitest: N passed, N failed, N skipped", after vitest's own
// summary, so tools that read a run's last lines for counts understand it.
import type {Reporter, RunnerTask} from 'vitest'

function count(tasks: readonly RunnerTask[], totals: {passed: number; failed: number; skipped: number}): void {
  for (const task of tasks) {
    if (task.type === 'suite') count(task.tasks, totals)
    else if (task.mode === 'skip' || task.mode === 'todo') totals.skipped++
    else if (task.result?.state === 'pass') totals.passed++
    else totals.failed++
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: readonly RunnerTask[] = []): void {
    const totals = {passed: 0, failed: 0, skipped: 0}
    count(files, totals)
    process.stdout.write(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
  }
}
