/**
 * The outputs the slide-code check recorded for each live block's code (the deck's
 * recorded-outputs.json): what a block shows where no kernel runs.
 */
import type { CodeRunnerOutput } from '@slidev/types'
import type { Output } from './outputs'
import { recorded } from 'virtual:nlpdeck/deck'
import { text } from './messages'
import { render, StatusLine } from './outputs'

const records = new Map<string, Output[]>(
  recorded.blocks.map(block => [block.code, block.outputs as Output[]]),
)

/** The recorded outputs of this exact code (trailing whitespace aside), if any. */
export function recordedOutputs(code: string): Output[] | undefined {
  return records.get(code.trimEnd())
}

/** A status line saying they are recorded, and the outputs; or that there are none. */
export function showRecorded(code: string): CodeRunnerOutput[] {
  const outputs = recordedOutputs(code)
  if (!outputs)
    return [{ element: new StatusLine('none', text.noRecord).element }]
  return [{ element: new StatusLine('recorded', text.recorded).element }, ...render(outputs)]
}

/** Before a click: what ▷ will show (in place of Slidev's English placeholder). */
export function recordedHint(): CodeRunnerOutput[] {
  return [{ element: new StatusLine('idle', text.clickRecorded).element }]
}
