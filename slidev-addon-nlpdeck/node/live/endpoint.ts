/**
 * The dev server's door for live blocks: `POST /__nlpdeck/live/{edit,run,interrupt,restart}`
 * with a JSON body, from the deck's own pages on a loopback host.
 *
 * There is no proxy to the Jupyter server: the dev server is its only client, and the
 * token never leaves Node. So a browser reaches nothing of Jupyter (no contents, no
 * terminals, no kernel WebSocket), only these four commands. The rules, each a
 * refusal with a status a test checks:
 *
 * - Paths are judged as a file server would read them after every decoding (percent
 *   signs, repeatedly; backslashes; empty and dot segments). Anything that lands under
 *   `/__nlpdeck` or the retired `/__jupyter` is ours: exactly one of the four command
 *   paths, spelled plainly, or 404; any method but POST gets 405; WebSocket upgrades to
 *   those paths get 404.
 * - `Host` must name a loopback address: a device that follows the deck over
 *   `slidev --remote` reads the outputs but cannot run (403), and a page of another
 *   name resolved to 127.0.0.1 (DNS rebinding) is refused too.
 * - `Origin` must be the dev server's own. Every browser sends it with a POST, so a
 *   request without one is not from one of the deck's pages: 403.
 * - The body is JSON (a cross-origin page cannot send that without a preflight), at
 *   most 256 KB.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Command } from '../../shared/live'
import { COMMANDS, ENDPOINT } from '../../shared/live'

const NAMESPACES = ['/__nlpdeck', '/__jupyter']
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const MAX_BODY = 256 * 1024

/** A path after every decoding a server along the way might do. */
export function normalisedPath(url: string): string {
  let path = url.split(/[?#]/)[0]
  for (let round = 0; round < 4; round++) { // %252e → %2e → .
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    }
    catch {
      break // a lone `%`: nothing more to decode
    }
    if (decoded === path)
      break
    path = decoded
  }
  const segments: string[] = []
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '..')
      segments.pop()
    else if (segment !== '' && segment !== '.')
      segments.push(segment)
  }
  return `/${segments.join('/')}`
}

function inNamespace(path: string): boolean {
  const lower = path.toLowerCase()
  return NAMESPACES.some(space => lower === space || lower.startsWith(`${space}/`))
}

/** Whether the endpoint answers this request's URL (raw or normalised). */
export function claims(url: string): boolean {
  return inNamespace(url.split(/[?#]/)[0]) || inNamespace(normalisedPath(url))
}

/** The command a request names, spelled exactly, or undefined. */
export function commandOf(url: string): Command | undefined {
  const path = url.split('?')[0]
  return COMMANDS.find(command => path === `${ENDPOINT}${command}`)
}

export function isLoopbackHost(host: string | undefined): boolean {
  return LOOPBACK.has((host ?? '').replace(/:\d+$/, '').toLowerCase())
}

/** Why a request may not act, or undefined when it may. */
export function refusal(req: IncomingMessage): { status: number, message: string } | undefined {
  const host = req.headers.host
  if (!isLoopbackHost(host))
    return { status: 403, message: 'read-only: only the presenter\'s machine (a loopback address) runs live blocks' }
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
  if (req.headers.origin !== `${scheme}://${host}`)
    return { status: 403, message: 'only the deck\'s own pages may run live blocks (Origin missing or foreign)' }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    return { status: 415, message: 'the body must be JSON' }
  return undefined
}

function answer(res: ServerResponse, status: number, message?: string): void {
  if (message === undefined) {
    res.writeHead(status).end()
    return
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`nlpdeck: ${message}\n`)
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }))
        req.destroy()
      }
      else {
        chunks.push(chunk)
      }
    })
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'))
      }
      catch {
        reject(Object.assign(new Error('the body is not JSON'), { status: 400 }))
      }
    })
    req.on('error', reject)
  })
}

/** What a command does; its error's message is sent back (status 409: cannot now). */
export type Handlers = Record<Command, (body: Record<string, unknown>) => void>

/** Connect middleware: answers every request in its namespace, passes the rest on. */
export function liveEndpoint(handlers: Handlers) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '/'
    if (!claims(url)) {
      next()
      return
    }
    const command = commandOf(url)
    if (!command) {
      answer(res, 404, `no such endpoint; live blocks use POST ${ENDPOINT}{${COMMANDS.join(',')}}`)
      return
    }
    if (req.method !== 'POST') {
      answer(res, 405, 'POST only')
      return
    }
    const refused = refusal(req)
    if (refused) {
      answer(res, refused.status, refused.message)
      return
    }
    readBody(req).then((body) => {
      if (typeof body !== 'object' || body === null) {
        answer(res, 400, 'the body must be a JSON object')
        return
      }
      try {
        handlers[command](body as Record<string, unknown>)
        answer(res, 204)
      }
      catch (error) {
        answer(res, (error as { status?: number }).status ?? 409, (error as Error).message)
      }
    }, (error: Error & { status?: number }) => answer(res, error.status ?? 400, error.message))
  }
}

/**
 * An `upgrade` listener: WebSocket handshakes to the namespace get 404, except one that
 * Vite's own HMR socket takes (its protocol, and a path the URL parser resolves to its
 * base: `/__nlpdeck/..` is `/`); Vite checks those itself.
 */
export function refuseUpgrades(base: string) {
  return (req: IncomingMessage, socket: Duplex): void => {
    const url = req.url ?? '/'
    if (!claims(url))
      return
    const protocol = req.headers['sec-websocket-protocol']
    const resolved = new URL(`http://host${url}`).pathname
    if ((protocol === 'vite-hmr' || protocol === 'vite-ping') && resolved === base)
      return
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nnlpdeck: no WebSocket here\n')
  }
}

/** A field of a request's body that must be a string (of at most `max` characters). */
export function field(body: Record<string, unknown>, name: string, pattern?: RegExp, max = 200_000): string {
  const value = body[name]
  if (typeof value !== 'string' || value.length > max || (pattern && !pattern.test(value)))
    throw Object.assign(new Error(`field ${name} is missing or malformed`), { status: 400 })
  return value
}
