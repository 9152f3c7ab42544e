/**
 * The deck's kernels: the active one and a standby, both with the deck's prelude run.
 *
 * As Jupyter Kernel Gateway's `prespawn_count` keeps kernels started before anyone asks,
 * the pool keeps one standby with the prelude loaded. When the active kernel dies (its
 * process exits, or a server restarts it in place, which would lose the prelude), or a
 * presenter restarts it from the status line, the standby takes over at once and a new
 * standby warms in the background: a run after a death waits for no prelude.
 *
 * The pool also heals: when a kernel's socket drops or a kernel cannot start, it asks the
 * server (`api/status`, then each kernel by id) until it answers, saying meanwhile how
 * long it has not (`onOutage`). A kernel the server no longer knows (it restarted) is
 * dropped, never handed over; fresh kernels with the prelude take its place, unasked.
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
/** How long a question to the server may take before it counts as no answer. */
const PROBE_MS = 8000
/** Seconds between questions to a server that does not answer: 1, 2, then every 3. */
const RETRY_MS = [1000, 2000, 3000]
/** Times a shutdown is asked for while the server still lists the kernel. */
const SHUTDOWN_TRIES = 4
/** Kernels in a row that fail to start on a server that answers, before the pool says so. */
const START_FAILURES = 3

export class PreludeError extends Error {}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

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

/** Why the pool cannot reach its server: no answer (for `seconds`), or a refused token. */
export interface Outage {
  kind: 'unreachable' | 'forbidden'
  seconds: number
  detail: string
}

export interface PoolEvents {
  /** The active kernel is ready (first time: `fresh` undefined), or was replaced. */
  onActive: (fresh: Fresh | undefined) => void
  /** The active kernel is being replaced, by the standby if it was ready. */
  onReplaced: (why: Fresh, standbyReady: boolean) => void
  onStandby: (ready: boolean) => void
  /** No kernel can be made (the prelude fails, or the server refuses kernels): why. */
  onFailure: (error: Error) => void
  /** The server does not answer (or refuses the token); undefined: it answers again. */
  onOutage: (outage: Outage | undefined) => void
  /** The server's ids of the pool's kernels changed (started or shut down). */
  onKernels?: (ids: string[]) => void
  /** The server refused the token (403): a new address to try, if there is one. */
  refreshAddress?: () => ServerAddress | undefined
  log: (line: string) => void
}

/** One kernel of the deck: connected, its prelude run (`ready`). Once ready, its loss
 * (death, or a restart by its server) is reported to `onLost`; before, it fails `ready`. */
export class DeckKernel {
  readonly ready: Promise<void>
  connection?: KernelConnection
  lost = false
  private inService = false
  private readonly lostListeners: (() => void)[] = []
  private readonly troubleListeners: (() => void)[] = []

  /** The kernel's id once its server has started it (none if the start failed). */
  private readonly startedId: Promise<string | undefined>

