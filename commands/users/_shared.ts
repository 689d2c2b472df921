// Flags and the table the users commands share.
import {Flags} from '@oclif/core'
import type {UserCredentialRow} from '../../src/admin/users.js'
import {scramMechanisms} from '../../src/kafka/sasl/scram.js'
import {renderTable} from '../../src/ui/output.js'

export const mechanismFlag = Flags.option({
  char: 'm',
  description: 'SCRAM mechanism (repeatable)',
  options: scramMechanisms,
  multiple: true,
})

export function renderUsers(rows: UserCredentialRow[]): string {
  if (rows.length === 0) return 'no SCRAM users'
  return renderTable(['USER', 'MECHANISM', 'ITERATIONS'], rows.map((row) => [row.user, row.mechanism, row.iterations]), {alignRight: [2]})
}
