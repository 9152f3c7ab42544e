/**
 * Jupyter outputs (nbformat: stream, execute_result, display_data, error) as Slidev
 * runner outputs. Live outputs from the kernel and recorded ones from the check have
 * the same shape, so both are shown by this one function.
 */
import type { CodeRunnerOutput } from '@slidev/types'
import type { Output } from '../shared/live'

export type { Output }

// eslint-disable-next-line no-control-regex
const ANSI = /\x1B\[[0-?]*[ -/]*[@-~]/g

function joined(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join('') : (value ?? '')
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** What a terminal would show: colours stripped, each line after its last `\r`. */
export function plain(text: string): string {
  return text.replace(ANSI, '').split('\n').map(line => line.slice(line.lastIndexOf('\r') + 1)).join('\n')
}

function pre(text: string, kind: string): CodeRunnerOutput {
  return { html: `<pre class="nlpdeck-out nlpdeck-${kind}">${escapeHtml(plain(text))}</pre>` }
}

function rich(data: Record<string, string | string[]>): CodeRunnerOutput {
  if (data['text/html'])
    return { html: `<div class="nlpdeck-html">${joined(data['text/html'])}</div>` }
  if (data['image/png'])
    return { html: `<img class="nlpdeck-img" src="data:image/png;base64,${joined(data['image/png']).trim()}">` }
  return pre(joined(data['text/plain']), 'result')
}

/** Slidev outputs for a list of Jupyter outputs; consecutive stream chunks are merged. */
export function render(outputs: Output[]): CodeRunnerOutput[] {
  const shown: CodeRunnerOutput[] = []
  let stream: { name: string, text: string } | undefined
  const flush = () => {
    if (stream)
      shown.push(pre(stream.text, stream.name))
    stream = undefined
  }
  for (const output of outputs) {
    if (output.output_type === 'stream') {
      const name = output.name ?? 'stdout'
      if (stream && stream.name !== name)
        flush()
      stream = { name, text: (stream?.text ?? '') + joined(output.text) }
      continue
    }
    flush()
    if (output.output_type === 'error')
      shown.push(pre((output.traceback ?? []).join('\n') || `${output.ename}: ${output.evalue}`, 'error'))
    else
      shown.push(rich(output.data ?? {}))
  }
  flush()
  return shown
}

export interface Action { label: string, run: () => void }

/**
 * The line above a block's outputs: its state (`data-state`, and `data-run`: the run it
 * describes), a message, buttons. One element per editor, updated in place: Slidev's
 * DomElement appends the element it is given, so a new element per change would pile up.
 */
export class StatusLine {
  readonly element = document.createElement('div')
  private readonly label = document.createElement('span')
  private readonly buttons: HTMLButtonElement[] = []
  private actions: Action[] = []

  constructor(state: string, text: string, actions: Action[] = []) {
    this.element.className = 'nlpdeck-status'
    this.element.append(this.label)
    this.set(state, text, actions)
  }

  set(state: string, text: string, actions: Action[] = [], run?: number): void {
    this.element.dataset.state = state
    if (run === undefined)
      delete this.element.dataset.run
    else
      this.element.dataset.run = String(run)
    this.label.textContent = text
    this.actions = actions
    while (this.buttons.length < actions.length) {
      const button = document.createElement('button')
      const index = this.buttons.length
      button.className = 'nlpdeck-action'
      button.addEventListener('click', () => this.actions[index]?.run())
      this.buttons.push(button)
      this.element.append(button)
    }
    this.buttons.forEach((button, i) => {
      button.textContent = actions[i]?.label ?? ''
      button.hidden = !actions[i]
    })
  }
}
