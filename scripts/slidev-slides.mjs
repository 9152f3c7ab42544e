// Prints what Slidev's own parser (@slidev/parser) reads in decks, as JSON: the
// oracle the Python reader is tested against. One node process reads every deck given.
// Usage: node scripts/slidev-slides.mjs deck.md [more.md ...]
// Prints {"<deck as given>": {slides, files, errors}}: `slides` are the presented slides
// (imports followed, hidden dropped), `files` every parsed file's slides (hidden ones
// too), `errors` each file's import errors. Titles are given as String(title), as a
// slide shows them; a value YAML reads as Infinity or NaN prints as null (JSON).
import { dirname, resolve } from 'node:path'
import { load } from '@slidev/parser/fs'

function source(slide) {
  return {
    start: slide.start,
    contentStart: slide.contentStart,
    end: slide.end,
    title: slide.title == null ? null : String(slide.title),
    frontmatter: slide.frontmatter,
    hidden: Boolean(slide.frontmatter.disabled || slide.frontmatter.hide),
  }
}

const out = {}
for (const given of process.argv.slice(2)) {
  const entry = resolve(given)
  try {
    const data = await load(dirname(entry), entry)
    out[given] = {
      slides: data.slides.map((slide, i) => ({
        number: i + 1,
        file: slide.source.filepath,
        start: slide.source.start,
        contentStart: slide.source.contentStart,
        end: slide.source.end,
        title: slide.title == null ? null : String(slide.title),
        frontmatter: slide.frontmatter,
      })),
      files: Object.fromEntries(
        Object.entries(data.markdownFiles).map(([file, md]) => [file, md.slides.map(source)]),
      ),
      errors: Object.fromEntries(
        Object.entries(data.markdownFiles).map(([file, md]) => [file, md.errors ?? []]),
      ),
    }
  }
  catch (error) {
    out[given] = { error: String(error) }
  }
}
process.stdout.write(JSON.stringify(out))
