// Prints the slides Slidev's own parser (@slidev/parser) finds in a deck, as JSON:
// the oracle the Python reader is tested against.
// Usage: node scripts/slidev-slides.mjs path/to/slides.md
import { dirname, resolve } from 'node:path'
import { load } from '@slidev/parser/fs'

const entry = resolve(process.argv[2])
const data = await load(dirname(entry), entry)
const slides = data.slides.map((slide, i) => ({
  number: i + 1,
  file: slide.source.filepath,
  start: slide.source.start,
  contentStart: slide.source.contentStart,
  end: slide.source.end,
  title: slide.title ?? null,
}))
process.stdout.write(JSON.stringify({ slides, errors: data.entry.errors ?? [] }))
