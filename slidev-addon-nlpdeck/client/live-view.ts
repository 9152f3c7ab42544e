/**
 * A live block as one window shows it: the shared editor text, a status line and the
 * outputs of the block's latest run, from ./live-state.ts, whichever window ran it.
 * Loaded only by the dev server's pages (never bundled into a build).
 */
import type { CodeRunnerOutput } from '@slidev/types'
import type * as Monaco from 'monaco-editor'
import type { ComputedRef } from 'vue'
import type { BlockState, KernelState } from '../shared/live'
import { PASSING } from '../shared/live'
import type { EditorView } from './editors'
import type { Action } from './outputs'
import { computed, reactive, watchEffect } from 'vue'
import { editorsOf, onEditor } from './editors'
import { command, kernel, onCode, readOnly, shared } from './live-state'
import { text } from './messages'
import { render, StatusLine } from './outputs'
import { recordedOutputs } from './recorded'

const EDIT_DELAY_MS = 40 // one request per burst of keystrokes, well within a second
const NOTE_MS = 6000 // how long a refusal stays on the status line

/** What a window adds to the shared state: a refusal to show, recorded outputs asked for. */
interface Local { note?: string, showRecorded: boolean }

const shown = new Map<EditorView, { local: Local, outputs: ComputedRef<CodeRunnerOutput[]> }>()
const applying = new Set<Monaco.editor.ITextModel>()

/** Show a refusal on this window's status line for a while. */
function note(local: Local, message: string | undefined): void {
  local.note = message
  if (message)
    setTimeout(() => local.note === message && (local.note = undefined), NOTE_MS)
}

/** Replace a model's text with `code`, touching only what differs (the cursor stays). */
function setText(model: Monaco.editor.ITextModel, code: string): void {
  const old = model.getValue()
  if (old === code)
    return
  let start = 0
  while (start < old.length && start < code.length && old[start] === code[start])
    start++
  let end = 0
  while (end < old.length - start && end < code.length - start && old[old.length - 1 - end] === code[code.length - 1 - end])
    end++
  const from = model.getPositionAt(start)
  const to = model.getPositionAt(old.length - end)
  applying.add(model)
  try {
    model.pushEditOperations([], [{
      range: { startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column },
      text: code.slice(start, code.length - end),
    }], () => null)
  }
  finally {
    applying.delete(model)
  }
}

/** Keep every editor of a block showing the shared text, and share this window's edits. */
export function syncEditors(): void {
  onCode((id, code) => editorsOf(id).forEach(view => setText(view.model, code)))
  onEditor((view) => {
    const code = shared(view.id).code
    if (code !== undefined)
      setText(view.model, code)
    let timer: ReturnType<typeof setTimeout> | undefined
    view.model.onDidChangeContent(() => {
      if (applying.has(view.model) || readOnly)
        return
      clearTimeout(timer)
      timer = setTimeout(() => void command('edit', { block: view.id, code: view.model.getValue() }), EDIT_DELAY_MS)
    })
  })
}

function describe(block: BlockState, state: KernelState, local: Local, actions: { interrupt: Action, restart: Action }): [string, string, Action[]] {
  const controls = (...wanted: Action[]) => (readOnly ? [] : wanted)
  const suffix = readOnly ? ` ${text.readOnly}` : ''
  if (local.note)
    return ['note', local.note, []]
  if (state.phase === 'unavailable') {
    const line = text.unavailable(state.missing!, state.detail ?? '', state.fix ?? '')
    const tail = local.showRecorded ? '' : ` ${text.showsRecorded}`
    const retry = state.missing === 'prelude' || state.missing === 'server'
    return [PASSING.includes(state.missing!) ? 'paused' : 'unavailable', line + tail, retry ? controls(actions.restart) : []]
  }
  if (state.phase === 'stopped')
    return ['stopped', text.serverStopped, []]
  const fresh = block.fresh ? ` · ${text.fresh[block.fresh]}` : ''
  switch (block.state) {
    case 'idle': {
      const kernelFresh = state.fresh ? ` · ${text.fresh[state.fresh]}` : ''
      return [state.phase === 'starting' ? 'starting' : 'idle', (state.phase === 'starting' ? text.starting : text.clickLive) + kernelFresh + suffix, []]
    }
    case 'queued':
      return ['queued', (state.phase === 'starting' ? text.starting : text.queued) + suffix, controls(actions.restart)]
    case 'running':
      return ['running', text.running + fresh + suffix, controls(actions.interrupt, actions.restart)]
    case 'ok':
    case 'error':
      return [block.state, text.done(block.state === 'ok', block.seconds ?? 0) + fresh + suffix, controls(actions.restart)]
    case 'dead':
      return ['dead', text.dead + suffix, []]
    case 'stopped':
      return ['stopped', text.stopped + suffix, []]
  }
}

/** The runner's answer for a live block in this window: its status line and outputs,
 * kept up to date. `execute`: a person clicked ▷ here, so run `code` (once, for all). */
export function liveOutputs(view: EditorView, code: string, execute: boolean): ComputedRef<CodeRunnerOutput[]> {
  let entry = shown.get(view)
  if (!entry) {
    const local = reactive<Local>({ showRecorded: false })
    const status = new StatusLine('idle', '')
    const block = shared(view.id)
    const actions = {
      interrupt: { label: text.interrupt, run: () => void command('interrupt').then(refused => note(local, refused)) },
      // while the server does not answer, the status line already says why ↻ cannot help
      restart: { label: text.restart, run: () => paused() || void command('restart').then(refused => note(local, refused)) },
    }
    watchEffect(() => {
      const [state, line, buttons] = describe(block, kernel.value, local, actions)
      status.set(state, line, buttons, block.run)
      status.element.dataset.fresh = block.fresh ?? ''
      status.element.dataset.block = view.id
    })
    const outputs = computed<CodeRunnerOutput[]>(() => [
      { element: status.element },
      ...render(local.showRecorded && kernel.value.phase === 'unavailable' ? recordedOutputs(view.model.getValue()) ?? [] : block.outputs),
    ])
    entry = { local, outputs }
    shown.set(view, entry)
  }
  if (execute)
    start(view, code, entry.local)
  return entry.outputs
}

function paused(): boolean {
  return kernel.value.phase === 'unavailable' && PASSING.includes(kernel.value.missing!)
}

function start(view: EditorView, code: string, local: Local): void {
  note(local, undefined)
  if (readOnly) {
    note(local, text.readOnly)
    return
  }
  if (kernel.value.phase === 'unavailable' && kernel.value.missing !== 'prelude' && kernel.value.missing !== 'server') {
    local.showRecorded = true // the recorded outputs, under the line that says what to run
    return
  }
  void command('run', { block: view.id, code }).then(refused => note(local, refused && text.failed(refused)))
}
