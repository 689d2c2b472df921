// `--report FILE.html`: one self-contained page (no scripts, fonts or links to fetch) with
// the run's summary and inline SVG line charts of throughput and latency over time, so it
// can be attached to a ticket or opened from an air-gapped box.
import {accessSync, constants, statSync} from 'node:fs'
import path from 'node:path'
import {writeFileAtomicSync} from '../atomic-file.js'
import {KctlError} from '../errors.js'

export interface ChartSeries {
  name: string
  /** [seconds since start, value] */
  points: [number, number][]
}

export interface Chart {
  title: string
  unit: string
  series: ChartSeries[]
}

export interface ReportSection {
  heading: string
  rows: [string, string][]
}

export interface Report {
  title: string
  subtitle: string
  sections: ReportSection[]
  charts: Chart[]
}

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b']
const width = 760
const height = 300
const margin = {left: 70, right: 20, top: 30, bottom: 40}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** 1, 2 or 5 times a power of ten: tick steps people read easily. */
function niceStep(range: number, ticks: number): number {
  const raw = range / ticks
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
}

function formatTick(value: number): string {
  if (value === 0) return '0'
  if (Math.abs(value) >= 1e6) return `${+(value / 1e6).toFixed(2)}M`
  if (Math.abs(value) >= 1e4) return `${+(value / 1e3).toFixed(1)}k`
  return String(+value.toPrecision(4))
}

export function renderChart(chart: Chart): string {
  const all = chart.series.flatMap((series) => series.points)
  const maxX = Math.max(1, ...all.map(([x]) => x))
  const maxY = Math.max(1e-9, ...all.map(([, y]) => y))
  const xStep = niceStep(maxX, 8)
  const yStep = niceStep(maxY, 5)
  const xTop = Math.ceil(maxX / xStep) * xStep
  const yTop = Math.ceil(maxY / yStep) * yStep
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const px = (x: number): number => margin.left + (x / xTop) * plotWidth
  const py = (y: number): number => margin.top + plotHeight - (y / yTop) * plotHeight
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(chart.title)}">`,
    `<text x="${margin.left}" y="18" font-size="14" font-weight="bold">${escapeHtml(chart.title)} (${escapeHtml(chart.unit)})</text>`,
  ]
  for (let y = 0; y <= yTop + yStep / 2; y += yStep) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${(py(y) + 4).toFixed(1)}" font-size="11" text-anchor="end">${formatTick(y)}</text>`,
    )
  }
  for (let x = 0; x <= xTop + xStep / 2; x += xStep) {
    parts.push(`<text x="${px(x).toFixed(1)}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${formatTick(x)}</text>`)
  }
  parts.push(
    `<text x="${margin.left + plotWidth / 2}" y="${height - 6}" font-size="11" text-anchor="middle">seconds</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  )
  chart.series.forEach((series, index) => {
    const colour = palette[index % palette.length]
    if (series.points.length > 0) {
      const path = series.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${path}"/>`)
    }
    const legendX = margin.left + 10 + index * 110
    parts.push(
      `<rect x="${legendX}" y="${margin.top + 6}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${legendX + 14}" y="${margin.top + 15}" font-size="11">${escapeHtml(series.name)}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('\n')
}

export function renderReport(report: Report): string {
  const sections = report.sections
    .map(
      (section) =>
        `<h2>${escapeHtml(section.heading)}</h2>\n<table>\n` +
        section.rows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n') +
        '\n</table>',
    )
    .join('\n')
  const charts = report.charts.map((chart) => `<figure>\n${renderChart(chart)}\n</figure>`).join('\n')
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1em; }
th { text-align: left; padding: 2px 16px 2px 0; font-weight: normal; color: #555; }
td { font-family: ui-monospace, monospace; text-align: right; }
figure { margin: 1em 0; }
</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.subtitle)}</p>
${sections}
${charts}
</body>
</html>
`
}

export function writeReport(file: string, report: Report): void {
  try {
    writeFileAtomicSync(file, renderReport(report))
  } catch (error) {
    throw new KctlError(`unable to write report ${file}: ${(error as Error).message}`, {hint: 'choose a writable path for --report'})
  }
}

/** Checked before a run starts, so a minutes-long run is not lost to a mistyped output path. */
export function checkWritable(file: string, flag: string): void {
  try {
    accessSync(path.dirname(path.resolve(file)), constants.W_OK)
    const existing = statSync(file, {throwIfNoEntry: false})
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
    if (existing) accessSync(file, constants.W_OK)
  } catch (error) {
    throw new KctlError(`unable to write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {hint: `choose a writable path for ${flag}`})
  }
}
