/**
 * Live Python for one run of the dev server: where the kernels run (a local Jupyter
 * server started now, or a remote one), the kernel pool, the shared block state, and
 * the presenter's terminal lines. Stopped with the dev server.
 */
import type { DeckFiles } from '../deck'
import type { Outage, ServerAddress } from './kernels'
import type { JupyterServer } from './launcher'
import type { KernelSettings, RemoteKernels } from './settings'
import type { Fresh, LiveEvent, Missing } from '../../shared/live'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PASSING } from '../../shared/live'
import { LiveBlocks } from './blocks'
import { KernelPool, PreludeError, setupCode } from './kernels'
import { startLocalServer, Unavailable } from './launcher'
import { LiveLog, routeClientChatter } from './log'
import { hasPython, kernelSettings } from './settings'

/** Restarts of the local server in a row before the session gives up, and the wait
 * before each (doubling); a server that ran this long counts as healthy again. */
const RESTARTS = 5
const RESTART_DELAY_MS = 500
const HEALTHY_MS = 60_000
/** How long closing the dev server waits for the kernels to stop (a remote server may
 * not answer). */
const STOP_MS = 8000

/** Why no kernel runs, and what to do, for the terminal (the deck says it in its language). */
export function explain(missing: Missing, detail: string, fix: string): string {
  switch (missing) {
    case 'python': return `no Python environment at ${detail}: run \`${fix}\``
    case 'models': return `models missing from the local cache (${detail}): run \`${fix}\``
    case 'server': return `the Jupyter server did not start (${detail}): run \`${fix}\``
    case 'exited': return `the local Jupyter server stopped ${fix} times in a row (last: ${detail}); see the log, then restart the dev server`
    case 'prelude': return `the deck's prelude failed (${detail}): fix ${fix}, then click ↻ on a live block`
    case 'remote': return `the remote Jupyter server did not answer (${detail}): ${fix}`
    case 'unreachable': return `Jupyter server ${fix} unreachable for ${detail} s; retrying`
    case 'forbidden': return `the Jupyter server refuses the token in ${detail} (403); retrying: put its current token in that file`
    case 'restarting': return `the local Jupyter server stopped (${detail}); restarting it`
  }
}

/** Where a deck's dev server notes the kernels it started on a remote server (ids and
 * the server's URL, never its token): a run that crashed leaves them to the next. */
