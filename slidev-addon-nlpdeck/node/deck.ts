/**
 * What the addon knows of the deck it serves, read from the deck's headmatter by the
 * same rules as the Python toolkit (nlpdeck/project.py): the `nlpdeck:` key names the
 * deck's figure folder and recorded outputs, relative to the deck's folder.
 *
 * The browser side gets it through one virtual module, `virtual:nlpdeck/deck`: the
 * deck's language, its figures' JSON (lazily, by path) and its recorded outputs. So
 * the addon's components find each deck's own files wherever the deck lives, with no
 * file copied or linked into the deck.
 */
import type { ResolvedSlidevOptions } from '@slidev/types'
import type { Plugin } from 'vite'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'

export const VIRTUAL_ID = 'virtual:nlpdeck/deck'
const RESOLVED_ID = `\0${VIRTUAL_ID}`

export interface DeckFiles {
  root: string // the deck's folder (Slidev's userRoot, Vite's root)
  entry: string // the deck's markdown file
  lang: string // Slidev's `lang`
  figures: string // absolute
  records: string // absolute
  prelude: string // absolute; may not exist
  toolkit: string // the toolkit's folder: the one that holds the addon (and .venv, build/)
  build: string // the deck's folder under the toolkit's build/
  declared: Record<string, unknown> // the headmatter's `nlpdeck:` key
}

/** The deck's records folder, by the rule of nlpdeck/project.py (`DeckProject.build_dir`):
 * `build/<path from the toolkit>` for a deck inside the toolkit's folder, else
 * `build/outside/<name>-<hash of its path>`. */
export function buildDir(deckRoot: string, toolkit: string): string {
  const where = realpathSync(deckRoot)
  const inside = relative(toolkit, where)
  if (!inside.startsWith('..') && !inside.startsWith('/'))
    return join(toolkit, 'build', inside)
  const digest = createHash('sha256').update(where).digest('hex').slice(0, 8)
  return join(toolkit, 'build', 'outside', `${basename(where)}-${digest}`)
}

/** `toolkit`: the folder that holds the addon's folder. */
export function deckFiles(options: ResolvedSlidevOptions, toolkit: string): DeckFiles {
  const headmatter = options.data.headmatter as Record<string, any>
  const declared = (headmatter.nlpdeck ?? {}) as Record<string, unknown>
  const path = (key: string, fallback: string) =>
    resolve(options.userRoot, typeof declared[key] === 'string' ? declared[key] as string : fallback)
  return {
    root: options.userRoot,
    entry: options.entry,
    lang: typeof headmatter.lang === 'string' ? headmatter.lang : 'en',
    figures: path('figures', 'image'),
    records: path('records', 'recorded-outputs.json'),
    prelude: path('prelude', 'demos/prelude.py'),
    toolkit,
    build: buildDir(options.userRoot, toolkit),
    declared,
  }
}

/** The URL path Vite serves a file of the deck's folder at (its root is the deck's folder). */
export function rootPath(deck: DeckFiles, file: string): string {
  return `/${relative(deck.root, file).split('\\').join('/')}`
}

function records(deck: DeckFiles): unknown {
  return existsSync(deck.records) ? JSON.parse(readFileSync(deck.records, 'utf8')) : { blocks: [] }
}

/** `virtual:nlpdeck/deck`, regenerated when the recorded outputs change. */
export function deckModule(deck: DeckFiles): Plugin {
  const figures = rootPath(deck, deck.figures)
  return {
    name: 'nlpdeck:deck',
    resolveId: id => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    load(id) {
      if (id !== RESOLVED_ID)
        return
      this.addWatchFile(deck.records)
      return [
        `export const lang = ${JSON.stringify(deck.lang)}`,
        `export const figuresPath = ${JSON.stringify(figures)}`,
        `export const figureData = import.meta.glob(${JSON.stringify(`${figures}/**/*.json`)}, { import: 'default' })`,
        `export const recorded = ${JSON.stringify(records(deck))}`,
      ].join('\n')
    },
    handleHotUpdate({ file, server }) {
      if (file !== deck.records)
        return
      const module = server.moduleGraph.getModuleById(RESOLVED_ID)
      if (module)
        server.moduleGraph.invalidateModule(module)
    },
  }
}
