/**
 * Live Python for one run of the dev server: where the kernels run (a local Jupyter
 * server started now, or a remote one), the kernel pool, the shared block state, and
 * the presenter's terminal lines. Stopped with the dev server.
 */
import type { DeckFiles } from '../deck'
import type { ServerAddress } from './kernels'
import type { JupyterServer } from './launcher'
import type { KernelSettings, RemoteKernels } from './settings'
import type { LiveEvent, Missing } from '../../shared/live'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { LiveBlocks } from './blocks'
import { KernelPool, setupCode } from './kernels'
import { startLocalServer, Unavailable } from './launcher'
import { LiveLog, routeClientChatter } from './log'
import { hasPython, kernelSettings } from './settings'

/** Why no kernel runs, and what to do, for the terminal (the deck says it in its language). */
export function explain(missing: Missing, detail: string, fix: string): string {
  switch (missing) {
    case 'python': return `no Python environment at ${detail}: run \`${fix}\``
    case 'models': return `models missing from the local cache (${detail}): run \`${fix}\``
    case 'server': return `the Jupyter server did not start (${detail}): run \`${fix}\``
    case 'exited': return `${detail}: ${fix}`
    case 'prelude': return `the deck's prelude failed (${detail}): fix ${fix}, then click ↻ on a live block`
    case 'remote': return `the remote Jupyter server did not answer (${detail}): ${fix}`
  }
}

export class LiveSession {
  readonly log: LiveLog
  readonly blocks: LiveBlocks
  private settings?: KernelSettings
  private server?: JupyterServer
  private pool?: KernelPool
  private remote?: ServerAddress
  private readonly started = performance.now()
  private url?: string
  private kernelReady = false
  private stopped = false

  constructor(private readonly deck: DeckFiles, broadcast: (event: LiveEvent) => void) {
    this.log = new LiveLog(join(deck.build, 'live.log'), deck.toolkit)
    this.blocks = new LiveBlocks(broadcast, line => this.log.write(line))
    this.blocks.setKernel({ log: this.log.shown })
    routeClientChatter(this.log)
  }

  /** The dev server listens at `url`: say so once the kernel is ready too. */
  listening(url: string): void {
    this.url = url
    this.sayReady()
  }

