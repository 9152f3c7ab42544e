// Slidev's markdown transformers (https://sli.dev/custom/config-transformers): a slide's
// described figures get their words as alt/title/aria-label, and a caption that only
// the print page shows (../node/figure-words.ts).
import { defineTransformersSetup } from '@slidev/types'
import { deckFiles, TOOLKIT } from '../node/deck'
import { describeFigures } from '../node/figure-words'

export default defineTransformersSetup(() => ({
  post: [
    async (ctx) => {
      const deck = await deckFiles(ctx.options, TOOLKIT)
      describeFigures(ctx, ctx.slide.source.filepath, deck.root, deck.figures)
    },
  ],
}))
