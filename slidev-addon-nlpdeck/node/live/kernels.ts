/**
 * The deck's kernels: the active one and a standby, both with the deck's prelude run.
 *
 * As Jupyter Kernel Gateway's `prespawn_count` keeps kernels started before anyone asks,
 * the pool keeps one standby with the prelude loaded. When the active kernel dies (its
 * process exits, or a server restarts it in place, which would lose the prelude), or a
 * presenter restarts it from the status line, the standby takes over at once and a new
 * standby warms in the background: a run after a death waits for no prelude.
 *
 * The pool talks to any Jupyter server's kernels API with @jupyterlab/services (the
 * `ws` package as its WebSocket): the local one nlpdeck starts, or a remote one. The
 * prelude is run by the pool, not by the server, so a remote server needs nothing of
 * nlpdeck: it runs `setup` (change to the deck's folder, make it importable, run the
 * prelude file) like any other code.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services'
import type { Fresh } from '../../shared/live'
import { KernelAPI, KernelConnection, ServerConnection } from '@jupyterlab/services'
import WebSocket from 'ws'

/** A kernel status that means its state is gone: it died, or its server restarted it. */
const LOST = new Set<Kernel.Status>(['dead', 'restarting', 'autorestarting'])

export class PreludeError extends Error {}

/** Code that makes a kernel the deck's: in its folder, importable, the prelude run. */
export function setupCode(deckDir: string, prelude: string | undefined): string {
  const lines = [
    'import os as _os, sys as _sys',
    `_os.chdir(${JSON.stringify(deckDir)})`,
    `if ${JSON.stringify(deckDir)} not in _sys.path: _sys.path.insert(0, ${JSON.stringify(deckDir)})`,
    'del _os, _sys',
  ]
  if (prelude) { // as nlpdeck/prelude.py's code(): tracebacks show the prelude's own lines
    const name = JSON.stringify(prelude)
    lines.push(`exec(compile(open(${name}, encoding='utf-8').read(), ${name}, 'exec'))`)
  }
  return lines.join('\n')
}

export interface PoolEvents {
  /** The active kernel is ready (first time: `fresh` undefined), or was replaced. */
  onActive: (fresh: Fresh | undefined) => void
  /** The active kernel is being replaced, by the standby if it was ready. */
  onReplaced: (why: Fresh, standbyReady: boolean) => void
  onStandby: (ready: boolean) => void
  /** No kernel can be made (the prelude fails): why. */
  onFailure: (error: Error) => void
  log: (line: string) => void
}

/** One kernel of the deck: connected, its prelude run (`ready`). Once ready, its loss
 * (death, or a restart by its server) is reported to `onLost`; before, it fails `ready`. */
class DeckKernel {
  readonly ready: Promise<void>
  connection?: KernelConnection
  lost = false
  private inService = false
  private readonly lostListeners: (() => void)[] = []

