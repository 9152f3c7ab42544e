/**
 * What the presenter's terminal shows of live Python: one line per event (ready, a
 * kernel died and the standby took over, stopped, unavailable and why). Everything
 * else, the dev server's details and the Jupyter server's and kernels' own output, goes
 * to the deck's log file (`build/<deck>/live.log`), whose path the lines name.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'

export class LiveLog {
  /** `path` is truncated: one file per dev server start. */
  constructor(readonly path: string, private readonly toolkit: string) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, '')
  }

  /** The log's path as the presenter types it: from the toolkit's folder. */
  get shown(): string {
    return relative(this.toolkit, this.path) || this.path
  }

  /** A line for the log file only. */
  write(line: string): void {
    try {
      appendFileSync(this.path, `[nlpdeck ${new Date().toISOString()}] ${line}\n`)
    }
    catch {} // a log that cannot be written must not stop the talk
  }

  /** One line in the terminal, and in the log. */
  say(line: string): void {
    console.log(`  nlpdeck: ${line}`)
    this.write(line)
  }
}

/** What @jupyterlab/services prints on the console (written for a browser's devtools):
 * every socket it opens, kernel states, reconnects. */
const CLIENT_CHATTER = /^(?:Starting WebSocket: |Kernel: |Connection lost, reconnecting|Server selected unknown kernel wire protocol|The kernel "[^"]*" does not exist on the server)/
let current: LiveLog | undefined
let routed = false

/**
 * Send the Jupyter client library's console lines to `log` instead of the terminal.
 * It has no logger of its own; only lines that start as its messages do are moved, and
 * only while a live session runs.
 */
export function routeClientChatter(log: LiveLog | undefined): void {
  current = log
  if (routed)
    return
  routed = true
  for (const level of ['debug', 'log', 'warn'] as const) {
    const original = console[level].bind(console)
    console[level] = (...args: unknown[]) => {
      if (current && typeof args[0] === 'string' && CLIENT_CHATTER.test(args[0]))
        current.write(args.map(String).join(' ').replace(/([?&]token=)[^&\s]+/g, '$1<token>'))
      else
        original(...args)
    }
  }
}
