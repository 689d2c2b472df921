// Renders command views as table, json or yaml. json and yaml go to stdout alone, so
// scripts can parse them; tables are for people and may use colour.
import {Chalk} from 'chalk'
import Table from 'cli-table3'
import yaml from 'js-yaml'
import {stripVTControlCharacters} from 'node:util'

export const outputFormats = ['table', 'json', 'yaml'] as const
export type OutputFormat = (typeof outputFormats)[number]

// Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org).
const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
export const colour = new Chalk({level: useColour ? 1 : 0})

export function renderData<T>(data: T, format: OutputFormat, renderTable: (data: T) => string): string {
  if (format === 'json') return JSON.stringify(data, null, 2)
  if (format === 'yaml') return yaml.dump(data, {noRefs: true, lineWidth: -1}).trimEnd()
  return renderTable(data)
}

export type Cell = string | number | boolean | null | undefined

/** A borderless table in the style of kafka-topics and kubectl: UPPERCASE headers, aligned columns. */
export function renderTable(headers: string[], rows: Cell[][], options: {alignRight?: number[]} = {}): string {
  const table = new Table({
    head: headers.map((header) => colour.bold(header)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
    colAligns: headers.map((_, index) => (options.alignRight?.includes(index) ? 'right' : 'left')),
  })
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n')
}

/** "KEY: value" lines for a single object. */
export function renderKeyValues(pairs: [string, Cell][]): string {
  const width = Math.max(...pairs.map(([key]) => key.length))
  return pairs.map(([key, value]) => `${colour.bold(key.padEnd(width))}  ${value ?? '-'}`).join('\n')
}

/**
 * The same borderless look as renderTable, in linear time, for tables of thousands of rows
 * (`kctl lag` over 50 groups x 1,000 partitions has 50,000): cli-table3 measures and wraps every
 * cell and takes tens of seconds there. No wrapping; widths count characters (ANSI colour codes
 * excluded), which is right for the ids, names and numbers such tables hold.
 */
export function renderLongTable(headers: string[], rows: Cell[][], options: {alignRight?: number[]} = {}): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))
  const visible = (value: string) => stripVTControlCharacters(value).length
  const widths = headers.map((header) => header.length)
  for (const row of text) row.forEach((cell, column) => (widths[column] = Math.max(widths[column], visible(cell))))
  const line = (cells: string[], style: (value: string) => string = (value) => value) =>
    cells
      .map((cell, column) => {
        const padding = ' '.repeat(widths[column] - visible(cell))
        return options.alignRight?.includes(column) ? padding + style(cell) : style(cell) + padding
      })
      .join('  ')
      .trimEnd()
  return [line(headers, (header) => colour.bold(header)), ...text.map((row) => line(row))].join('\n')
}