  constructor(private readonly settings: ServerConnection.ISettings, name: string, setup: string, log: (line: string) => void) {
    this.ready = (async () => {
      const started = performance.now()
      const model = await KernelAPI.startNew({ name }, settings)
      const connection = new KernelConnection({ model, serverSettings: settings, handleComms: false })
      this.connection = connection
      connection.statusChanged.connect((_, status) => {
        if (LOST.has(status))
          this.markLost()
      })
      const errors: string[] = []
      const future = connection.requestExecute({ code: setup, silent: false, store_history: false, allow_stdin: false })
      future.onIOPub = (message) => {
        if (message.header.msg_type === 'error') {
          const content = message.content as KernelMessage.IErrorMsg['content']
          errors.push(plain(`${content.ename}: ${content.evalue}\n${content.traceback.join('\n')}`))
        }
      }
      const reply = await future.done.catch(() => undefined)
      if (!reply || reply.content.status !== 'ok') {
        const traceback = errors.join('\n') || (reply ? 'the prelude did not finish' : 'the kernel died during the prelude')
        log(`kernel ${this.id}: the prelude failed:\n${traceback}`)
        void this.shutdown()
        throw new PreludeError(firstLine(errors[0] ?? traceback))
      }
      if (this.lost)
        throw new PreludeError('the kernel died just after its prelude')
      this.inService = true
      log(`kernel ${this.id}: started, prelude ran in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    })()
    this.ready.catch(() => {})
  }

  get id(): string {
    return this.connection?.id.slice(0, 8) ?? '(starting)'
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener)
  }

  private markLost(): void {
    if (this.lost)
      return
    this.lost = true
    if (this.inService)
      this.lostListeners.forEach(listener => listener())
  }

  /** Shut the kernel down (its server kills it if it does not answer); no loss is
   * reported: whoever shuts it down knows. */
  async shutdown(): Promise<void> {
    this.inService = false
    this.markLost()
    const connection = this.connection
    if (!connection)
      return
    connection.dispose()
    await KernelAPI.shutdownKernel(connection.id, this.settings).catch(() => {})
  }
}

/** Text without terminal colours (tracebacks have them). */
function plain(text: string): string {
  return text.replace(/\x1B\[[0-?]*[ -/]*[@-~]/g, '')
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300)
}

export interface ServerAddress {
  url: string // ends with '/'
  token: string
}

export class KernelPool {
  private readonly settings: ServerConnection.ISettings
  private active?: DeckKernel
  private standby?: DeckKernel
  private fresh?: Fresh
  private stopped = false
  /** The standby's prelude has run: it can take over at once. */
  standbyReady = false
  /** Why the last active kernel was replaced. */
  lastLoss?: Fresh

  constructor(server: ServerAddress, private readonly setup: string, private readonly events: PoolEvents, private readonly kernelName = 'python3') {
    this.settings = ServerConnection.makeSettings({
      baseUrl: server.url,
      wsUrl: server.url.replace(/^http/, 'ws'),
      token: server.token,
      appendToken: true,
      WebSocket,
    })
  }

  /** Start the active kernel, then (once it is ready) the standby. */
  start(): void {
    this.active = this.spawn()
    this.active.ready.then(() => {
      this.events.onActive(undefined)
      this.warmStandby()
    }, error => this.events.onFailure(error))
  }

  private spawn(): DeckKernel {
    const kernel = new DeckKernel(this.settings, this.kernelName, this.setup, this.events.log)
    kernel.onLost(() => this.lost(kernel))
    return kernel
  }

  private warmStandby(): void {
    if (this.stopped || this.standby)
      return
    const standby = this.spawn()
    this.standby = standby
    this.standbyReady = false
    this.events.onStandby(false)
    standby.ready.then(() => {
      if (this.standby === standby) {
        this.standbyReady = true
        this.events.log(`standby kernel ${standby.id} ready`)
        this.events.onStandby(true)
      }
    }, (error) => {
      if (this.standby === standby)
        this.standby = undefined
      this.events.log(`the standby kernel did not start: ${error.message}`)
    })
  }

  private lost(kernel: DeckKernel): void {
    if (this.stopped)
      return
    if (kernel === this.active) {
      this.events.log(`kernel ${kernel.id} died`)
      this.promote('died')
    }
    else if (kernel === this.standby) {
      this.events.log(`standby kernel ${kernel.id} died; starting another`)
      this.standby = undefined
      this.warmStandby()
    }
  }

  /** The standby becomes the active kernel; the old one is shut down, a new standby warms. */
  private promote(why: Fresh): void {
    this.events.onReplaced(why, this.standbyReady)
    const old = this.active
    this.active = this.standby ?? this.spawn()
    this.standby = undefined
    this.standbyReady = false
    this.fresh = why
    this.lastLoss = why
    this.events.onStandby(false)
    void old?.shutdown()
    const active = this.active
    active.ready.then(() => {
      if (this.active === active)
        this.events.onActive(why)
      this.warmStandby()
    }, error => this.events.onFailure(error))
  }

  /** The kernel a run should use, once its prelude has run, and whether it is fresh
   * (the first run since it replaced another). */
  async kernel(): Promise<{ connection: KernelConnection, fresh?: Fresh, id: string }> {
    if (!this.active)
      throw new Error('no kernel: the pool was not started')
    const active = this.active
    await active.ready
    if (active !== this.active || active.lost || !active.connection)
      return this.kernel() // it died or was replaced while we waited
    const fresh = this.fresh
    this.fresh = undefined
    return { connection: active.connection, fresh, id: active.id }
  }

  /** Whether `connection` is still the active kernel's and alive. */
  isActive(connection: KernelConnection): boolean {
    return this.active?.connection === connection && !this.active.lost
  }

  /** Interrupt whatever the active kernel runs. */
  async interrupt(): Promise<void> {
    const connection = this.active?.connection
    if (connection && !this.active?.lost)
      await connection.interrupt()
  }

  /** A presenter's restart: the standby takes over now, even from a wedged kernel. */
  restart(): void {
    if (!this.stopped)
      this.promote('restarted')
  }

  /** The server's ids of the kernels the pool holds. */
  kernelIds(): string[] {
    return [this.active, this.standby].flatMap(k => (k?.connection && !k.lost ? [k.connection.id] : []))
  }

  /** Shut both kernels down. */
  async stop(): Promise<void> {
    this.stopped = true
    await Promise.all([this.active?.shutdown(), this.standby?.shutdown()])
  }
}
