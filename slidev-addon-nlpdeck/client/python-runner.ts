/**
 * The deck's Python runner: live in the deck's Jupyter kernel, recorded otherwise.
 *
 * Live (under `make present`, where the addon's vite.config.ts defines __NLPDECK_LIVE__): the code
 * runs in the one kernel of the deck (./jupyter-kernel.ts, @jupyterlab/services through
 * the dev server's proxy); stdout/stderr stream in as they come, rich outputs (HTML,
 * PNG, text) and tracebacks (colours stripped) follow, and a status line offers
 * Interrupt while the code runs and says so when the kernel died.
 *
 * Recorded (a static build, `slidev export`, print mode, plain `slidev`): the outputs
 * the slide-code check recorded for this exact code (the deck's recorded-outputs.json). Nothing
 * of the live path is bundled into a build: __NLPDECK_LIVE__ is `false` there and the
 * dynamic import below is dropped.
 */
import type { CodeRunner, CodeRunnerOutput } from '@slidev/types'
import type { Output } from './outputs'
import { ref } from 'vue'
import { recorded } from 'virtual:nlpdeck/deck'
import { text } from './messages'
import { render, StatusLine } from './outputs'

declare const __NLPDECK_LIVE__: boolean

const records = new Map<string, Output[]>(
  recorded.blocks.map(block => [block.code, block.outputs as Output[]]),
)

function isPrintMode(): boolean {
  return new URLSearchParams(location.search).has('print')
    || /\/(?:print|export)(?:\/|$)/.test(location.pathname)
}

function showRecorded(code: string): CodeRunnerOutput[] {
  const outputs = records.get(code.trimEnd())
  if (!outputs) {
    return [{ element: new StatusLine('none', text.noRecord).element }]
  }
  const note = new StatusLine('recorded', text.recorded)
  return [{ element: note.element }, ...render(outputs)]
}

export const runPython: CodeRunner = async (code) => {
  if (!__NLPDECK_LIVE__ || isPrintMode())
    return showRecorded(code)
  const { runLive } = await import('./jupyter-kernel')
  const shown = ref<CodeRunnerOutput[]>([])
  runLive(code, (outputs) => {
    shown.value = outputs
  })
  return shown
}
