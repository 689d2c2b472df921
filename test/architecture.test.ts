// The import rules of docs/ARCHITECTURE.md, checked on the code's own imports: no import circle
// anywhere in src/ and commands/ (type-only imports count: they tie files together just the
// same), no client-side module importing the broker, and src/kafka importing nothing of kctl's
// but src/errors.ts.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

const root = path.resolve(import.meta.dirname, '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return full.endsWith('.ts') ? [full] : []
  })
}

/** File → the project files it imports, statically or with a literal `import('./x.js')` (a lazy
 *  load is still an arrow: relative specifiers only, `.js` mapped back to `.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'commands'))]) {
    const text = readFileSync(file, 'utf8')
    const targets: string[] = []
    const specifiers = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g),
      ...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
    ]
    for (const match of specifiers) targets.push(path.resolve(path.dirname(file), match[1]).replace(/\.js$/, '.ts'))
    graph.set(path.relative(root, file), targets.map((target) => path.relative(root, target)))
  }
  return graph
}

/** Tarjan's strongly connected components with more than one file, or a file importing itself. */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indexOf = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (file: string) => {
    indexOf.set(file, index)
    low.set(file, index++)
    stack.push(file)
    onStack.add(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (!indexOf.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, indexOf.get(next)!))
    }
    if (low.get(file) === indexOf.get(file)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== file)
      if (component.length > 1 || graph.get(file)!.includes(file)) found.push(component.sort())
    }
  }
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file)
  return found
}

describe('architecture', () => {
  const graph = importGraph()

  it('reads a graph of the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('src/broker/index.ts')).toContain('src/broker/state.ts')
  })

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([])
  })

  it('finds a circle when there is one (the check itself works)', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(circles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('keeps clients out of the broker: only commands/ and the broker itself import src/broker', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/') && !file.startsWith('src/broker/') ? targets.filter((t) => t.startsWith('src/broker/')).map((t) => `${file} -> ${t}`) : [],
    )
    expect(offending).toEqual([])
  })

  it('lets src/kafka import nothing of kctl but src/errors.ts', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/kafka/') ? targets.filter((t) => !t.startsWith('src/kafka/') && t !== 'src/errors.ts').map((t) => `${file} -> ${t}`) : [],
    )
    expect(offending).toEqual([])
  })

  it('lets src/broker import nothing from admin, plan, perf or ui', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/broker/') ? targets.filter((t) => /^src\/(admin|plan|perf|ui)\//.test(t)).map((t) => `${file} -> ${t}`) : [],
    )
    expect(offending).toEqual([])
  })
})
