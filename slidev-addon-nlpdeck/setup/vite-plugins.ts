// Vite plugins the addon adds to every deck that enables it (Slidev calls this with the
// resolved options, so the plugins know the deck's folder and mode).
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineVitePluginsSetup } from '@slidev/types'
import { deckFiles, deckModule } from '../node/deck'
import { figurePages } from '../node/figure-pages'
import { livePython } from '../node/live'

// The toolkit is the folder that holds the addon (its .venv, its build/).
const TOOLKIT = dirname(realpathSync(fileURLToPath(new URL('..', import.meta.url))))

export default defineVitePluginsSetup(async (options) => {
  const deck = await deckFiles(options, TOOLKIT) // asks the toolkit once (../node/deck.ts)
  return [deckModule(deck), figurePages(deck), livePython(deck, options)]
})
