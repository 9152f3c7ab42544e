/**
 * The deck's Python runner: live under Slidev's dev server, recorded everywhere else.
 *
 * Live (`slidev`, `npm run dev`, `make present`; the addon's Vite plugin defines
 * __NLPDECK_LIVE__): the dev server runs the code in the deck's kernel, once, and
 * every window of the deck shows the same editor text, status line and outputs
 * (./live-view.ts). A person's click on ▷ runs; the scripted click that attaches each
 * editor when it appears (./editors.ts) only shows the block's shared state.
 *
 * Recorded (a static build, `slidev export`, print mode): the outputs the slide-code
 * check recorded for this exact code (the deck's recorded-outputs.json), on a click.
 * Nothing of the live path is bundled into a build: __NLPDECK_LIVE__ is `false` there
 * and the dynamic import below is dropped.
 */
import type { CodeRunner } from '@slidev/types'
import { claim } from './editors'
import { recordedHint, showRecorded } from './recorded'

declare const __NLPDECK_LIVE__: boolean

function isPrintMode(): boolean {
  return new URLSearchParams(location.search).has('print')
    || /\/(?:print|export)(?:\/|$)/.test(location.pathname)
}

export const runPython: CodeRunner = async (code) => {
  if (isPrintMode())
    return showRecorded(code)
  const claimed = claim(code)
  if (!__NLPDECK_LIVE__ || !claimed)
    return claimed && !claimed.execute ? recordedHint() : showRecorded(code)
  const { liveOutputs } = await import('./live-view')
  return liveOutputs(claimed.view, code, claimed.execute)
}