  constructor(private readonly settings: ServerConnection.ISettings, name: string, setup: string, log: (line: string) => void, started: (id: string) => void) {
    const began = performance.now()
    const starting = KernelAPI.startNew({ name }, settings)
    this.startedId = starting.then(model => model.id, () => undefined)
    this.ready = (async () => {
      const model = await starting
      started(model.id)
      const connection = new KernelConnection({ model, serverSettings: settings, handleComms: false })
      this.connection = connection
      if (this.lost) { // shut down while it started: shutdown() waited for this id
        this.drop()
        throw new Error('shut down while starting')
      }
      connection.statusChanged.connect((_, status) => {
        if (LOST.has(status))
          this.markLost()
      })
      connection.connectionStatusChanged.connect((_, status) => {
        if (status !== 'connected' && !this.lost)
          this.troubleListeners.forEach(listener => listener())
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
      if (this.lost && !errors.length)
        throw new Error(`kernel ${this.id} was lost during its prelude`)
      if (!reply || reply.content.status !== 'ok') {
        const traceback = errors.join('\n') || (reply ? 'the prelude did not finish' : 'the kernel died during the prelude')
        log(`kernel ${this.id}: the prelude failed:\n${traceback}`)
        void this.shutdown()
        throw new PreludeError(firstLine(errors[0] ?? traceback))
      }
      this.inService = true
      log(`kernel ${this.id}: started, prelude ran in ${((performance.now() - began) / 1000).toFixed(1)} s`)
    })()
    this.ready.catch(() => {})
  }

  get id(): string {
    return this.connection?.id.slice(0, 8) ?? '(starting)'
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener)
  }

  /** Its socket dropped (the server may be gone, or restarted without it). */
  onTrouble(listener: () => void): void {
    this.troubleListeners.push(listener)
  }

  private markLost(): void {
    if (this.lost)
      return
    this.lost = true
    if (this.inService)
      this.lostListeners.forEach(listener => listener())
  }

  /** Forget the kernel without asking its server (which no longer has it): the
   * connection is disposed, so it tries no reconnects; its runs end. */
  drop(): void {
    this.inService = false
    this.markLost()
    // A kernel its server restarted reconnects in a promise @jupyterlab/services starts
    // and never awaits: disposed under it, that promise rejects ("Kernel connection is
    // disposed", "… disconnected") and Node would end the dev server. So dispose after
    // the status signal that started it, without its listeners (it then stays pending).
    const connection = this.connection
    if (connection && !connection.isDisposed) {
      setTimeout(() => {
        const signals = connection.connectionStatusChanged.constructor as unknown as { disconnectReceiver: (receiver: unknown) => void }
        signals.disconnectReceiver(connection)
        connection.dispose()
      }, 0)
    }
  }

  /** Shut the kernel down (its server kills it if it does not answer); no loss is
   * reported: whoever shuts it down knows. */
  async shutdown(): Promise<void> {
    this.drop()
    // Asked while its server starts it (a stop right after the dev server started): wait
    // for the id, or the dev server exits first and the kernel outlives it on a remote server.
    const id = this.connection?.id ?? await this.startedId
    if (!id)
      return
    // A server restarting the kernel in place (it died) may finish that restart after
    // the shutdown: ask until the server no longer lists it, or no longer answers.
    for (let attempt = 1; attempt <= SHUTDOWN_TRIES; attempt++) {
      await KernelAPI.shutdownKernel(id, this.settings).catch(() => {})
      const model = await KernelAPI.getKernelModel(id, this.settings).catch(() => undefined)
      if (!model)
        return
      await sleep(1000 * attempt)
    }
  }
}

/** Text without terminal colours (tracebacks have them). */
function plain(text: string): string {
  return text.replace(/\x1B\[[0-?]*[ -/]*[@-~]/g, '')
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300)
}

/** A promise and its resolve function (Node 20 has no Promise.withResolvers). */
function signal(): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((done) => { resolve = done })
  return { promise, resolve }
}

export interface ServerAddress {
  url: string // ends with '/'
  token: string
}

function serverSettings(server: ServerAddress): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    token: server.token,
    appendToken: true,
    WebSocket,
  })
}

export class KernelPool {
  private settings: ServerConnection.ISettings
  private active?: DeckKernel
  private standby?: DeckKernel
  private fresh?: Fresh
  private stopped = false
  private healing = false
  private healAgain = false
  private outageSince?: number
  private startFailures = 0
  private everStarted = false
  /** The active kernel is being replaced (its standby checked first). */
  private promoting = false
  /** Why no kernel can be made now (a failed prelude, a server that starts none). */
  private failure?: Error
  private readonly ids = new Set<string>()
  /** Shutdowns asked for and not yet confirmed: stop() waits for them too. */
  private readonly retiring = new Set<Promise<void>>()
  /** Resolved whenever the active kernel changes: a run waiting for one looks again. */
  private changed = signal()
  /** The standby's prelude has run: it can take over at once. */
  standbyReady = false
  /** Why the last active kernel was replaced. */
  lastLoss?: Fresh

  constructor(server: ServerAddress, private readonly setup: string, private readonly events: PoolEvents, private readonly kernelName = 'python3', private leftovers: string[] = []) {
    this.settings = serverSettings(server)
  }

  /** Start the active kernel, then (once it is ready) the standby; a server that does
   * not answer yet is asked until it does. */
  start(): void {
    this.heal()
  }

  /** The server is a new one (a local server restarted, a new token): its kernels are
   * the only ones; fresh kernels with the prelude replace the old ones. */
  retarget(server: ServerAddress): void {
    this.settings = serverSettings(server)
    this.retire(this.standby)
    this.standby = undefined
    this.standbyReady = false
    if (this.active) {
      this.retire(this.active)
      this.replaceActive('server')
    }
    else {
      this.heal()
    }
  }

  private spawn(): DeckKernel {
    let id: string | undefined
    const kernel = new DeckKernel(this.settings, this.kernelName, this.setup, this.events.log, (started) => {
      id = started
      this.ids.add(started)
      this.events.onKernels?.([...this.ids])
    })
    kernel.onLost(() => this.lost(kernel))
    kernel.onTrouble(() => this.heal())
    kernel.ready.then(() => {
      this.startFailures = 0
    }, (error: Error) => {
      if (id && !(error instanceof PreludeError)) // a prelude's failure shut it down
        this.retire(kernel)
      if (!(error instanceof PreludeError) && !this.stopped)
        this.startFailed(kernel, error)
    })
    return kernel
  }

  private unlist(id: string): void {
    if (this.ids.delete(id))
      this.events.onKernels?.([...this.ids])
  }

