/**
 * The deck's one Jupyter kernel, reached with @jupyterlab/services through the dev
 * server's same-origin proxy (`/__jupyter/`, see ../vite.config.ts). The browser holds
 * no token: the proxy adds it.
 *
 * `POST /api/kernels` on this server returns the deck's running kernel (starting one,
 * with the deck's prelude, only if none is alive; nlpdeck/present.py), so every page
 * and every slide shares one kernel and its state. If the kernel dies, the server
 * reports it `dead`; the run in progress says so, and the next run asks for a fresh
 * kernel, which runs the prelude before it answers.
 */
import type { CodeRunnerOutput } from '@slidev/types'
import type { KernelMessage } from '@jupyterlab/services'
import type { Output } from './outputs'
import { KernelAPI, KernelConnection, ServerConnection } from '@jupyterlab/services'
import { text } from './messages'
import { render, StatusLine } from './outputs'

const PROXY_PATH = '/__jupyter/' // the addon's vite.config.ts proxies it to jupyter-server

let settings: ServerConnection.ISettings | undefined
let kernel: KernelConnection | undefined
let connecting: Promise<KernelConnection> | undefined
let died = false // the last kernel died: say that the next one is fresh

function serverSettings(): ServerConnection.ISettings {
  settings ??= ServerConnection.makeSettings({
    baseUrl: location.origin + PROXY_PATH,
    wsUrl: location.origin.replace(/^http/, 'ws') + PROXY_PATH,
    token: '',
    appendToken: false,
  })
  return settings
}

function alive(connection: KernelConnection | undefined): connection is KernelConnection {
  return !!connection && !connection.isDisposed && connection.status !== 'dead'
}

/** The deck's kernel, connected; starts one (with the prelude) if none is alive. */
export async function deckKernel(): Promise<KernelConnection> {
  if (alive(kernel))
    return kernel
  connecting ??= (async () => {
    const model = await KernelAPI.startNew({ name: 'python3' }, serverSettings())
    kernel = new KernelConnection({ model, serverSettings: serverSettings(), handleComms: false })
    kernel.statusChanged.connect((_, status) => {
      if (status === 'dead')
        died = true
    })
    return kernel
  })().finally(() => {
    connecting = undefined
  })
  return connecting
}

/** Interrupt what the deck's kernel is running (KeyboardInterrupt in the code). */
export async function interrupt(): Promise<void> {
  if (alive(kernel))
    await kernel.interrupt()
}

const OUTPUT_TYPES = new Set(['stream', 'execute_result', 'display_data', 'error'])

export interface Execution {
  status: 'ok' | 'error' | 'aborted' | 'dead'
  firstOutputMs?: number
}

/**
 * Execute `code` in the deck's kernel; `onOutput` gets every output as it arrives
 * (and `null` for clear_output). Resolves when the kernel has replied, or with
 * `dead` if the kernel died meanwhile.
 */
export async function execute(code: string, onOutput: (output: Output | null) => void): Promise<Execution> {
  const connection = await deckKernel()
  const started = performance.now()
  let firstOutputMs: number | undefined
  const future = connection.requestExecute({ code, stop_on_error: true, allow_stdin: false })
  future.onIOPub = (message: KernelMessage.IIOPubMessage) => {
    const type = message.header.msg_type
    if (type === 'clear_output') {
      onOutput(null)
    }
    else if (OUTPUT_TYPES.has(type)) {
      firstOutputMs ??= performance.now() - started
      onOutput({ output_type: type, ...message.content } as Output)
    }
  }
  try {
    const reply = await future.done
    return { status: reply.content.status as Execution['status'], firstOutputMs }
  }
  catch (error) {
    if (!alive(connection))
      return { status: 'dead', firstOutputMs }
    throw error
  }
}

/** Run code for a slide: `show` gets the status line and outputs, again on each change. */
export function runLive(code: string, show: (outputs: CodeRunnerOutput[]) => void): void {
  const outputs: Output[] = []
  const status = new StatusLine('starting', died ? text.freshAfterDeath : text.connecting)
  const update = () => show([{ element: status.element }, ...render(outputs)])
  const started = performance.now()
  update()
  deckKernel()
    .then(() => {
      died = false
      status.set('running', text.running, { label: text.interrupt, run: () => void interrupt() })
      update()
      return execute(code, (output) => {
        if (output === null)
          outputs.length = 0
        else
          outputs.push(output)
        update()
      })
    })
    .then((result) => {
      const seconds = `${((performance.now() - started) / 1000).toFixed(2)} s`
      if (result.status === 'dead')
        status.set('dead', text.dead)
      else
        status.set(result.status, result.status === 'ok' ? `✓ ${seconds}` : `✗ ${seconds}`)
      update()
    })
    .catch((error: unknown) => {
      status.set('failed', text.failed(error instanceof Error ? error.message : String(error)))
      update()
    })
}
