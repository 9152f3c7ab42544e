/**
 * Pages in a deck's figure folder (an interactive figure's `.html` and the `.js`/`.css`
 * beside it, e.g. bertviz's views) are opened by URL in an iframe, not imported, so
 * Vite would neither bundle them nor copy them into a build. This plugin serves them
 * unchanged at the figure folder's URL path (`/image/interactive/head_view.html`) in
 * the dev server and writes them at the same path into a build.
 */
import type { Plugin } from 'vite'
import type { DeckFiles } from './deck'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, resolve, sep } from 'node:path'
import { rootPath } from './deck'

const PAGE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

function pages(folder: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(folder)
  }
  catch {
    return [] // no figures built yet
  }
  return entries.flatMap((name) => {
    const path = join(folder, name)
    if (statSync(path).isDirectory())
      return pages(path)
    return extname(name) in PAGE_TYPES ? [path] : []
  })
}

export function figurePages(deck: DeckFiles): Plugin {
  const prefix = `${rootPath(deck, deck.figures)}/`
  return {
    name: 'nlpdeck:figure-pages',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0])
        if (!path.startsWith(prefix) || !(extname(path) in PAGE_TYPES))
          return next()
        const file = resolve(deck.figures, path.slice(prefix.length))
        if (!file.startsWith(deck.figures + sep))
          return next()
        try {
          const body = readFileSync(file)
          res.writeHead(200, { 'Content-Type': PAGE_TYPES[extname(file)] }).end(body)
        }
        catch {
          next()
        }
      })
    },
    generateBundle() {
      for (const file of pages(deck.figures)) {
        this.emitFile({
          type: 'asset',
          fileName: `${prefix.slice(1)}${relative(deck.figures, file).split(sep).join('/')}`,
          source: readFileSync(file),
        })
      }
    },
  }
}
