// Vite plugins the addon adds to every deck that enables it (Slidev calls this with the
// resolved options, so the plugins know the deck's folder and headmatter).
import { defineVitePluginsSetup } from '@slidev/types'
import { deckFiles, deckModule } from '../node/deck'
import { figurePages } from '../node/figure-pages'

export default defineVitePluginsSetup((options) => {
  const deck = deckFiles(options)
  return [deckModule(deck), figurePages(deck)]
})
