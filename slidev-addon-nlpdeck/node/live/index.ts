/**
 * The Vite plugin that makes a deck's `{monaco-run}` Python live whenever Slidev's dev
 * server runs it (`slidev`, `npm run dev`, `make present`): it starts the deck's
 * kernels with the dev server and stops them with it. A build (`slidev build`) and an
 * export (`slidev export`) start nothing: their runner shows the recorded outputs
 * (`__NLPDECK_LIVE__` is false there, so no live code is bundled).
 *
 * Windows talk to it over Vite's own WebSocket (state, pushed) and `POST /__nlpdeck/live/…`
 * (commands; ./endpoint.ts); the Jupyter token stays in this process.
 */
import type { ResolvedSlidevOptions } from '@slidev/types'
import type { Plugin, ViteDevServer } from 'vite'
import type { LiveEvent } from '../../shared/live'
import type { DeckFiles } from '../deck'
import type { Handlers } from './endpoint'
import { constants } from 'node:os'
import { EVENT, HELLO } from '../../shared/live'
import { field, liveEndpoint, refuseUpgrades } from './endpoint'
import { guardProcess } from './guard'
import { LiveSession } from './session'

const BLOCK_ID = /^\d+:\d+:[0-9a-f]{8}$/ // client/editors.ts names blocks so
const WINDOW_ID = /^[\w-]{1,64}$/

function handlers(session: LiveSession): Handlers {
  const request = (body: Record<string, unknown>) => ({
    block: field(body, 'block', BLOCK_ID),
    code: field(body, 'code'),
    window: field(body, 'window', WINDOW_ID),
  })
  return {
    edit: body => session.blocks.edit(request(body)),
    run: (body) => {
      const run = request(body)
      session.runnable()
      session.blocks.run(run)
    },
    interrupt: () => {
      session.runnable()
      session.blocks.pool?.interrupt().catch((error: Error) => session.log.write(`interrupt failed: ${error.message}`))
    },
    restart: () => {
      session.runnable()
      session.restart()
    },
  }
}

function serve(server: ViteDevServer, deck: DeckFiles): LiveSession {
  const session = new LiveSession(deck, (event: LiveEvent) => server.ws.send(EVENT, event))
  guardProcess(line => session.log.write(line))
  server.ws.on(HELLO, (_data: unknown, client: { send: (event: string, payload: unknown) => void }) =>
    client.send(EVENT, session.blocks.snapshot()))
  server.middlewares.use(liveEndpoint(handlers(session)))
  server.httpServer?.on('upgrade', refuseUpgrades(server.config.base))
  server.httpServer?.once('listening', () => {
    const address = server.httpServer?.address()
    if (address && typeof address === 'object')
      session.listening(`http://localhost:${address.port}${server.config.base}`)
  })
  // However the process ends, the kernels end too. A signal closes the dev server as Vite
  // does on SIGTERM (the plugin's closeBundle waits for the kernels), then exits; on any
  // exit the local server stops when its standard input closes, and exitNow() frees the
  // remote kernels left and says so in the terminal.
  const onExit = () => session.exitNow()
  let leaving = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (leaving) // npx forwards the terminal's Ctrl-C, which reached this process already
      return
    leaving = true
    void server.close().finally(() => process.exit(128 + (constants.signals[signal] ?? 1)))
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  process.once('exit', onExit)
  signals.forEach(signal => process.on(signal, onSignal))
  // The session stops in the plugin's closeBundle. A restart of the dev server ends this
  // session only; after a signal the handlers stay: Vite closes the server on SIGTERM
  // and exits, and exitNow() frees what is left.
  server.httpServer?.once('close', () => {
    if (!leaving) {
      process.off('exit', onExit)
      signals.forEach(signal => process.off(signal, onSignal))
    }
  })
  session.start().catch((error: Error) => session.log.write(`live Python did not start: ${error.stack ?? error.message}`))
  return session
}

export function livePython(deck: DeckFiles, options: ResolvedSlidevOptions): Plugin {
  const live = options.mode === 'dev'
  let session: LiveSession | undefined
  return {
    name: 'nlpdeck:live',
    config: () => ({ define: { __NLPDECK_LIVE__: JSON.stringify(live) } }),
    configureServer(server) {
      if (live)
        session = serve(server, deck)
    },
    // Vite closes the dev server (a signal, its standard input closing, a restart): the
    // kernels stop first, a remote kernel still starting included.
    async closeBundle() {
      await session?.close()
    },
  }
}
