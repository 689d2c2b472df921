#!/usr/bin/env node
// Transactions' cost on the produce path: the bundled broker in its own process, a kafkajs
// producer in this one sending 100-byte records 1,000 per request, (a) idempotent without
// transactions and (b) transactional with one transaction per 1,000 records (begin, send,
// commit: AddPartitionsToTxn, Produce, EndTxn and a COMMIT marker each). Prints one JSON
// object: records/s of both and their ratio.
import {once} from 'node:events'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {startBrokerProcess} from './lib/broker-process.js'

const RECORDS = Number(process.env.TXN_BENCH_RECORDS ?? 200_000)
const PER_TRANSACTION = 1000
const value = Buffer.alloc(100, 'x')
const messages = Array.from({length: PER_TRANSACTION}, () => ({value}))

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-txn-'))
const broker = await startBrokerProcess(dataDir)
try {
  const kafka = new Kafka({brokers: [broker.bootstrap], clientId: 'bench-txn', logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'bench-plain', numPartitions: 1}, {topic: 'bench-txn', numPartitions: 1}]})
  await admin.disconnect()

  const measure = async (send) => {
    const start = process.hrtime.bigint()
    for (let sent = 0; sent < RECORDS; sent += PER_TRANSACTION) await send()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    return {recordsPerSec: Math.round(RECORDS / seconds), MiBPerSec: Math.round((RECORDS * value.length) / seconds / 1048576 * 100) / 100, seconds: Math.round(seconds * 100) / 100}
  }

  const plain = kafka.producer({idempotent: true, maxInFlightRequests: 1})
  await plain.connect()
  await plain.send({topic: 'bench-plain', messages}) // warm-up: connections and metadata
  const none = await measure(() => plain.send({topic: 'bench-plain', messages}))
  await plain.disconnect()

  const txnProducer = kafka.producer({transactionalId: 'bench-txn', idempotent: true, maxInFlightRequests: 1})
  await txnProducer.connect()
  const warm = await txnProducer.transaction()
  await warm.send({topic: 'bench-txn', messages})
  await warm.commit()
  const transactional = await measure(async () => {
    const txn = await txnProducer.transaction()
    await txn.send({topic: 'bench-txn', messages})
    await txn.commit()
  })
  await txnProducer.disconnect()

  console.log(
    JSON.stringify({
      client: 'kafkajs 2.2.4, acks=-1, one Produce request per 1,000 records',
      records: RECORDS,
      recordBytes: value.length,
      recordsPerTransaction: PER_TRANSACTION,
      none,
      transactional,
      transactionalToNoneRatio: Math.round((transactional.recordsPerSec / none.recordsPerSec) * 100) / 100,
    }),
  )
} finally {
  const exited = once(broker.child, 'exit')
  broker.child.kill('SIGTERM')
  await exited
  rmSync(dataDir, {recursive: true, force: true})
}
