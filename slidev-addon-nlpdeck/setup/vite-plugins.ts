// Vite plugins the addon adds to every deck that enables it (Slidev calls this with the
// resolved options, so the plugins know the deck's folder and mode).
import { defineVitePluginsSetup } from '@slidev/types'
import { deckFiles, deckModule, TOOLKIT } from '../node/deck'
import { figurePages } from '../node/figure-pages'
import { figureWords } from '../node/figure-words'
import { livePython } from '../node/live'

export default defineVitePluginsSetup(async (options) => {
  const deck = await deckFiles(options, TOOLKIT) // asks the toolkit once (../node/deck.ts)
  return [deckModule(deck), figurePages(deck), figureWords(deck), livePython(deck, options)]
})
