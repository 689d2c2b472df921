// kafka-python 2.0.x (/usr/bin/python3) against secured listeners: SCRAM-SHA-256/512 and PLAIN
// through SaslHandshake v0 and raw tokens, SASL_SSL against the generated CA, and a wrong
// password refused.
import {execFile} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {useSecureBroker} from '../broker/auth/secure-broker.js'

const run = promisify(execFile)
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'py', 'security_roundtrip.py')

async function roundtrip(args: string[], user: string, password: string): Promise<{acked?: number[]; values?: string[]; error?: string}> {
  const {stdout} = await run('/usr/bin/python3', [script, ...args], {
    timeout: 60_000,
    env: {...process.env, KCTL_TEST_SASL_USER: user, KCTL_TEST_SASL_PASSWORD: password},
  })
  return JSON.parse(stdout)
}

describe('kafka-python on secured listeners', () => {
  const secure = useSecureBroker({
    config: {listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0'},
    users: {py: 'py-secret'},
  })
  const expected = (offset: number) => ({acked: [0, 1, 2, 3, 4].map((i) => i + offset), values: [0, 1, 2, 3, 4].map((i) => `secure-${i}`)})

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) {
    it(`produces and consumes with ${mechanism} over SASL_PLAINTEXT`, async () => {
      const topic = `py-${mechanism.toLowerCase()}`
      expect(await roundtrip([secure().address('SASL_PLAINTEXT'), topic, 'SASL_PLAINTEXT', mechanism, '-'], 'py', 'py-secret')).toEqual(expected(0))
    })
  }

  it('produces and consumes with SCRAM-SHA-512 over SASL_SSL, verifying the broker against the CA', async () => {
    const result = await roundtrip([secure().address('SASL_SSL'), 'py-ssl', 'SASL_SSL', 'SCRAM-SHA-512', secure().caFile], 'py', 'py-secret')
    expect(result).toEqual(expected(0))
  })

  it('is refused with a wrong password', async () => {
    const result = await roundtrip([secure().address('SASL_PLAINTEXT'), 'py-denied', 'SASL_PLAINTEXT', 'SCRAM-SHA-256', '-'], 'py', 'wrong')
    // Raw tokens have no error field: the broker closes the connection, as Kafka does, and
    // kafka-python gives up on its only bootstrap server.
    expect(result.error).toBe('NoBrokersAvailable')
    expect(result.acked).toBeUndefined()
  })
})
