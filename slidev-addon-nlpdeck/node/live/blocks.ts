/**
 * The deck's live blocks as every window shows them: per block, the shared editor text
 * and its latest run (state, outputs as they stream, seconds). A run is executed once,
 * here, whichever window asked; every change goes to every window (`broadcast`).
 */
import type { KernelMessage } from '@jupyterlab/services'
import type { BlockState, EditRequest, KernelState, LiveEvent, Output, RunRequest } from '../../shared/live'
import type { KernelPool } from './kernels'

const OUTPUT_TYPES = new Set(['stream', 'execute_result', 'display_data', 'error'])
/** Characters of one stream kept (its end): an endless loop's output must not grow
 * every message without bound. */
const STREAM_LIMIT = 100_000

export class LiveBlocks {
  private readonly blocks = new Map<string, BlockState>()
  kernel: KernelState = { phase: 'starting', standby: false }
  pool?: KernelPool

  constructor(private readonly broadcast: (event: LiveEvent) => void, private readonly log: (line: string) => void) {}

  snapshot(): LiveEvent {
    return { type: 'snapshot', kernel: this.kernel, blocks: [...this.blocks.values()] }
  }

  setKernel(change: Partial<KernelState>): void {
    this.kernel = { ...this.kernel, ...change }
    this.broadcast({ type: 'kernel', kernel: this.kernel })
  }

  private block(id: string): BlockState {
    let block = this.blocks.get(id)
    if (!block) {
      block = { id, run: 0, state: 'idle', outputs: [] }
      this.blocks.set(id, block)
    }
    return block
  }

  edit({ block: id, code, window }: EditRequest): void {
    const block = this.block(id)
    if (block.code === code)
      return
    block.code = code
    block.editor = window
    this.broadcast({ type: 'code', id, code, editor: window })
  }

  private sendState(block: BlockState, cleared = false): void {
    const { outputs: _outputs, code: _code, editor: _editor, ...state } = block
    this.broadcast({ type: 'state', block: state, cleared })
  }

  /** Execute a block's code once; resolves when the run has started (not finished). */
  run(request: RunRequest): void {
    const block = this.block(request.block)
    this.edit(request) // every window shows the code that runs
    const run = block.run + 1
    if (this.kernel.fresh) // a run now says it, on its block
      this.setKernel({ fresh: undefined })
    Object.assign(block, { run, state: 'queued', outputs: [], seconds: undefined, fresh: undefined })
    this.sendState(block, true)
    const started = performance.now()
    const current = () => block.run === run
    void this.execute(block, run, request.code).then((state) => {
      if (!current())
        return
      block.state = state
      block.seconds = Math.round((performance.now() - started) / 10) / 100
      this.sendState(block)
      this.log(`block ${block.id} run ${run}: ${state} in ${block.seconds} s`)
    }, (error: Error) => {
      if (!current())
        return
      block.state = 'error'
      this.addOutput(block, run, { output_type: 'error', ename: 'nlpdeck', evalue: error.message, traceback: [`could not run: ${error.message}`] })
      this.sendState(block)
      this.log(`block ${block.id} run ${run}: could not run: ${error.message}`)
    })
  }

  private async execute(block: BlockState, run: number, code: string): Promise<BlockState['state']> {
    const pool = this.pool
    if (!pool)
      throw new Error('no kernel: live Python is not available')
    const { connection, fresh, id } = await pool.kernel()
    if (block.run !== run)
      return 'stopped'
    block.fresh = fresh
    this.sendState(block)
    this.log(`block ${block.id} run ${run}: execute_request to kernel ${id}`)
    const future = connection.requestExecute({ code, stop_on_error: true, allow_stdin: false, store_history: true })
    future.onIOPub = (message: KernelMessage.IIOPubMessage) => {
      const type = message.header.msg_type
      if (block.run !== run)
        return
      if (type === 'status' && (message.content as { execution_state: string }).execution_state === 'busy' && block.state === 'queued') {
        block.state = 'running'
        this.sendState(block)
      }
      else if (type === 'clear_output') {
        block.outputs = []
        this.sendState(block, true)
      }
      else if (OUTPUT_TYPES.has(type)) {
        const { transient: _transient, execution_count: _count, ...content } = message.content as Record<string, unknown>
        this.addOutput(block, run, { output_type: type, ...content } as Output)
      }
    }
    try {
      const reply = await future.done
      return reply.content.status === 'ok' ? 'ok' : 'error'
    }
    catch (error) {
      if (!pool.isActive(connection))
        return this.lostState(pool)
      throw error
    }
  }

  /** A run whose kernel went away: it died, or was restarted by someone. */
  private lostState(pool: KernelPool): BlockState['state'] {
    return pool.lastLoss === 'restarted' ? 'stopped' : 'dead'
  }

  /** Append an output; stream text joins the stream before it, as a terminal shows it. */
  private addOutput(block: BlockState, run: number, output: Output): void {
    const last = block.outputs.at(-1)
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = (joined(last.text) + joined(output.text)).slice(-STREAM_LIMIT)
    }
    else {
      block.outputs.push(output)
    }
    const index = block.outputs.length - 1
    this.broadcast({ type: 'output', id: block.id, run, index, output: block.outputs[index] })
  }
}

function joined(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join('') : (text ?? '')
}
