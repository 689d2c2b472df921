// `kctl doctor --serve`: the latest doctor run as Prometheus metrics (text format 0.0.4), for
// alerting on findings rather than reading them. Names use the kctl_doctor_ prefix:
//   kctl_doctor_findings{severity}                     findings per severity (0 when none)
//   kctl_doctor_finding{check,area,severity,kind,object}  1 per finding
//   kctl_doctor_write_bytes_per_second{topic}          measured producer writes, before replication
//   kctl_doctor_broker_time_until_full_seconds{broker} only brokers whose disks fill at the measured rate
//   kctl_doctor_unreachable_brokers                    brokers the run could not reach
//   kctl_doctor_last_run_timestamp_seconds, kctl_doctor_window_seconds
import {Exposition} from '../lag/prometheus.js'
import {severities} from './findings.js'
import type {GatherNotes} from './gather.js'
import type {DoctorReport} from './index.js'

export function renderDoctorPrometheus(report: DoctorReport, notes: GatherNotes, takenAtMs: number): string {
  const out = new Exposition()
  out.metric('kctl_doctor_findings', 'Findings of the latest kctl doctor run, per severity.', severities.map((severity) => [{severity}, report.summary[severity]]))
  out.metric('kctl_doctor_finding', 'One sample per finding of the latest run (value 1).', report.findings.map((item) => [
    {check: item.id, area: item.area, severity: item.severity, kind: item.object.kind, object: item.object.name},
    1,
  ]))
  out.metric('kctl_doctor_write_bytes_per_second', 'Producer writes per topic measured over the window, before replication.', report.figures.topics.map((topic) => [{topic: topic.topic}, topic.writeBytesPerSec]))
  out.metric('kctl_doctor_broker_time_until_full_seconds', 'Seconds until the broker\'s first log dir fills at the measured write rate (brokers that fill only).', report.figures.brokers
    .filter((broker) => typeof broker.timeUntilFullMs === 'number' && Number.isFinite(broker.timeUntilFullMs))
    .map((broker) => [{broker: broker.id}, broker.timeUntilFullMs! / 1000]))
  out.metric('kctl_doctor_unreachable_brokers', 'Brokers the latest run could not reach.', [[{}, notes.unreachableBrokers.length]])
  out.metric('kctl_doctor_window_seconds', 'The window the write rates were measured over.', [[{}, report.windowMs / 1000]])
  out.metric('kctl_doctor_last_run_timestamp_seconds', 'When the latest run took its second sample.', [[{}, takenAtMs / 1000]])
  return out.text()
}