  private sayReady(): void {
    if (!this.url || !this.kernelReady)
      return
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1)
    const where = this.settings?.kind === 'remote' ? `, kernels on ${this.settings.url}` : ''
    this.log.say(`live Python ready at ${this.url} in ${seconds} s${where} (log: ${this.log.shown})`)
  }

  async start(): Promise<void> {
    try {
      if (this.deck.unavailable) // the toolkit could not describe the deck
        throw new Unavailable(this.deck.unavailable.missing, this.deck.unavailable.detail, this.deck.unavailable.fix)
      const settings = this.settings = kernelSettings(this.deck)
      const address = await this.address(settings)
      if (this.stopped)
        return
      const remote = settings.kind === 'remote'
      const dir = remote ? settings.dir : this.deck.root
      const prelude = this.deck.prelude && existsSync(this.deck.prelude) ? this.deck.prelude : undefined
      const remotePrelude = prelude && remote ? join(dir, prelude.slice(this.deck.root.length)) : prelude
      // Local kernels run the toolkit's Python, so they get its traceback hooks as check
      // kernels do; a remote server needs nothing of nlpdeck, and its paths differ.
      const setup = remote ? setupCode(dir, remotePrelude) : `${this.deck.kernelSetup}\n${setupCode(dir, prelude)}`
      this.pool = new KernelPool(address, setup, {
        onActive: fresh => this.onActive(fresh),
        onReplaced: (why, standbyReady) => this.replaced(why, standbyReady),
        onStandby: ready => this.blocks.setKernel({ standby: ready }),
        onFailure: error => this.unavailable(new Unavailable('prelude', error.message, relative(this.deck.toolkit, this.deck.prelude ?? this.deck.root))),
        log: line => this.log.write(line),
      })
      this.blocks.pool = this.pool
      this.pool.start()
    }
    catch (error) {
      this.unavailable(error instanceof Unavailable ? error : new Unavailable('server', (error as Error).message, 'make setup'))
    }
  }

  private async address(settings: KernelSettings): Promise<ServerAddress> {
    if (settings.kind === 'remote')
      return this.remoteAddress(settings)
    if (!hasPython(settings))
      throw new Unavailable('python', settings.python, 'make setup')
    this.server = await startLocalServer(this.deck, settings, this.log.path)
    this.log.write(`jupyter-server at ${this.server.url} (token in a private file, kept in this process)`)
    this.server.onExit(why => this.unavailable(new Unavailable('exited', why, 'press r in the dev server\'s terminal to restart it')))
    return this.server
  }

  private async remoteAddress(settings: RemoteKernels): Promise<ServerAddress> {
    let token: string
    try {
      token = readFileSync(settings.tokenFile, 'utf8').trim()
    }
    catch (error) {
      throw new Unavailable('remote', `cannot read the token file ${settings.tokenFile}: ${(error as Error).message}`, 'name a readable token file')
    }
    const response = await fetch(`${settings.url}api/status`, { headers: { Authorization: `token ${token}` } })
      .catch((error: Error) => ({ ok: false, status: 0, statusText: error.message }))
    if (!response.ok)
      throw new Unavailable('remote', `${settings.url}: ${response.status || ''} ${response.statusText}`.trim(), 'check its URL and token file')
    this.log.write(`remote Jupyter server at ${settings.url}; kernels work in ${settings.dir}`)
    this.remote = { url: settings.url, token }
    return this.remote
  }

  private replaced(why: string, standbyReady: boolean): void {
    if (!standbyReady) // runs wait for the new kernel's prelude: windows say so
      this.blocks.setKernel({ phase: 'starting' })
    const now = standbyReady ? 'the standby took over (fresh state, prelude loaded)' : 'starting a fresh kernel (no standby was ready yet)'
    this.log.say(why === 'died' ? `the kernel died; ${now}` : `kernel restarted from the deck; ${now}`)
  }

  private onActive(fresh: string | undefined): void {
    this.blocks.setKernel({ phase: 'ready', missing: undefined, detail: undefined, fix: undefined })
    if (!this.kernelReady) {
      this.kernelReady = true
      this.sayReady()
    }
    else if (fresh) {
      this.log.write('the new active kernel is ready')
    }
  }

  private unavailable(error: Unavailable): void {
    if (this.stopped)
      return
    this.blocks.setKernel({ phase: 'unavailable', missing: error.missing, detail: error.detail, fix: error.fix })
    this.log.say(`live Python is not available: ${explain(error.missing, error.detail, error.fix)}. `
      + `Live blocks show their recorded outputs. (log: ${this.log.shown})`)
  }

  /** Throws, saying why, when no run can be asked for now. */
  runnable(): void {
    const { phase, missing, detail, fix } = this.blocks.kernel
    if (phase === 'unavailable' && missing !== 'prelude') // a failed prelude may be retried (↻)
      throw new Error(`live Python is not available: ${explain(missing!, detail!, fix!)}`)
    if (phase === 'stopped')
      throw new Error('live Python has stopped with the dev server')
  }

  /** A presenter's restart: the standby takes over (a failed prelude is tried again). */
  restart(): void {
    if (!this.pool)
      throw new Error('no kernel to restart: live Python did not start')
    if (this.blocks.kernel.phase === 'unavailable')
      this.blocks.setKernel({ phase: 'starting', missing: undefined, detail: undefined, fix: undefined })
    this.pool.restart()
  }

  /** The dev server closes (a restart, or its end): kernels and server stop. */
  async stop(): Promise<void> {
    if (this.stopped)
      return
    this.stopped = true
    this.blocks.setKernel({ phase: 'stopped' })
    await this.pool?.stop()
    await this.server?.stop()
    this.log.say('live Python stopped: the Jupyter server and its kernels have exited')
  }

  /**
   * The dev server's process exits now (`q`, Ctrl-C): nothing asynchronous runs any more.
   * The local server sees its standard input close and stops with its kernels; kernels
   * of a remote server are shut down by a short synchronous helper.
   */
  exitNow(): void {
    if (this.stopped)
      return
    this.stopped = true
    const ids = this.pool?.kernelIds() ?? []
    if (this.remote && ids.length) {
      const script = 'const {url, token, ids} = JSON.parse(require("fs").readFileSync(0, "utf8")); '
        + 'Promise.all(ids.map(id => fetch(url + "api/kernels/" + id, {method: "DELETE", headers: {Authorization: "token " + token}}).catch(() => {})))'
      try {
        execFileSync(process.execPath, ['-e', script], { input: JSON.stringify({ ...this.remote, ids }), timeout: 5000, stdio: ['pipe', 'ignore', 'ignore'] })
      }
      catch {}
    }
    this.log.say('live Python stopped: the Jupyter server and its kernels exit with the dev server')
  }
}
