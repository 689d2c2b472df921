// Table renderers for the broker config views (json/yaml print the views as they are).
import {colour, renderTable} from '../ui/output.js'
import type {BrokerConfigChangeRow, BrokerConfigRow} from './broker-configs.js'

export function renderBrokerConfigs(rows: BrokerConfigRow[]): string {
  if (rows.length === 0) return 'no dynamic configs (kctl configs describe --all lists every config)'
  return renderTable(
    ['NAME', 'VALUE', 'SOURCE', 'READ-ONLY'],
    rows.map((row) => [row.name, row.sensitive ? colour.dim('(sensitive)') : row.value, row.source, row.readOnly ? 'yes' : 'no']),
  )
}

export function renderBrokerConfigChanges(rows: BrokerConfigChangeRow[]): string {
  return renderTable(
    ['ENTITY', 'CONFIG', 'ACTION', 'VALUE', 'STATUS', 'ERROR'],
    rows.map((row) => [row.entity, row.config, row.action, row.value, row.status === 'failed' ? colour.red(row.status) : row.status, row.error]),
  )
}
