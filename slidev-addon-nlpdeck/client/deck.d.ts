// The virtual module the addon's Vite plugin serves (../node/deck.ts).
declare module 'virtual:nlpdeck/deck' {
  import type { Output } from './outputs'

  /** The deck's `lang` (Slidev's headmatter key); the addon's messages follow it. */
  export const lang: string
  /** The deck's figure folder as a URL path, e.g. `/image`. */
  export const figuresPath: string
  /** Every JSON file in the figure folder, by URL path, loaded on demand. */
  export const figureData: Record<string, () => Promise<any>>
  /** The deck's recorded-outputs.json. */
  export const recorded: { blocks: { code: string, outputs: Output[] }[] }
}
