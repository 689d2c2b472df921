// docs/DOCTOR.md is the README's list of doctor checks: every id of the catalogue, in its
// order, under its own heading, opening with the catalogue's description and giving a fix.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {checkCatalogue} from '../../src/admin/doctor/index.js'

const doc = readFileSync(new URL('../../docs/DOCTOR.md', import.meta.url), 'utf8')

describe('docs/DOCTOR.md', () => {
  it('documents every check id in catalogue order, with the catalogue description and a fix', () => {
    const headings = [...doc.matchAll(/^### ([a-z]+\.[a-z-]+)$/gm)].map((match) => match[1])
    expect(headings).toEqual(checkCatalogue.map((entry) => entry.id))
    for (const {id, description} of checkCatalogue) {
      const section = doc.slice(doc.indexOf(`### ${id}\n`)).split(/\n(?=### )/)[0]
      const first = section.split('\n')[1]
      // A sentence starts upper case unless it starts with a config key.
      expect(first.toLowerCase().startsWith(description.toLowerCase()), id).toBe(true)
      expect(section, id).toMatch(/\*\*(Error|Warning|Info)\b|Severity of/)
      expect(section, id).toMatch(/^Fix: /m)
    }
  })
})