function kernelsFile(deck: DeckFiles): string {
  return join(deck.build, 'remote-kernels.json')
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
  private stopping?: Promise<void>
  private exited = false
  private restarts = 0
  private serverStarted = 0

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
      const remote = settings.kind === 'remote' ? settings : undefined
      const dir = remote ? remote.dir : this.deck.root
      const prelude = this.deck.prelude && existsSync(this.deck.prelude) ? this.deck.prelude : undefined
      const remotePrelude = prelude && remote ? join(dir, prelude.slice(this.deck.root.length)) : prelude
      // Local kernels run the toolkit's Python, so they get its traceback hooks as check
      // kernels do; a remote server needs nothing of nlpdeck, and its paths differ.
      const setup = remote ? setupCode(dir, remotePrelude) : `${this.deck.kernelSetup}\n${setupCode(dir, prelude)}`
      this.pool = new KernelPool(address, setup, {
        onActive: fresh => this.onActive(fresh),
        onReplaced: (why, standbyReady) => this.replaced(why, standbyReady),
        onStandby: ready => this.blocks.setKernel({ standby: ready }),
        onFailure: error => this.unavailable(error instanceof PreludeError
          ? new Unavailable('prelude', error.message, relative(this.deck.toolkit, this.deck.prelude ?? this.deck.root))
          : new Unavailable('server', error.message, `see ${this.log.shown}`)),
        onOutage: outage => this.outage(outage),
        onKernels: remote ? ids => this.noteKernels(remote, ids) : undefined,
        refreshAddress: remote ? () => this.readAddress(remote) : undefined,
        log: line => this.log.write(line),
      }, 'python3', remote ? this.leftKernels(remote) : [])
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
    return this.startServer(settings)
  }

  private async startServer(settings: KernelSettings & { kind: 'local' }): Promise<JupyterServer> {
    const server = await startLocalServer(this.deck, settings, this.log.path)
    this.server = server
    this.serverStarted = performance.now()
    this.log.write(`jupyter-server at ${server.url} (token in a private file, kept in this process)`)
    server.onExit(why => this.serverExited(settings, why))
    return server
  }

  /**
   * The local server exited on its own (killed, crashed): start a new one (fresh token),
   * and fresh kernels in it, after a short wait that doubles with each failure in a row;
   * after `RESTARTS` in a row, say so and stop trying.
   */
  private serverExited(settings: KernelSettings & { kind: 'local' }, why: string): void {
    if (this.stopped)
      return
    if (performance.now() - this.serverStarted > HEALTHY_MS)
      this.restarts = 0
    this.restarts++
    if (this.restarts > RESTARTS) {
      this.unavailable(new Unavailable('exited', why, String(RESTARTS)))
      return
    }
    this.blocks.setKernel({ phase: 'unavailable', missing: 'restarting', detail: why, fix: '' })
    const delay = RESTART_DELAY_MS * 2 ** (this.restarts - 1)
    this.log.write(`the Jupyter server stopped (${why}); restarting it in ${delay} ms (attempt ${this.restarts} of ${RESTARTS})`)
    setTimeout(() => {
      if (this.stopped)
        return
      this.startServer(settings).then((server) => {
        if (this.stopped) {
          void server.stop()
          return
        }
        this.log.say(`the Jupyter server stopped (${why}); a new one runs with a fresh token, starting fresh kernels (log: ${this.log.shown})`)
        this.blocks.setKernel({ phase: 'starting', missing: undefined, detail: undefined, fix: undefined })
        this.pool?.retarget(server)
      }, (error: Error) => {
        this.log.write(`restarting the Jupyter server failed: ${error.message}`)
        this.serverStarted = performance.now()
        this.serverExited(settings, error instanceof Unavailable ? error.missing : 'error')
      })
    }, delay)
  }

  /** The remote server's address with the token its file holds now. */
  private readAddress(settings: RemoteKernels): ServerAddress {
    let token: string
    try {
      token = readFileSync(settings.tokenFile, 'utf8').trim()
    }
    catch (error) {
      throw new Unavailable('remote', `cannot read the token file ${settings.tokenFile}: ${(error as Error).message}`, 'name a readable token file')
    }
    this.remote = { url: settings.url, token }
    return this.remote
  }

  /** A remote server is asked by the pool, which says when it does not answer (and
   * keeps asking): one that is down at the start may come up later. */
  private async remoteAddress(settings: RemoteKernels): Promise<ServerAddress> {
    const address = this.readAddress(settings)
    this.log.write(`remote Jupyter server at ${settings.url}; kernels work in ${settings.dir}`)
    return address
  }

  /** Kernel ids a previous dev server of this deck left on the same remote server. */
  private leftKernels(settings: RemoteKernels): string[] {
    try {
      const noted = JSON.parse(readFileSync(kernelsFile(this.deck), 'utf8')) as { url?: string, ids?: unknown }
      return noted.url === settings.url && Array.isArray(noted.ids) ? noted.ids.filter(id => typeof id === 'string') : []
    }
    catch {
      return []
    }
  }

  private noteKernels(settings: RemoteKernels, ids: string[]): void {
    try {
      writeFileSync(kernelsFile(this.deck), `${JSON.stringify({ url: settings.url, ids })}\n`)
    }
    catch (error) {
      this.log.write(`cannot note the remote kernels' ids: ${(error as Error).message}`)
    }
  }

  private outage(outage: Outage | undefined): void {
    if (this.stopped || (outage && this.blocks.kernel.missing === 'restarting'))
      return // the local server is being restarted: the status line says that
    if (!outage) {
      const shown = this.blocks.kernel.missing
      if (shown !== 'unreachable' && shown !== 'forbidden')
        return // none was said
      this.log.say('the Jupyter server answers again; starting fresh kernels if it lost ours')
      this.blocks.setKernel({ phase: 'starting', missing: undefined, detail: undefined, fix: undefined })
      return
    }
    const first = !PASSING.includes(this.blocks.kernel.missing as Missing)
    if (outage.kind === 'forbidden') {
      const file = this.settings?.kind === 'remote' ? this.settings.tokenFile : 'the token file'
      this.blocks.setKernel({ phase: 'unavailable', missing: 'forbidden', detail: file, fix: '' })
    }
    else {
      const url = this.settings?.kind === 'remote' ? this.settings.url : (this.server?.url ?? '')
      this.blocks.setKernel({ phase: 'unavailable', missing: 'unreachable', detail: String(outage.seconds), fix: url })
    }
    if (first) {
      const { missing, detail, fix } = this.blocks.kernel
      this.log.say(`live Python paused: ${explain(missing!, detail!, fix!)} (${outage.detail}). Live blocks show their recorded outputs meanwhile.`)
    }
  }

  private replaced(why: Fresh, standbyReady: boolean): void {
    if (!standbyReady && this.blocks.kernel.phase !== 'unavailable') // runs wait for the new kernel's prelude: windows say so
      this.blocks.setKernel({ phase: 'starting' })
    const now = standbyReady ? 'the standby took over (fresh state, prelude loaded)' : 'starting a fresh kernel (no standby was ready yet)'
    const what = { died: 'the kernel died', restarted: 'kernel restarted from the deck', server: 'the Jupyter server lost the kernel' }[why]
    this.log.say(`${what}; ${now}`)
  }

  private onActive(fresh: Fresh | undefined): void {
    // a kernel lost with its server: idle blocks say the state is fresh until a run
    const kernelFresh = fresh === 'server' ? fresh : this.blocks.kernel.fresh
    this.blocks.setKernel({ phase: 'ready', missing: undefined, detail: undefined, fix: undefined, fresh: kernelFresh })
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
    if (phase === 'unavailable' && missing !== 'prelude' && missing !== 'server') // a failed prelude may be retried (↻)
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
    this.log.write('restart asked for from the deck')
  }

  /** The dev server closes (a restart, or its end): kernels and server stop. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll()
    return this.stopping
  }

  private async stopAll(): Promise<void> {
    if (this.stopped) // exitNow() came first
      return
    this.stopped = true
    this.blocks.setKernel({ phase: 'stopped' })
    await this.pool?.stop().catch((error: Error) => this.log.write(`stopping the kernels: ${error.message}`))
    await this.server?.stop().catch((error: Error) => this.log.write(`stopping the Jupyter server: ${error.message}`))
    this.log.say(this.remote
      ? `live Python stopped: its kernels on ${this.remote.url} are shut down`
      : 'live Python stopped: the Jupyter server and its kernels have exited')
  }

  /**
   * The dev server closes (before it exits, or restarts): stop, waiting for a kernel its
   * server is still starting (exitNow() knows no id before the server answers, so such a
   * kernel would outlive the talk on a remote server), for at most STOP_MS.
   */
  async close(): Promise<void> {
    const stopping = this.stop().then(() => true, (error: Error) => {
      this.log.write(`stopping live Python: ${error.message}`)
      return true
    })
    const stopped = await Promise.race([stopping, sleep(STOP_MS).then(() => false)])
    if (!stopped)
      this.log.say(`live Python: the kernels did not stop in ${STOP_MS / 1000} s; ${this.remote ? 'the next start shuts down what is left' : 'the Jupyter server stops them as it exits'}`)
  }

  /**
   * The dev server's process exits now (`q`, a signal): nothing asynchronous runs any more.
   * The local server sees its standard input close and stops with its kernels; kernels
   * of a remote server are shut down by a short synchronous helper.
   */
  exitNow(): void {
    if (this.exited)
      return
    this.exited = true
    const stopping = this.stopped // `stop()` began (Slidev's `q`) but may not have finished
    this.stopped = true
    const ids = this.pool?.kernelIds() ?? [] // those not shut down yet
    if (this.remote && ids.length) {
      const script = 'const {url, token, ids} = JSON.parse(require("fs").readFileSync(0, "utf8")); '
        + 'Promise.all(ids.map(id => fetch(url + "api/kernels/" + id, {method: "DELETE", headers: {Authorization: "token " + token}}).catch(() => {})))'
      try {
        execFileSync(process.execPath, ['-e', script], { input: JSON.stringify({ ...this.remote, ids }), timeout: 5000, stdio: ['pipe', 'ignore', 'ignore'] })
        if (this.settings?.kind === 'remote')
          this.noteKernels(this.settings, [])
      }
      catch {} // the next start shuts them down
    }
    if (!stopping)
      this.log.say('live Python stopped: the Jupyter server and its kernels exit with the dev server')
  }
}
