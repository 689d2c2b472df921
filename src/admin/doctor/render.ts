// `kctl doctor`'s table view: the summary line, the findings grouped by area (each finding a
// row, with its why and fix on the lines below it), then the measured figures: per broker,
// and the planner's NEED/HAVE table with the loss verdicts. json and yaml print the
// DoctorReport as it is.
import {formatBytes, formatDurationMs} from '../../config/units.js'
import {formatNumber} from '../../plan/model.js'
import {type Cell, colour, renderKeyValues, renderLongTable, renderTable} from '../../ui/output.js'
import type {BrokerFigures} from './checks/capacity.js'
import {type Area, areas, type Finding, type Severity} from './findings.js'
import type {DoctorReport} from './index.js'
import {formatRate} from './queries.js'

const severityColour: Record<Severity, (text: string) => string> = {error: colour.red, warning: colour.yellow, info: colour.dim}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** "cluster X: 2 errors, 1 warning, 3 info · 3 brokers · 34 checks · writes 12 MiB/s over 30s" */
export function summaryLine(report: DoctorReport): string {
  const {error, warning, info} = report.summary
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`
  return `cluster ${report.clusterId}: ${counts} · ${plural(report.brokers, 'broker')} · ${plural(report.checks.length, 'check')} · writes ${formatRate(report.figures.writeBytesPerSec)} over ${formatDurationMs(report.windowMs)}`
}

export interface AreaRows {
  area: Area
  /** Per finding: [SEVERITY, CHECK, OBJECT, PROBLEM], then ['', '', '', why] and ['', '', '', fix]. */
  rows: Cell[][]
}

/** The findings as table rows, one group per area with findings, in the catalogue's area order. */
export function findingRows(findings: readonly Finding[]): AreaRows[] {
  return areas.flatMap((area) => {
    const mine = findings.filter((item) => item.area === area)
    if (mine.length === 0) return []
    const rows = mine.flatMap((item): Cell[][] => [
      [severityColour[item.severity](item.severity.toUpperCase()), item.id.slice(area.length + 1), `${item.object.kind} ${item.object.name}`, item.problem],
      ['', '', '', colour.dim(`why: ${item.why}`)],
      ['', '', '', `fix: ${item.fix}`],
    ])
    return [{area, rows}]
  })
}

function fullIn(ms: number | null | undefined): string {
  if (ms === undefined) return '?'
  return ms === null ? 'not filling' : formatDurationMs(ms)
}

/** Per broker: placement, data, write rates, disk and time until full. */
export function brokerRows(brokers: readonly BrokerFigures[]): Cell[][] {
  return brokers.map((broker) => {
    const known = broker.logDirs.filter((dir) => dir.usableBytes !== undefined)
    const free = known.length === 0 ? undefined : known.reduce((sum, dir) => sum + dir.usableBytes!, 0)
    const used = known.length === 0 ? undefined : Math.max(...known.map((dir) => dir.usedFraction!))
    return [
      broker.id, broker.rack, broker.replicas, broker.leaders, formatBytes(broker.dataBytes), formatRate(broker.writeBytesPerSec), formatRate(broker.growthBytesPerSec),
      free === undefined ? undefined : formatBytes(free), used === undefined ? undefined : `${formatNumber(used * 100)}%`, fullIn(broker.timeUntilFullMs),
    ]
  })
}

export function renderDoctorReport(report: DoctorReport): string {
  const parts = [colour.bold(summaryLine(report))]
  for (const {area, rows} of findingRows(report.findings)) {
    parts.push(`${colour.bold(area.toUpperCase())}\n${renderLongTable(['SEVERITY', 'CHECK', 'OBJECT', 'PROBLEM'], rows)}`)
  }
  if (report.findings.length === 0) parts.push(colour.green('no findings'))
  parts.push(renderTable(
    ['BROKER', 'RACK', 'REPLICAS', 'LEADERS', 'DATA', 'WRITES', 'GROWTH', 'FREE', 'USED', 'FULL-IN'],
    brokerRows(report.figures.brokers),
    {alignRight: [0, 2, 3, 4, 5, 6, 7, 8]},
  ))
  const model = report.figures.model
  if (model) {
    const assumed = Object.entries(model.hardwareSource).filter(([, source]) => source === 'assumed').map(([key]) => key)
    parts.push(renderKeyValues([
      ['MODEL', `${formatNumber(model.input.writeMiBps)} MiB/s written, fanout ${formatNumber(model.input.fanout)}, RF ${model.input.replicationFactor}, min.insync.replicas ${model.input.minInsyncReplicas}, ${formatNumber(model.input.retentionHours)} h retained, ${model.partitions} partitions, ${model.brokers} brokers in ${model.input.azs} rack(s)`],
      ['ASSUMED', assumed.length === 0 ? 'nothing' : `${assumed.join(', ')} from the seed's recommended HA tier`],
      ['LOSE 1 BROKER', model.assessment.faultTolerance.brokerLoss],
      ['LOSE 1 AZ', model.assessment.faultTolerance.azLoss],
    ]))
    parts.push(renderTable(
      ['LIMIT', 'NEED', 'HAVE', 'UNIT', 'UTILISATION', 'STATUS', 'MIN-BROKERS'],
      model.assessment.limits.map((row) => [row.id, formatNumber(row.need), formatNumber(row.have), row.unit, `${formatNumber(row.utilisation * 100)}%`, row.status, formatNumber(row.minBrokers)]),
      {alignRight: [1, 2, 4, 6]},
    ))
  }
  return parts.join('\n\n')
}
