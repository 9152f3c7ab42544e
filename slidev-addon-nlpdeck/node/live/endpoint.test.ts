// The request guard of POST /__nlpdeck/live/…, on a real HTTP server on loopback.
import type { AddressInfo } from 'node:net'
import { createServer, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claims, commandOf, field, isLoopbackHost, liveEndpoint, normalisedPath } from './endpoint'

describe('paths', () => {
  it('are judged after every decoding', () => {
    expect(normalisedPath('/a/%252e%252e/__nlpdeck/x')).toBe('/__nlpdeck/x')
    expect(normalisedPath('/x\\..\\__jupyter/api')).toBe('/__jupyter/api')
    expect(normalisedPath('/%')).toBe('/%')
  })
  it('in the namespace are claimed, however spelled', () => {
    expect(claims('/__nlpdeck/live/run')).toBe(true)
    expect(claims('/deck/%2e%2e/__NLPDECK/live/run')).toBe(true)
    expect(claims('/__jupyter/api/kernels')).toBe(true)
    expect(claims('/__nlpdeckish')).toBe(false)
    expect(claims('/2')).toBe(false)
  })
  it('name a command only when spelled plainly', () => {
    expect(commandOf('/__nlpdeck/live/run')).toBe('run')
    expect(commandOf('/__nlpdeck/live/run?x=1')).toBe('run')
    expect(commandOf('/__nlpdeck/live/%72un')).toBeUndefined()
    expect(commandOf('/__nlpdeck/live/shutdown')).toBeUndefined()
  })
  it('loopback hosts only', () => {
    expect(['localhost:3030', '127.0.0.1', '[::1]:80'].map(isLoopbackHost)).toEqual([true, true, true])
    expect(['192.0.2.2:3030', 'evil.example', undefined].map(isLoopbackHost)).toEqual([false, false, false])
  })
  it('fields are checked', () => {
    expect(field({ a: 'x' }, 'a')).toBe('x')
    expect(() => field({ a: 1 }, 'a')).toThrow(/field a/)
    expect(() => field({ a: 'x!' }, 'a', /^\w+$/)).toThrow(/malformed/)
  })
})

describe('the endpoint', () => {
  const done: Record<string, unknown>[] = []
  const server = createServer((req, res) => liveEndpoint({
    edit: body => done.push(body),
    run: (body) => {
      if (body.code === 'busy')
        throw new Error('cannot now')
      done.push(body)
    },
    interrupt: () => {},
    restart: () => {},
  })(req, res, () => res.writeHead(200).end('deck')))
  let port = 0
  beforeAll(() => new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => {
    port = (server.address() as AddressInfo).port
    resolve()
  })))
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

  function send(path: string, options: { method?: string, host?: string, origin?: string | null, type?: string, body?: string } = {}): Promise<[number, string]> {
    const host = options.host ?? `localhost:${port}`
    const headers: Record<string, string> = { 'Host': host, 'Content-Type': options.type ?? 'application/json' }
    if (options.origin !== null)
      headers.Origin = options.origin ?? `http://${host}`
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers, agent: false }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => text += chunk)
        res.on('end', () => resolve([res.statusCode!, text]))
      })
      req.on('error', reject)
      req.end(options.body ?? '{"code": "1"}')
    })
  }

  it('runs a command from the deck\'s own page', async () => {
    expect((await send('/__nlpdeck/live/run'))[0]).toBe(204)
    expect(done.at(-1)).toEqual({ code: '1' })
  })
  it.each([
    ['a follower\'s host', '/__nlpdeck/live/run', { host: '192.0.2.2:3030' }, 403],
    ['no Origin', '/__nlpdeck/live/run', { origin: null }, 403],
    ['a foreign Origin', '/__nlpdeck/live/run', { origin: 'http://evil.example' }, 403],
    ['a body not JSON', '/__nlpdeck/live/run', { type: 'text/plain' }, 415],
    ['GET', '/__nlpdeck/live/run', { method: 'GET' }, 405],
    ['a dotted path', '/__nlpdeck/live/../live/run', {}, 404],
    ['the retired proxy', '/__jupyter/api/kernels', {}, 404],
  ] as const)('refuses %s', async (_, path, options, status) => {
    expect((await send(path, options))[0]).toBe(status)
  })
  it('says why a command cannot run now', async () => {
    expect(await send('/__nlpdeck/live/run', { body: '{"code": "busy"}' })).toEqual([409, 'nlpdeck: cannot now\n'])
  })
  it.each([['{', 400], ['"text"', 400]] as const)('rejects the body %s', async (body, status) => {
    expect((await send('/__nlpdeck/live/run', { body }))[0]).toBe(status)
  })
  it('cuts off a body over 256 KB', async () => {
    const answer = await send('/__nlpdeck/live/run', { body: `{"code": "${'x'.repeat(300_000)}"}` }).catch((error: Error) => error.message)
    expect(answer).toMatch(/ECONNRESET|EPIPE|hang up|^413/)
    expect(done.some(body => String(body.code).length > 1000)).toBe(false)
  })
  it('passes every other request on', async () => {
    expect(await send('/2', { method: 'GET' })).toEqual([200, 'deck'])
  })
})
