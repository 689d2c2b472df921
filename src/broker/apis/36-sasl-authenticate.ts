// SaslAuthenticate (key 36), versions 0-2 (KIP-152).
//
// Behavior:
// - Carries one token of the exchange chosen by SaslHandshake v1 (auth/sasl.ts); the reply
//   token goes back in authBytes. SCRAM takes two rounds, PLAIN one.
// - A failed authentication gets SASL_AUTHENTICATION_FAILED with Kafka's message ("...due to
//   invalid credentials with SASL mechanism X"), then the connection is closed.
// - Without a preceding SaslHandshake, or on a listener without SASL: ILLEGAL_SASL_STATE.
//
// Not implemented:
// - Re-authentication (KIP-368): sessionLifetimeMs is always 0 (no expiry).
//
// Version notes:
// - v1: sessionLifetimeMs. v2: flexible.
import {SaslFailure} from '../auth/sasl.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(36, {
  handle: (request, ctx) => {
    try {
      const reply = ctx.state.security.authenticate(ctx.connection, Buffer.from(request.authBytes ?? Buffer.alloc(0)))
      return {errorCode: ErrorCode.NONE, errorMessage: null, authBytes: reply, sessionLifetimeMs: 0}
    } catch (error) {
      if (!(error instanceof SaslFailure)) throw error
      if (!ctx.connection.authenticated) setImmediate(() => ctx.connection.close(error.message))
      return {errorCode: ErrorCode[error.errorName], errorMessage: error.message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0}
    }
  },
})
