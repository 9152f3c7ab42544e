// The kernel pool against a real jupyter-server on loopback (the toolkit's Python:
// NLPDECK_PYTHON, else .venv/bin/python): the standby takes over when the active kernel
// dies, a standby its server no longer knows is not handed over, and the blocks' state
// follows a run.
import type { ChildProcess } from 'node:child_process'
import type { LiveEvent } from '../../shared/live'
import type { PoolEvents, ServerAddress } from './kernels'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { KernelAPI, ServerConnection } from '@jupyterlab/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveBlocks } from './blocks'
import { DeckKernel, KernelPool, setupCode } from './kernels'

const TOOLKIT = resolve(__dirname, '../../..')
const PYTHON = process.env.NLPDECK_PYTHON ?? join(TOOLKIT, '.venv', 'bin', 'python')
let server: ChildProcess
let address: ServerAddress
let folder: string

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port
      probe.close(() => done(port))
    })
  })
}

beforeAll(async () => {
  if (!existsSync(PYTHON))
    throw new Error(`no Python at ${PYTHON}: run \`make setup\` (or set NLPDECK_PYTHON)`)
  folder = mkdtempSync(join(tmpdir(), 'nlpdeck-pool-'))
  const token = randomBytes(16).toString('hex')
  writeFileSync(join(folder, 'token'), token, { mode: 0o600 })
  const port = await freePort()
  server = spawn(PYTHON, ['-m', 'jupyter_server', `--ServerApp.port=${port}`, '--ServerApp.ip=127.0.0.1',
    '--ServerApp.open_browser=False', `--ServerApp.root_dir=${folder}`, '--allow-root'], {
    env: { ...process.env, JUPYTER_TOKEN_FILE: join(folder, 'token'), JUPYTER_RUNTIME_DIR: folder },
    stdio: 'ignore',
  })
  address = { url: `http://127.0.0.1:${port}/`, token }
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${address.url}api/status`, { headers: { Authorization: `token ${token}` } }).then(r => r.ok, () => false)
    if (up)
      return
    await new Promise(r => setTimeout(r, 300))
  }
  throw new Error('the Jupyter server did not start in 60 s')
}, 90_000)

afterAll(() => {
  server?.kill('SIGTERM')
  rmSync(folder, { recursive: true, force: true })
})

/** A pool whose events (`seen`) and log lines (`logged`) are recorded; `when(name)`
 * resolves at the next such event. */
function pool(setup = setupCode(folder, undefined)) {
  const seen: string[] = []
  const logged: string[] = []
  const waiting: [string, () => void][] = []
  const note = (name: string) => {
    seen.push(name)
    waiting.filter(([n]) => n === name).forEach(([, done]) => done())
  }
  const events: PoolEvents = {
    onActive: fresh => note(`active:${fresh ?? ''}`),
    onReplaced: why => note(`replaced:${why}`),
    onStandby: ready => note(`standby:${ready}`),
    onFailure: error => note(`failure:${error.message}`),
    onOutage: outage => note(`outage:${outage?.kind ?? 'over'}`),
    log: line => logged.push(line),
  }
  const kernels = new KernelPool(address, setup, events)
  const when = (name: string) => new Promise<void>(done => waiting.push([name, done]))
  return { kernels, seen, logged, when }
}

const settings = () => ServerConnection.makeSettings({ baseUrl: address.url, token: address.token, appendToken: true })

describe('the kernel pool', () => {
  it('hands over the standby when the active kernel dies', async () => {
    const { kernels, when } = pool()
    const standby = when('standby:true')
    kernels.start()
    const first = await kernels.kernel()
    expect(first.fresh).toBeUndefined()
    await standby
    const [, standbyId] = kernels.kernelIds()
    const replaced = when('active:died')
    first.connection.requestExecute({ code: 'import os, signal; os.kill(os.getpid(), signal.SIGKILL)' })
    await replaced
    const next = await kernels.kernel()
    expect(next.connection.id).toBe(standbyId)
    expect(next.fresh).toBe('died')
    const reply = await next.connection.requestExecute({ code: 'x = 1' }).done
    expect(reply.content.status).toBe('ok')
    await kernels.stop()
    expect(kernels.kernelIds()).toEqual([])
  }, 120_000)

  it('does not hand over a standby its server no longer knows', async () => {
    const { kernels, when } = pool()
    const standby = when('standby:true')
    kernels.start()
    const first = await kernels.kernel()
    await standby
    const [, standbyId] = kernels.kernelIds()
    await KernelAPI.shutdownKernel(standbyId, settings()) // behind the pool's back
    kernels.restart()
    const next = await kernels.kernel()
    expect(next.connection.id).not.toBe(standbyId)
    expect(next.connection.id).not.toBe(first.connection.id)
    expect(next.fresh).toBe('restarted')
    expect((await next.connection.requestExecute({ code: '1' }).done).content.status).toBe('ok')
    await kernels.stop()
  }, 120_000)

  it('shuts a kernel down on its server when asked while the server starts it', async () => {
    const started: string[] = []
    const kernel = new DeckKernel(settings(), 'python3', 'pass', () => {}, id => started.push(id))
    await kernel.shutdown() // at once: the start request is on its way (a Ctrl-C then)
    // the dev server may exit now: the kernel was started and is no longer listed
    expect(started).toHaveLength(1)
    const listed = (await KernelAPI.listRunning(settings())).map(k => k.id)
    expect(listed).not.toContain(started[0])
    await expect(kernel.ready).rejects.toThrow(/shut down while starting/)
  }, 120_000)

  it('says when a prelude fails, and a restart tries again', async () => {
    const { kernels, when } = pool('raise RuntimeError("no model here")')
    const failed = when('failure:RuntimeError: no model here')
    kernels.start()
    await failed
    await expect(kernels.kernel()).rejects.toThrow(/no model here/)
    kernels.restart() // ↻: a new kernel tries the prelude again, and says why it failed
    await expect(kernels.kernel()).rejects.toThrow(/no model here/)
    await kernels.stop()
  }, 120_000)
})

describe('the live blocks', () => {
  it('run once, stream their outputs joined, and end in a state every window gets', async () => {
    const events: LiveEvent[] = []
    const { kernels, seen, logged } = pool()
    const blocks = new LiveBlocks(event => events.push(event), line => logged.push(line))
    blocks.pool = kernels
    kernels.start()
    const request = { block: '2:0:00000000', code: 'print("a", flush=True)\nprint("b")\n1/0', window: 'w' }
    blocks.run(request)
    for (let i = 0; i < 900 && !['ok', 'error'].includes((blocks.snapshot() as any).blocks[0].state); i++)
      await new Promise(r => setTimeout(r, 100))
    const [block] = (blocks.snapshot() as Extract<LiveEvent, { type: 'snapshot' }>).blocks
    // a run that never ends says what the pool saw (events, log) and what the block got
    expect(block.state, JSON.stringify({ seen, logged, events }, null, 1)).toBe('error')
    expect(block.code).toBe(request.code)
    expect(block.outputs[0]).toMatchObject({ output_type: 'stream', name: 'stdout', text: 'a\nb\n' })
    expect(block.outputs[1]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' })
    const states = events.flatMap(e => (e.type === 'state' ? [e.block.state] : []))
    expect(states[0]).toBe('queued')
    expect(states).toContain('running')
    blocks.edit({ ...request, code: request.code }) // the same text: nothing sent
    const count = events.length
    blocks.edit({ ...request, code: 'x', window: 'v' })
    expect(events.slice(count)).toEqual([{ type: 'code', id: request.block, code: 'x', editor: 'v' }])
    await kernels.stop()
  }, 120_000)

  it('say why a run cannot start without a pool', async () => {
    const blocks = new LiveBlocks(() => {}, () => {})
    blocks.run({ block: '1:0:00000000', code: '1', window: 'w' })
    await new Promise(r => setTimeout(r, 10))
    const [block] = (blocks.snapshot() as Extract<LiveEvent, { type: 'snapshot' }>).blocks
    expect(block.state).toBe('error')
    expect(block.outputs[0]).toMatchObject({ output_type: 'error', evalue: 'no kernel: live Python is not available' })
  })
})
