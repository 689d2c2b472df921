// `kctl lag --serve [host]:port`: a Prometheus scrape endpoint. Loopback by default, so a
// laptop never exposes its cluster's group names by accident; "0.0.0.0:9308" opts in.
import http from 'node:http'
import {KctlError, usageError} from '../../errors.js'

export const defaultServeAddress = ':9308'

export function parseListenAddress(text: string): {host: string; port: number} {
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[^:\s]*):)?(\d{1,5})$/.exec(text.trim())
  const port = match ? Number(match[2]) : Number.NaN
  if (!match || port > 65535) throw usageError(`invalid --serve address "${text}"`, 'use [HOST]:PORT, e.g. :9308 (loopback) or 0.0.0.0:9308 (all interfaces)')
  const host = match[1] ? match[1].replace(/^\[|\]$/g, '') : '127.0.0.1'
  return {host, port}
}

/** Serves GET /metrics with the text `render` produces at each scrape. */
export async function serveMetrics(address: {host: string; port: number}, render: () => Promise<string>): Promise<{server: http.Server; url: string}> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url !== '/metrics' && request.url !== '/')) {
      response.writeHead(404, {'content-type': 'text/plain'}).end('not found: scrape /metrics\n')
      return
    }
    render().then(
      (text) => response.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8'}).end(text),
      (error: Error) => response.writeHead(503, {'content-type': 'text/plain'}).end(`kctl: ${error.message}\n`),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new KctlError(`unable to serve metrics on ${address.host}:${address.port}: ${error.code ?? error.message}`, {
        hint: error.code === 'EADDRINUSE' ? 'another process uses the port; pick another with --serve :PORT' : 'check the address given to --serve',
      })),
    )
    server.listen(address.port, address.host, () => resolve())
  })
  const {port} = server.address() as {port: number}
  const host = address.host.includes(':') ? `[${address.host}]` : address.host
  return {server, url: `http://${host}:${port}/metrics`}
}
