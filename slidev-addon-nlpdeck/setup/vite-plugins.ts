// Vite plugins the addon adds to every deck that enables it (Slidev calls this with the
// resolved options, so the plugins know the deck's folder and mode).
import { realpathSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineVitePluginsSetup } from '@slidev/types'
import { deckFiles, deckModule } from '../node/deck'
import { figurePages } from '../node/figure-pages'
import { livePython } from '../node/live'

// The project that installed the addon (its .venv, its build/): the folder whose
// node_modules holds it, or the folder that holds it when linked from there (file:).
const HOLDER = dirname(realpathSync(fileURLToPath(new URL('..', import.meta.url))))
const TOOLKIT = basename(HOLDER) === 'node_modules' ? dirname(HOLDER) : HOLDER

export default defineVitePluginsSetup(async (options) => {
  const deck = await deckFiles(options, TOOLKIT) // asks the toolkit once (../node/deck.ts)
  return [deckModule(deck), figurePages(deck), livePython(deck, options)]
})
