// Message types are derived from the schema literals; these checks fail to compile (tsc over
// test/) or at run time (expectTypeOf) if the derivation drifts.
import {describe, expectTypeOf, it} from 'vitest'
import type {RequestBody, RequestInput, ResponseBody, ResponseInput} from '../../../src/kafka/protocol/index.js'

describe('derived message types', () => {
  it('lower the first letter of field names and map Kafka types to JS types', () => {
    type Produce = RequestBody<0>
    expectTypeOf<Produce['transactionalId']>().toEqualTypeOf<string | null>()
    expectTypeOf<Produce['acks']>().toEqualTypeOf<number>()
    expectTypeOf<Produce['topicData'][number]['partitionData'][number]['records']>().toEqualTypeOf<Buffer | null>()
    expectTypeOf<ResponseBody<3>['topics'][number]['topicId']>().toEqualTypeOf<string>()
    expectTypeOf<ResponseBody<3>['brokers'][number]['rack']>().toEqualTypeOf<string | null>()
    expectTypeOf<RequestBody<36>['authBytes']>().toEqualTypeOf<Buffer>()
    expectTypeOf<RequestBody<1>['topics'][number]['partitions'][number]['fetchOffset']>().toEqualTypeOf<number>()
  })

  it('accept records as Buffer or Buffer[] and every field as optional when encoding', () => {
    type FetchPartition = NonNullable<NonNullable<ResponseInput<1>['responses']>[number]['partitions']>[number]
    expectTypeOf<FetchPartition['records']>().toEqualTypeOf<Buffer | readonly Buffer[] | null | undefined>()
    expectTypeOf<{}>().toMatchTypeOf<RequestInput<18>>()
    expectTypeOf<{apiKeys: [{apiKey: 0; minVersion: 0; maxVersion: 12}]}>().toMatchTypeOf<ResponseInput<18>>()
  })
})