  /** Shut a kernel down (its server may have lost it already: a 404 is fine) and
   * forget its id once that is done. */
  private retire(kernel: DeckKernel | undefined): void {
    if (!kernel)
      return
    const id = kernel.connection?.id
    const done = kernel.shutdown().then(() => {
      if (id)
        this.unlist(id)
      this.retiring.delete(done)
    })
    this.retiring.add(done)
  }

  /** A kernel could not start (no answer, a refusal): heal, or say why after a few. */
  private startFailed(kernel: DeckKernel, error: Error): void {
    if (kernel !== this.standby && kernel !== this.active)
      return // replaced meanwhile
    this.events.log(`a kernel did not start: ${error.message}`)
    if (kernel === this.standby) {
      this.standby = undefined
      this.standbyReady = false
    }
    if (kernel === this.active)
      this.active = undefined
    this.wake()
    this.heal(true)
  }

  private warmStandby(): void {
    if (this.stopped || this.standby || this.outageSince !== undefined)
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
    }, (error: Error) => {
      if (this.standby === standby && error instanceof PreludeError) {
        this.standby = undefined
        this.events.log(`the standby kernel did not start: ${error.message}`)
      }
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
      this.retire(kernel) // a server that restarted it in place would keep it
      this.standby = undefined
      this.standbyReady = false
      this.warmStandby()
    }
  }

  /** The standby becomes the active kernel (if its server still has it); the old one
   * is shut down, a new standby warms. */
  private promote(why: Fresh): void {
    const old = this.active
    this.active = undefined
    this.promoting = true
    this.retire(old)
    void this.checkedStandby().then(() => this.replaceActive(why), (error: Error) => {
      this.events.log(`the standby could not be checked: ${error.message}`)
      this.replaceActive(why)
    })
  }

  /** Drops the standby unless its server knows it and its socket is open. */
  private async checkedStandby(): Promise<void> {
    const standby = this.standby
    if (!standby?.connection || !this.standbyReady)
      return
    const model = await KernelAPI.getKernelModel(standby.connection.id, this.settings).catch(() => undefined)
    if (this.standby === standby && (!model || standby.lost || standby.connection.connectionStatus !== 'connected')) {
      this.events.log(`standby kernel ${standby.id} is gone from its server: not handing it over`)
      this.retire(standby)
      this.standby = undefined
      this.standbyReady = false
    }
  }

  private replaceActive(why: Fresh): void {
    this.promoting = false
    if (this.stopped)
      return
    const standbyReady = this.standbyReady && !!this.standby
    this.events.onReplaced(why, standbyReady)
    this.active = (standbyReady ? this.standby : undefined) ?? this.spawn()
    if (this.standby !== this.active)
      this.retire(this.standby)
    this.standby = undefined
    this.standbyReady = false
    this.fresh = why
    this.lastLoss = why
    this.events.onStandby(false)
    this.announce(why)
  }

  /** Tell the waiting runs, and the session once the active kernel is ready. */
  private announce(why: Fresh | undefined): void {
    const active = this.active
    this.failure = undefined
    this.wake()
    active?.ready.then(() => {
      if (this.active === active)
        this.events.onActive(why)
      this.warmStandby()
    }, (error: Error) => {
      if (error instanceof PreludeError && this.active === active)
        this.fail(error)
    })
  }

  private wake(): void {
    this.changed.resolve()
    this.changed = signal()
  }

  private fail(error: Error): void {
    this.failure = error
    this.wake()
    this.events.onFailure(error)
  }

  /**
   * Make the pool whole: ask the server until it answers (saying how long it has not),
   * drop kernels it no longer knows, reconnect those it does, start what is missing.
   * One at a time; a call while one runs makes it look once more.
   */
  heal(afterFailure = false): void {
    if (this.stopped)
      return
    if (this.healing) {
      this.healAgain = true
      return
    }
    this.healing = true
    void this.healing_(afterFailure).catch((error: Error) => this.events.log(`healing the kernel pool failed: ${error.stack ?? error.message}`))
      .finally(() => {
        this.healing = false
        if (this.healAgain) {
          this.healAgain = false
          this.heal()
        }
      })
  }

  private async healing_(afterFailure: boolean): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const outage = await this.probe()
      if (!outage)
        break
      this.outageSince ??= performance.now()
      const seconds = Math.round((performance.now() - this.outageSince) / 1000)
      if (attempt === 0)
        this.events.log(`the Jupyter server does not answer: ${outage.detail}; asking again`)
      this.events.onOutage({ ...outage, seconds })
      await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)])
    }
    if (this.stopped)
      return
    if (this.outageSince !== undefined) {
      this.events.log(`the Jupyter server answers again after ${((performance.now() - this.outageSince) / 1000).toFixed(1)} s`)
      this.outageSince = undefined
      this.events.onOutage(undefined)
    }
    await this.shutDownLeftovers()
    if (afterFailure && ++this.startFailures >= START_FAILURES) {
      this.startFailures = 0
      this.fail(new Error(`the Jupyter server answers but started no kernel ${START_FAILURES} times in a row (see the log)`))
      return
    }
    for (const kernel of [this.active, this.standby]) {
      const connection = kernel?.connection
      if (!kernel || !connection || kernel.lost)
        continue
      const model = await KernelAPI.getKernelModel(connection.id, this.settings).catch(() => null)
      if (model === undefined) { // 404: the server restarted without it
        this.events.log(`kernel ${kernel.id} is gone from its server`)
        this.retire(kernel)
        if (kernel === this.standby) {
          this.standby = undefined
          this.standbyReady = false
        }
      }
      else if (model && connection.connectionStatus !== 'connected') {
        connection.reconnect().catch((error: Error) => this.events.log(`kernel ${kernel.id}: no reconnect: ${error.message}`))
      }
    }
    if (this.stopped) // while the server was asked: start nothing
      return
    if (this.promoting)
      return // promote() puts the next kernel in place
    if (!this.everStarted) { // the first active kernel
      this.everStarted = true
      this.active = this.spawn()
      this.announce(undefined)
    }
    else if (!this.active || this.active.lost) { // lost with its server
      this.replaceActive('server')
    }
    else {
      this.warmStandby()
    }
  }

  /** Why the server cannot be used now, or undefined when it answers. */
  private async probe(): Promise<Omit<Outage, 'seconds'> | undefined> {
    for (let round = 0; round < 2; round++) {
      let response: Response
      try {
        response = await ServerConnection.makeRequest(`${this.settings.baseUrl}api/status`, { signal: AbortSignal.timeout(PROBE_MS) }, this.settings)
      }
      catch (error) {
        const cause = (error as { cause?: { code?: string, message?: string } }).cause
        const why = (error as Error).name === 'TimeoutError' || /aborted|timeout/i.test(String(error))
          ? `no answer in ${PROBE_MS / 1000} s`
          : cause?.code ?? cause?.message ?? (error as Error).message
        return { kind: 'unreachable', detail: why }
      }
      if (response.ok)
        return undefined
      if (response.status === 403 && round === 0) {
        const fresh = this.events.refreshAddress?.()
        if (fresh && fresh.token !== this.settings.token) {
          this.events.log('the server refused the token: read its token file again')
          this.settings = serverSettings(fresh)
          continue
        }
      }
      if (response.status === 403 || response.status === 401)
        return { kind: 'forbidden', detail: `${response.status}` }
      return { kind: 'unreachable', detail: `HTTP ${response.status} ${response.statusText}` }
    }
    return { kind: 'forbidden', detail: '403' }
  }

  /** Kernels a crashed run of this deck left on the server: shut them down, once. */
  private async shutDownLeftovers(): Promise<void> {
    const ids = this.leftovers
    this.leftovers = []
    const known = new Set([...this.ids])
    const stale = ids.filter(id => !known.has(id))
    if (!stale.length)
      return
    await Promise.all(stale.map(id => KernelAPI.shutdownKernel(id, this.settings).catch(() => {})))
    this.events.log(`shut down ${stale.length} kernel(s) a previous run left on the server`)
  }

  /** The kernel a run should use, once its prelude has run, and whether it is fresh
   * (the first run since it replaced another). */
  async kernel(): Promise<{ connection: KernelConnection, fresh?: Fresh, id: string }> {
    for (;;) {
      if (this.stopped)
        throw new Error('live Python has stopped')
      if (this.failure)
        throw this.failure
      const active = this.active
      const changed = this.changed.promise
      if (!active) {
        this.heal()
        await changed
        continue
      }
      const outcome = await Promise.race([active.ready.then(() => 'ready', (error: Error) => error), changed.then(() => 'changed')])
      if (outcome instanceof PreludeError && active === this.active)
        throw outcome
      if (outcome !== 'ready' || active !== this.active || active.lost || !active.connection) {
        if (active === this.active && outcome !== 'changed')
          await changed // its failure is being handled: wait for its successor
        continue
      }
      const fresh = this.fresh
      this.fresh = undefined
      return { connection: active.connection, fresh, id: active.id }
    }
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
    this.failure = undefined
    if (!this.stopped)
      this.promote('restarted')
  }

  /** The server's ids of the kernels the pool holds. */
  kernelIds(): string[] {
    return [...this.ids]
  }

  /** Shut both kernels down, and those being shut down already; a kernel whose start
   * its server has not answered yet is shut down once it answers. */
  async stop(): Promise<void> {
    this.stopped = true
    this.changed.resolve()
    await Promise.all([this.active?.shutdown(), this.standby?.shutdown(), ...this.retiring])
    this.ids.clear()
    this.events.onKernels?.([])
  }
}
