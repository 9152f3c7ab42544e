/**
 * What the dev server and the deck's windows say to each other about live blocks.
 *
 * The dev server (../node/live/) is the deck's one Jupyter client: it executes each run
 * once and keeps, per live block, the shared editor text, the run's state and its
 * outputs. It sends every change to every window over Vite's own WebSocket (`EVENT`),
 * and a window that opens asks for the whole state (`HELLO`). A window asks for an edit,
 * a run, an interrupt or a restart with a POST to `ENDPOINT` + the command's name; only
 * a page of the deck on a loopback host may (see ../node/live/endpoint.ts).
 */

/** Jupyter outputs (nbformat): what the kernel streams and what the check records. */
export interface Output {
  output_type: 'stream' | 'execute_result' | 'display_data' | 'error'
  name?: 'stdout' | 'stderr'
  text?: string | string[]
  data?: Record<string, string | string[]>
  ename?: string
  evalue?: string
  traceback?: string[]
}

export const EVENT = 'nlpdeck:live'
export const HELLO = 'nlpdeck:live:hello'
export const ENDPOINT = '/__nlpdeck/live/'
export const COMMANDS = ['edit', 'run', 'interrupt', 'restart'] as const
export type Command = typeof COMMANDS[number]

/** A run's state: `stopped` means the kernel was restarted under it. */
export type RunState = 'idle' | 'queued' | 'running' | 'ok' | 'error' | 'dead' | 'stopped'

/** Why a run's kernel is new: the one before died, someone restarted it, or it was lost
 * with its Jupyter server (which restarted, or came back without it). */
export type Fresh = 'died' | 'restarted' | 'server'

export interface BlockState {
  /** `<slide>:<index of the editor on the slide>:<hash of its code in the deck>`, the
   * same in every window. */
  id: string
  /** The shared editor text, once a window edited or ran the block. */
  code?: string
  /** The window that set `code` (it does not apply its own edit again). */
  editor?: string
  /** Runs so far; outputs and states belong to run `run`. */
  run: number
  state: RunState
  outputs: Output[]
  /** Seconds from the click to the kernel's reply. */
  seconds?: number
  /** This run was the first in a kernel that replaced another. */
  fresh?: Fresh
}

/** Why no kernel runs: the status line says it with the command that fixes it.
 * `unreachable` (detail: seconds without an answer, fix: the server's URL), `forbidden`
 * (detail: the token file) and `restarting` (detail: why the local server stopped) pass
 * by themselves: the dev server keeps asking, or restarts its server. */
export type Missing = 'python' | 'models' | 'server' | 'exited' | 'prelude' | 'remote' | 'unreachable' | 'forbidden' | 'restarting'

/** The kinds of `Missing` the dev server recovers from without a click. */
export const PASSING: readonly Missing[] = ['unreachable', 'forbidden', 'restarting']

export interface KernelState {
  phase: 'starting' | 'ready' | 'unavailable' | 'stopped'
  missing?: Missing
  detail?: string
  fix?: string
  /** The log file (server, kernels, the dev server's own lines), from the toolkit's root. */
  log?: string
  /** A standby kernel with the prelude loaded is ready to take over. */
  standby: boolean
  /** The kernel replaced one lost with its server: no run since, names are gone. */
  fresh?: Fresh
}

export type LiveEvent =
  | { type: 'snapshot', kernel: KernelState, blocks: BlockState[] }
  | { type: 'kernel', kernel: KernelState }
  /** A block's run state changed; `outputs` is sent only when they were cleared. */
  | { type: 'state', block: Omit<BlockState, 'outputs' | 'code' | 'editor'>, cleared: boolean }
  /** Output number `index` of run `run` is new or grew (a stream chunk appended to it). */
  | { type: 'output', id: string, run: number, index: number, output: Output }
  | { type: 'code', id: string, code: string, editor: string }

export interface EditRequest { block: string, code: string, window: string }
export interface RunRequest { block: string, code: string, window: string }
