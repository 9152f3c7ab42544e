/**
 * The deck's local Jupyter server: `python -m nlpdeck kernel-server` (nlpdeck/kernel_server.py),
 * started by the dev server with a pipe as its standard input. It prints one JSON line
 * (its URL and token file, or why live Python cannot run here) and stops, with its
 * kernels, when that pipe closes: when the dev server exits, however it exits. Its own
 * session (`detached`), so Ctrl-C in the terminal reaches the dev server, which then
 * closes the pipe; the server never gets half a signal.
 */
import type { ChildProcess } from 'node:child_process'
import type { Missing } from '../../shared/live'
import type { DeckFiles } from '../deck'
import type { LocalKernels } from './settings'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

export interface JupyterServer {
  url: string
  token: string
  /** Stop the server and its kernels; resolves when its process has exited. */
  stop: () => Promise<void>
  /** Called once if the server exits on its own (not by `stop`), with its signal's
   * name or `status N` (words of no language: the status line shows them). */
  onExit: (listener: (why: string) => void) => void
}

export class Unavailable extends Error {
  constructor(readonly missing: Missing, readonly detail: string, readonly fix: string) {
    super(detail)
  }
}

const ANNOUNCE_SECONDS = 120 // importing jupyter-server on a cold disk takes a few seconds

function described(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with status ${code}`
}

/** Start the deck's local server; rejects with `Unavailable` saying what to run. */
export function startLocalServer(deck: DeckFiles, settings: LocalKernels, log: string): Promise<JupyterServer> {
  const args = ['-m', 'nlpdeck', 'kernel-server', deck.entry, '--log', log]
  const child: ChildProcess = spawn(settings.python, args, {
    cwd: deck.toolkit,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: process.env,
  })
  // A pipe to a process that died emits 'error' (EPIPE): unheard, it would end the dev server.
  for (const stream of [child.stdin, child.stdout, child.stderr])
    stream?.on('error', () => {})
  const stderr: string[] = [] // what Python says before its output goes to the log
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const lastWords = () => stderr.join('').trim().split('\n').slice(-1)[0] ?? ''

  let stopping = false
  const exitListeners: ((why: string) => void)[] = []
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      if (!stopping)
        exitListeners.forEach(listener => listener(signal ?? `status ${code}`))
      done()
    })
  })

  return new Promise<JupyterServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Unavailable('server', `no answer from the Jupyter server in ${ANNOUNCE_SECONDS} s`, 'make setup'))
    }, ANNOUNCE_SECONDS * 1000)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(error.code === 'ENOENT'
        ? new Unavailable('python', settings.python, 'make setup')
        : new Unavailable('server', `${settings.python}: ${error.message}`, 'make setup'))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const said = lastWords()
      reject(new Unavailable('server', `${described(code, signal)}${said ? `: ${said}` : ''}`, 'make setup'))
    })
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => {
      clearTimeout(timer)
      let said: Record<string, any>
      try {
        said = JSON.parse(line)
      }
      catch {
        reject(new Unavailable('server', `unexpected answer: ${line.slice(0, 200)}`, 'make setup'))
        return
      }
      if (said.unavailable) {
        reject(new Unavailable(said.unavailable, said.detail, said.fix))
        return
      }
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          return
        stopping = true
        child.stdin!.end() // the server stops at EOF, shutting its kernels down
        const late = setTimeout(() => child.kill('SIGTERM'), 10_000)
        const later = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(late)
        clearTimeout(later)
      }
      resolve({
        url: said.url,
        token: readFileSync(said.token_file, 'utf8').trim(),
        stop,
        onExit: listener => exitListeners.push(listener),
      })
    })
  })
}
