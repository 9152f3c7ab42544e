/**
 * The last resort that keeps a fault of live Python from ending the dev server.
 *
 * Every callback of the live path catches its own errors; but @jupyterlab/services
 * starts promises of its own that nobody can await (a kernel its server auto-restarted
 * reconnects in a detached promise, which rejects with "Kernel connection is disposed"
 * once the pool has replaced that kernel). Node ends the process on such a rejection.
 * This listener takes the rejections and exceptions whose stack runs through the
 * Jupyter client, its WebSocket or this folder, writes them to the live log, and leaves
 * every other error to Node's default (or to the other listeners Slidev installs).
 */
import { fileURLToPath } from 'node:url'

const HERE = (() => {
  try {
    return fileURLToPath(new URL('.', import.meta.url))
  }
  catch {
    return '/node/live/'
  }
})()
const OURS = ['@jupyterlab/services', '/node_modules/ws/', '/@lumino/', HERE, 'slidev-addon-nlpdeck/node/live/']

/** Whether an error comes from the live path (its stack, or its cause's). */
export function fromLivePath(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (OURS.some(part => e instanceof Error && (e.stack ?? '').includes(part)))
      return true
  }
  return false
}

let installed = false
let report: ((line: string) => void) | undefined

/** Install the guard once per process; `log` receives what it caught (the latest
 * session's log: a dev server restart makes a new session). */
export function guardProcess(log: (line: string) => void): void {
  report = log
  if (installed)
    return
  installed = true
  process.on('unhandledRejection', (reason) => {
    if (fromLivePath(reason)) {
      report?.(`caught (live path, not fatal): ${(reason as Error).stack ?? String(reason)}`)
      return
    }
    if (process.listenerCount('unhandledRejection') === 1)
      throw reason // as Node does without a listener: an uncaught exception
  })
  process.on('uncaughtException', (error, origin) => {
    if (fromLivePath(error)) {
      report?.(`caught (live path, not fatal; ${origin}): ${error.stack ?? String(error)}`)
      return
    }
    if (process.listenerCount('uncaughtException') === 1) { // as Node does without a listener
      console.error(error)
      process.exit(1)
    }
  })
}
