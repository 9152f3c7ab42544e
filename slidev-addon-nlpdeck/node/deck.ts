/**
 * What the addon knows of the deck it serves: the deck's description, asked once of the
 * Python toolkit when Slidev starts (`python -m nlpdeck describe --json`; its fields are
 * documented in nlpdeck/describe.py), so the headmatter is read by one set of rules.
 *
 * Without it (no Python environment, or the toolkit cannot read the deck) the deck still
 * shows, with its figures and recorded outputs: the fallback knows only those two paths
 * (the headmatter's `nlpdeck: figures:` and `records:`, else `image` and
 * `recorded-outputs.json`), and live Python says what to run.
 *
 * The browser side gets it through one virtual module, `virtual:nlpdeck/deck`: the
 * deck's language, its figures' JSON (lazily, by path) and its recorded outputs. So
 * the addon's components find each deck's own files wherever the deck lives, with no
 * file copied or linked into the deck.
 */
import type { ResolvedSlidevOptions } from '@slidev/types'
import type { Plugin } from 'vite'
import type { Missing } from '../shared/live'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// The project that installed the addon (its .venv, its build/): the folder whose
// node_modules holds it, or the folder that holds it when linked from there (file:).
const HOLDER = dirname(realpathSync(fileURLToPath(new URL('..', import.meta.url))))
export const TOOLKIT = basename(HOLDER) === 'node_modules' ? dirname(HOLDER) : HOLDER

export const VIRTUAL_ID = 'virtual:nlpdeck/deck'
const RESOLVED_ID = `\0${VIRTUAL_ID}`
const DESCRIBE_SECONDS = 60
const DESCRIPTION_VERSION = 1 // nlpdeck/describe.py

/** `nlpdeck describe --json` (nlpdeck/describe.py), the fields the addon uses. */
interface Description {
  version: number
  entry: string
  dir: string
  lang: string
  figures: string
  records: string
  build: string
  prelude: string | null
  kernel: KernelDeclared
  kernel_setup: string
}

/** Where live kernels run: a remote server (`url`), or a local one (`url` null). */
export interface KernelDeclared {
  url: string | null
  token_file: string | null
  dir: string
}

export interface DeckFiles {
  root: string // the deck's folder (Slidev's userRoot, Vite's root), symbolic links resolved
  entry: string // the deck's markdown file
  lang: string // Slidev's `lang`
  figures: string // absolute
  records: string // absolute
  prelude?: string // absolute; absent when the deck has none
  toolkit: string // the toolkit's folder: the one that holds the addon
  python: string // the toolkit's Python: NLPDECK_PYTHON, else `<toolkit>/.venv/bin/python`
  build: string // the deck's build folder (the live log)
  kernel: KernelDeclared
  kernelSetup: string // Python a local kernel runs before the prelude (traceback hooks)
  /** Set when the toolkit could not describe the deck: no live Python, and why. */
  unavailable?: { missing: Missing, detail: string, fix: string }
}

function lastLine(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? ''
}

function describe(python: string, entry: string, toolkit: string): Promise<Description> {
  return new Promise((done, fail) => {
    execFile(
      python,
      ['-m', 'nlpdeck', 'describe', '--json', entry],
      { cwd: toolkit, env: process.env, timeout: DESCRIBE_SECONDS * 1000 },
      (error, stdout, stderr) => {
        if (error)
          return fail(Object.assign(error, { said: lastLine(stderr) }))
        let described: Description
        try {
          described = JSON.parse(stdout) as Description
        }
        catch {
          return fail(new Error(`unexpected answer: ${stdout.slice(0, 200)}`))
        }
        if (described.version !== DESCRIPTION_VERSION) // the addon and the toolkit differ
          return fail(new Error(`its description is version ${described.version}, the addon reads ${DESCRIPTION_VERSION}`))
        done(described)
      },
    )
  })
}

/** What showing the deck needs when the toolkit cannot describe it (see above). */
function fallback(options: ResolvedSlidevOptions): Pick<DeckFiles, 'lang' | 'figures' | 'records'> {
  const headmatter = options.data.headmatter as Record<string, unknown>
  const declared = (headmatter.nlpdeck ?? {}) as Record<string, unknown>
  const path = (key: string, otherwise: string) =>
    resolve(realpathSync(options.userRoot), typeof declared[key] === 'string' ? declared[key] : otherwise)
  return {
    lang: typeof headmatter.lang === 'string' ? headmatter.lang : 'en',
    figures: path('figures', 'image'),
    records: path('records', 'recorded-outputs.json'),
  }
}

// Asked once per deck and process: the Vite plugins and the markdown transformers both
// need it, and Slidev may load their setup files as separate module instances.
const ASKED = Symbol.for('nlpdeck:deck-files')
const asked = ((globalThis as Record<symbol, unknown>)[ASKED] ??= new Map()) as Map<string, Promise<DeckFiles>>

/** The deck Slidev serves, as the toolkit describes it (`toolkit`: the addon's parent). */
export function deckFiles(options: ResolvedSlidevOptions, toolkit: string): Promise<DeckFiles> {
  const key = `${options.entry}\0${options.mode}`
  if (!asked.has(key))
    asked.set(key, askDeckFiles(options, toolkit))
  return asked.get(key)!
}

async function askDeckFiles(options: ResolvedSlidevOptions, toolkit: string): Promise<DeckFiles> {
  const python = process.env.NLPDECK_PYTHON || join(toolkit, '.venv', 'bin', 'python')
  const common = { entry: options.entry, toolkit, python }
  try {
    const described = await describe(python, options.entry, toolkit)
    return {
      ...common,
      root: described.dir, // its paths have symbolic links resolved, as has `dir`
      lang: described.lang,
      figures: described.figures,
      records: described.records,
      prelude: described.prelude ?? undefined,
      build: described.build,
      kernel: described.kernel,
      kernelSetup: described.kernel_setup,
    }
  }
  catch (error) {
    const failure = error as NodeJS.ErrnoException & { said?: string }
    const unavailable = failure.code === 'ENOENT'
      ? { missing: 'python' as const, detail: python, fix: 'make setup' }
      : { missing: 'server' as const, detail: `\`nlpdeck describe\` failed: ${failure.said || failure.message}`, fix: 'make setup' }
    if (options.mode !== 'dev') // the dev server's live session says it instead
      console.log(`  nlpdeck: the toolkit could not describe the deck (${unavailable.detail}): run \`make setup\`; only the figures and recorded outputs are shown`)
    return {
      ...common,
      root: realpathSync(options.userRoot),
      ...fallback(options),
      build: join(tmpdir(), `nlpdeck-${basename(options.userRoot)}`),
      kernel: { url: null, token_file: null, dir: options.userRoot },
      kernelSetup: '',
      unavailable,
    }
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
