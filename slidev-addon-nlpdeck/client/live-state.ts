/**
 * The live blocks' shared state as this window knows it, kept by the dev server's
 * messages on Vite's WebSocket (../shared/live.ts), and the commands this window may
 * send. Every window of the deck (audience, presenter, a second browser, a follower
 * over `slidev --remote`) holds the same state, so each shows the same code, status
 * and outputs, whichever window edited or ran the block.
 */
import type { BlockState, Command, KernelState, LiveEvent } from '../shared/live'
import { reactive, ref } from 'vue'
import { ENDPOINT, EVENT, HELLO } from '../shared/live'

/** This window, so that it does not apply its own edits again when they come back. */
export const windowId = Math.random().toString(36).slice(2, 12)

/** A device following over `slidev --remote` sees the runs but cannot start them (the
 * dev server refuses too). */
export const readOnly = !['localhost', '127.0.0.1', '[::1]'].includes(location.hostname)

export const kernel = ref<KernelState>({ phase: 'starting', standby: false })

const blocks = new Map<string, BlockState>()
const codeListeners: ((id: string, code: string) => void)[] = []

/** A block's shared state (reactive), idle until the dev server says otherwise. */
export function shared(id: string): BlockState {
  let block = blocks.get(id)
  if (!block) {
    block = reactive<BlockState>({ id, run: 0, state: 'idle', outputs: [] })
    blocks.set(id, block)
  }
  return block
}

/** Called with a block's shared code when another window changed it. */
export function onCode(listener: (id: string, code: string) => void): void {
  codeListeners.push(listener)
}

function helloAgain(): void {
  import.meta.hot?.send(HELLO, {})
}

function setCode(id: string, code: string, editor: string | undefined): void {
  const block = shared(id)
  block.code = code
  block.editor = editor
  if (editor !== windowId)
    codeListeners.forEach(listener => listener(id, code))
}

function apply(event: LiveEvent): void {
  switch (event.type) {
    case 'snapshot':
      kernel.value = event.kernel
      for (const { code, editor, ...rest } of event.blocks) {
        Object.assign(shared(rest.id), rest)
        if (code !== undefined)
          setCode(rest.id, code, editor)
      }
      break
    case 'kernel':
      kernel.value = event.kernel
      break
    case 'code':
      setCode(event.id, event.code, event.editor)
      break
    case 'state': {
      const block = shared(event.block.id)
      if (event.block.run !== block.run && !event.cleared) {
        helloAgain() // a message was missed: take the whole state again
        return
      }
      // JSON drops undefined: a field the new state lacks is cleared
      Object.assign(block, { seconds: undefined, fresh: undefined }, event.block)
      if (event.cleared)
        block.outputs = []
      break
    }
    case 'output': {
      const block = shared(event.id)
      if (event.run !== block.run || event.index > block.outputs.length) {
        helloAgain()
        return
      }
      block.outputs[event.index] = event.output
      break
    }
  }
}

if (import.meta.hot) {
  import.meta.hot.on(EVENT, apply)
  helloAgain()
}

/** Ask the dev server for a command; resolves with its refusal, or undefined when done. */
export async function command(name: Command, body: Record<string, unknown> = {}): Promise<string | undefined> {
  try {
    const response = await fetch(`${ENDPOINT}${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ window: windowId, ...body }),
    })
    if (response.ok)
      return undefined
    return (await response.text()).replace(/^nlpdeck: /, '').trim() || `HTTP ${response.status}`
  }
  catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
