/**
 * A deck's figures in words on its slides: the figure build writes `descriptions.json`
 * beside the figures (`{output: text}`, from the data each figure draws). A slide's
 * `<img>` or markdown image whose src is a described figure gets the words as its `alt`
 * unless the author wrote one, an `<iframe>` (an interactive view) its `title`, a `<video>` its
 * `aria-label`, a `<PlotlyFigure>` its `alt` (its chart's label); and each picture gets a
 * caption after it that only the print page shows, so an exported PDF holds the words
 * as text (Chromium's PDF keeps no alt).
 *
 * Done on the slide's markdown before Slidev compiles it (setup/transformers.ts), with
 * Slidev's own parsers: markdown-exit finds the markdown images and the code blocks
 * (left as written), htmlparser2 the tags and their attributes.
 */
import type { Plugin } from 'vite'
import type { DeckFiles } from './deck'
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { Parser } from 'htmlparser2'
import MarkdownExit from 'markdown-exit'

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

/** A URL's path as the file's name (`a%20b.png` is `a b.png`); a malformed one as written. */
function decoded(url: string): string {
  try {
    return decodeURI(url)
  }
  catch {
    return url
  }
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

/** What of Slidev's MagicString the transformer uses. */
interface Edits {
  readonly original: string
  appendLeft: (index: number, content: string) => unknown
  appendRight: (index: number, content: string) => unknown
}

const markdown = MarkdownExit({ html: true })

/** A slide's code blocks (as offsets) and its markdown images with no alt text (src, and
 * the offsets of the lines that hold them), as markdown-exit reads the slide. */
function markdownParts(text: string) {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
    starts.push(i + 1)
  const offset = (line: number) => starts[line] ?? text.length
  const code: [number, number][] = []
  const images: { src: string, from: number, to: number }[] = []
  for (const token of markdown.parse(text, {})) {
    if (!token.map)
      continue
    const [from, to] = [offset(token.map[0]), offset(token.map[1])]
    if (token.type === 'fence' || token.type === 'code_block')
      code.push([from, to])
    for (const child of token.type === 'inline' ? token.children ?? [] : []) {
      if (child.type === 'image' && !child.content.trim())
        images.push({ src: child.attrGet('src') ?? '', from, to })
    }
  }
  return { code, images }
}

/**
 * Fill in the words of every described figure the slide's markdown shows; returns
 * what it filled (for tests). `<video>` names its file in a `<source>` inside it.
 */

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
  const text = ctx.s.original
  const { code, images } = markdownParts(text)
  // hidden by the attribute, not by a style that may come later: the print page shows it
  const caption = (words: string) => `<span class="nlpdeck-figure-words" aria-hidden="true" hidden>${escapeHtml(words)}</span>`
  // ![](src): the words between the brackets; the n-th `![](` of the lines is taken for
  // the n-th image of them only when the src follows it as written
  let searched = { to: -1, at: 0 }
  for (const image of images) {
    const name = figureName(decoded(image.src), slideFile, root, figures)
    const words = name && descriptions[name]
    const at = text.indexOf('![](', searched.to === image.to ? searched.at : image.from)
    searched = { to: image.to, at: at + 4 }
    if (!name || !words || at < 0 || at >= image.to)
      continue
    const close = text.indexOf(')', at + 4)
    const written = text.slice(at + 4, close).trim().replace(/^<|>$/g, '')
    if (close < 0 || (written !== image.src && decoded(image.src) !== written))
      continue
    ctx.s.appendLeft(at + 2, escapeHtml(words))
    ctx.s.appendRight(close + 1, caption(words))
    filled.push({ tag: 'markdown-image', name, text: words })
  }
  const inCode = (index: number) => code.some(([from, to]) => index >= from && index < to)
  const fill = (tag: string, start: number, attribs: Record<string, string>, end: number) => {
    const name = attribs.src && figureName(attribs.src, slideFile, root, figures)
    const text = name ? descriptions[name] : undefined
    if (!name || !text || inCode(start))
      return
    const attribute = WORDS_ATTRIBUTE[tag]
    if (!attribs[attribute]?.trim())
      ctx.s.appendLeft(start + 1 + tag.length, ` ${attribute}="${escapeHtml(text)}"`)
    ctx.s.appendRight(end, caption(text))
    filled.push({ tag, name, text })
  }
  // <PlotlyFigure name="x/y">: the words of x/y.png as its `alt` prop (the chart's label)
  const describePlotly = (start: number, attribs: Record<string, string>) => {
    const text = descriptions[`${attribs.name}.png`]
    if (text && !attribs.alt?.trim() && !inCode(start))
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
  parser.write(text)
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
