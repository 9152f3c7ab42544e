/**
 * A deck's figures in words on its slides: the figure build writes `descriptions.json`
 * beside the figures (`{output: text}`, from the data each figure draws). A slide's
 * `<img>` whose src is a described figure gets the words as its `alt` unless the author
 * wrote one, an `<iframe>` (an interactive view) its `title`, a `<video>` its
 * `aria-label`, a `<PlotlyFigure>` its `alt` (its chart's label); and each picture gets a
 * caption after it that only the print page shows, so an exported PDF holds the words
 * as text (Chromium's PDF keeps no alt).
 *
 * Done on the slide's markdown before Slidev compiles it (setup/transformers.ts), with
 * htmlparser2 (Slidev's own HTML parser) finding the tags and their attributes.
 */
import type { Plugin } from 'vite'
import type { DeckFiles } from './deck'
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { Parser } from 'htmlparser2'

export const DESCRIPTIONS = 'descriptions.json'

/** Which attribute carries a figure's words, per tag. */
const WORDS_ATTRIBUTE: Record<string, string> = { img: 'alt', iframe: 'title', video: 'aria-label' }

/** `descriptions.json` of a figure folder, read afresh (a rebuild changes it); none yet: {}. */
export function readDescriptions(figures: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(resolve(figures, DESCRIPTIONS), 'utf8')) as Record<string, string>
  }
  catch {
    return {}
  }
}

/**
 * Words as HTML text that neither markdown (a caption inside a paragraph: `[x]`, `*`,
 * `_`) nor Vue (`{{`) reads as syntax: those characters as numeric references.
 */
function escapeHtml(text: string): string {
  return text.replace(/[&"<>[\]*_`~{}\\|]/g, c => `&#${c.charCodeAt(0)};`)
}

/** The figure a src names (relative to the slide's file, or `/…` to the deck's folder). */
function figureName(src: string, slideFile: string, root: string, figures: string): string | undefined {
  const path = src.split(/[?#]/)[0]
  if (!path || /^[a-z]+:/i.test(path))
    return undefined
  const file = path.startsWith('/') ? resolve(root, `.${path}`) : resolve(dirname(slideFile), path)
  const name = relative(figures, file)
  return name.startsWith('..') || name.startsWith(sep) ? undefined : name.split(sep).join('/')
}

export interface FigureWords {
  tag: string
  name: string
  text: string
}

/**
 * Fill in the words of every described figure the slide's markdown shows; returns
 * what it filled (for tests). `<video>` names its file in a `<source>` inside it.
 */
/** What of Slidev's MagicString the transformer uses. */
interface Edits {
  readonly original: string
  appendLeft: (index: number, content: string) => unknown
  appendRight: (index: number, content: string) => unknown
}

export function describeFigures(
  ctx: { s: Edits },
  slideFile: string,
  root: string,
  figures: string,
): FigureWords[] {
  const descriptions = readDescriptions(figures)
  if (!Object.keys(descriptions).length)
    return []
  const filled: FigureWords[] = []
  const fill = (tag: string, start: number, attribs: Record<string, string>, end: number) => {
    const name = attribs.src && figureName(attribs.src, slideFile, root, figures)
    const text = name ? descriptions[name] : undefined
    if (!name || !text)
      return
    const attribute = WORDS_ATTRIBUTE[tag]
    if (!attribs[attribute]?.trim())
      ctx.s.appendLeft(start + 1 + tag.length, ` ${attribute}="${escapeHtml(text)}"`)
    ctx.s.appendRight(end, `<span class="nlpdeck-figure-words" aria-hidden="true">${escapeHtml(text)}</span>`)
    filled.push({ tag, name, text })
  }
  // <PlotlyFigure name="x/y">: the words of x/y.png as its `alt` prop (the chart's label)
  const describePlotly = (start: number, attribs: Record<string, string>) => {
    const text = descriptions[`${attribs.name}.png`]
    if (text && !attribs.alt?.trim())
      ctx.s.appendLeft(start + 1 + 'PlotlyFigure'.length, ` alt="${escapeHtml(text)}"`)
  }
  // an iframe's or video's caption goes after its closing tag; a video's file is named
  // by a <source> inside it
  const open: { tag: string, start: number, attribs: Record<string, string> }[] = []
  const parser: Parser = new Parser({
    onopentag(tag, attribs) {
      if (tag === 'plotlyfigure' && attribs.name) // its chart, drawn over the PNG it holds
        describePlotly(parser.startIndex, attribs)
      else if (tag === 'img')
        fill(tag, parser.startIndex, attribs, parser.endIndex + 1)
      else if (tag === 'iframe' || tag === 'video')
        open.push({ tag, start: parser.startIndex, attribs: { ...attribs } })
      else if (tag === 'source' && open.at(-1)?.tag === 'video')
        open.at(-1)!.attribs.src ??= attribs.src
    },
    onclosetag(tag) {
      if ((tag === 'iframe' || tag === 'video') && open.at(-1)?.tag === tag) {
        const { start, attribs } = open.pop()!
        fill(tag, start, attribs, parser.endIndex + 1)
      }
    },
  }, { lowerCaseAttributeNames: true, recognizeSelfClosing: true })
  parser.write(ctx.s.original)
  parser.end()
  return filled
}

const SLIDE_SOURCE = /__slidev_\d+\.md$/ // Slidev's module id of one slide's markdown

/**
 * Hot reload of the words: when `make figures` rewrites descriptions.json, the dev
 * server compiles every slide again (the transformer reads the file afresh) and the
 * open windows reload.
 */
export function figureWords(deck: DeckFiles): Plugin {
  const file = resolve(deck.figures, DESCRIPTIONS)
  return {
    name: 'nlpdeck:figure-words',
    configureServer(server) {
      server.watcher.add(file)
      const changed = (path: string) => {
        if (resolve(path) !== file)
          return
        for (const [id, module] of server.moduleGraph.idToModuleMap) {
          if (SLIDE_SOURCE.test(id))
            server.moduleGraph.invalidateModule(module)
        }
        server.ws.send({ type: 'full-reload' })
      }
      server.watcher.on('change', changed)
      server.watcher.on('add', changed)
    },
  }
}
