// Java .properties parsing exactly as java.util.Properties.load reads it: '#'/'!' comment
// lines, '=' ':' or whitespace separators, backslash escapes (\t \n \r \f \uXXXX, \x = x)
// and line continuation with a trailing odd number of backslashes. Each entry keeps the
// line it starts on and its raw text, so lint can point at file:line and see what the
// author wrote (a trailing " # note" is part of the value, not a comment).

export interface PropertyEntry {
  key: string
  value: string
  /** 1-based line where the entry starts. */
  line: number
  /** The logical line as written, continuation backslashes and newlines included. */
  raw: string
}

export function parseProperties(text: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/)
  const entries: PropertyEntry[] = []
  for (let index = 0; index < lines.length; index++) {
    const startLine = index + 1
    let logical = lines[index].replace(/^[ \t\f]+/, '')
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue
    const rawParts = [lines[index]]
    while (endsWithContinuation(logical) && index + 1 < lines.length) {
      index++
      rawParts.push(lines[index])
      logical = logical.slice(0, -1) + lines[index].replace(/^[ \t\f]+/, '')
    }
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1)
    const {key, value} = splitKeyValue(logical)
    entries.push({key, value, line: startLine, raw: rawParts.join('\n')})
  }
  return entries
}

/** Last-wins map, as Properties.load builds it. */
export function propertiesToMap(entries: PropertyEntry[]): Map<string, string> {
  return new Map(entries.map((entry) => [entry.key, entry.value]))
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) backslashes++
  return backslashes % 2 === 1
}

function splitKeyValue(line: string): {key: string; value: string} {
  let keyEnd = 0
  while (keyEnd < line.length) {
    const char = line[keyEnd]
    if (char === '\\') {
      keyEnd += 2
      continue
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') break
    keyEnd++
  }
  let valueStart = keyEnd
  while (valueStart < line.length && /[ \t\f]/.test(line[valueStart])) valueStart++
  if (valueStart < line.length && (line[valueStart] === '=' || line[valueStart] === ':')) valueStart++
  while (valueStart < line.length && /[ \t\f]/.test(line[valueStart])) valueStart++
  return {key: unescape(line.slice(0, Math.min(keyEnd, line.length))), value: unescape(line.slice(valueStart))}
}

function unescape(text: string): string {
  if (!text.includes('\\')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char !== '\\') {
      out += char
      continue
    }
    const next = text[++i]
    if (next === undefined) break
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`malformed \\uxxxx escape "\\u${hex}"`)
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 4
    } else {
      out += ({t: '\t', n: '\n', r: '\r', f: '\f'} as Record<string, string>)[next] ?? next
    }
  }
  return out
}

/** Writes one "key=value" line with the escapes Properties.store would add. */
export function formatProperty(key: string, value: string): string {
  return `${escape(key, true)}=${escape(value, false)}`
}

function escape(text: string, isKey: boolean): string {
  let out = ''
  for (const [index, char] of [...text].entries()) {
    if (char === '\\') out += '\\\\'
    else if (char === '\t') out += '\\t'
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\f') out += '\\f'
    else if (char === ' ' && (isKey || index === 0)) out += '\\ '
    else if (isKey && (char === '=' || char === ':')) out += `\\${char}`
    else if ((char === '#' || char === '!') && index === 0) out += `\\${char}`
    else out += char
  }
  return out
}
