// SaslHandshake (key 17), versions 0-1.
//
// Behavior:
// - Picks the mechanism for the connection's SASL exchange (auth/sasl.ts): PLAIN,
//   SCRAM-SHA-256, SCRAM-SHA-512, as far as sasl.enabled.mechanisms allows; the response lists
//   the enabled mechanisms either way.
// - An unsupported mechanism gets UNSUPPORTED_SASL_MECHANISM and the connection is closed after
//   the response, as Kafka does.
// - On a listener without SASL (PLAINTEXT, SSL), or a second handshake: ILLEGAL_SASL_STATE.
//
// Version notes:
// - v0: the tokens that follow are raw length-prefixed frames with no request header
//   (kafka-python 2.0.x, pre-KIP-152 clients); the connection's raw frame handler takes them.
// - v1: the tokens come in SaslAuthenticate requests (KIP-152).
import {SaslFailure} from '../auth/sasl.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(17, {
  handle: (request, ctx) => {
    const layer = ctx.state.security
    const mechanisms = [...layer.enabledMechanisms]
    try {
      layer.handshake(ctx.connection, request.mechanism, ctx.apiVersion)
      return {errorCode: ErrorCode.NONE, mechanisms}
    } catch (error) {
      if (!(error instanceof SaslFailure)) throw error
      if (error.errorName === 'UNSUPPORTED_SASL_MECHANISM') {
        // The response is written as soon as this handler returns; close after it.
        setImmediate(() => ctx.connection.close(error.message))
      }
      return {errorCode: ErrorCode[error.errorName], mechanisms}
    }
  },
})
