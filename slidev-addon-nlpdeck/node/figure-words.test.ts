// A slide's described figures get their words; an author's own alt wins; what is not a
// described figure is left as written. A real figure folder in a temporary directory.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MagicString from 'magic-string'
import { describe, expect, it } from 'vitest'
import { describeFigures } from './figure-words'

function deck(descriptions: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'figure-words-'))
  mkdirSync(join(root, 'image'))
  writeFileSync(join(root, 'image', 'descriptions.json'), JSON.stringify(descriptions))
  return { root, slide: join(root, 'slides.md'), figures: join(root, 'image') }
}

function run(markdown: string, descriptions: Record<string, string>) {
  const { root, slide, figures } = deck(descriptions)
  const s = new MagicString(markdown)
  const filled = describeFigures({ s }, slide, root, figures)
  return { out: s.toString(), filled }
}

describe('describeFigures', () => {
  it('fills alt, title and aria-label, and adds a print caption', () => {
    const { out, filled } = run([
      '<img src="./image/a.png" width="400" />',
      '<iframe src="/image/interactive/v.html" style="border: 0"></iframe>',
      '<video controls>\n  <source src="./image/m.mp4" type="video/mp4">\n</video>',
    ].join('\n'), { 'a.png': 'A <3 "b" [x] {{ y }}', 'interactive/v.html': 'view', 'm.mp4': 'movie' })
    expect(filled.map(f => f.tag)).toEqual(['img', 'iframe', 'video'])
    const words = 'A &#60;3 &#34;b&#34; &#91;x&#93; &#123;&#123; y &#125;&#125;'
    expect(out).toContain(`<img alt="${words}" src="./image/a.png" width="400" /><span class="nlpdeck-figure-words" aria-hidden="true" hidden>${words}</span>`)
    expect(out).toContain('<iframe title="view" src="/image/interactive/v.html"')
    expect(out).toContain('</iframe><span class="nlpdeck-figure-words" aria-hidden="true" hidden>view</span>')
    expect(out).toContain('<video aria-label="movie" controls>')
    expect(out).toContain('</video><span class="nlpdeck-figure-words" aria-hidden="true" hidden>movie</span>')
  })

  it('labels a PlotlyFigure\'s chart with its PNG\'s words', () => {
    const { out } = run('<PlotlyFigure name="topics/bar">\n  <img src="./image/topics/bar.png" />\n</PlotlyFigure>', { 'topics/bar.png': 'ten topics' })
    expect(out).toContain('<PlotlyFigure alt="ten topics" name="topics/bar">')
    expect(out).toContain('<img alt="ten topics" src="./image/topics/bar.png" />')
  })

  it('keeps an author\'s alt and leaves other pictures alone', () => {
    const markdown = '<img src="./image/a.png" alt="mine"> <img src="./logo.png"> <img src="https://x.org/a.png">'
    const { out, filled } = run(markdown, { 'a.png': 'words' })
    expect(out.startsWith('<img src="./image/a.png" alt="mine"><span')).toBe(true)
    expect(filled).toEqual([{ tag: 'img', name: 'a.png', text: 'words' }])
  })

  it('fills an empty markdown alt and leaves code blocks as written', () => {
    const markdown = [
      'See ![](./image/a.png) and ![mine](./image/a.png), ![](<./image/b c.png>).',
      '',
      '```html',
      '<img src="./image/a.png"> ![](./image/a.png)',
      '```',
    ].join('\n')
    const { out, filled } = run(markdown, { 'a.png': 'A [1]', 'b c.png': 'B' })
    expect(filled.map(f => [f.tag, f.name])).toEqual([['markdown-image', 'a.png'], ['markdown-image', 'b c.png']])
    expect(out.split('\n')[0]).toBe(
      'See ![A &#91;1&#93;](./image/a.png)<span class="nlpdeck-figure-words" aria-hidden="true" hidden>A &#91;1&#93;</span>'
      + ' and ![mine](./image/a.png), ![B](<./image/b c.png>)<span class="nlpdeck-figure-words" aria-hidden="true" hidden>B</span>.',
    )
    expect(out.split('\n').slice(1).join('\n')).toBe(markdown.split('\n').slice(1).join('\n'))
  })

  it('changes nothing without descriptions', () => {
    expect(run('<img src="./image/a.png">', {}).out).toBe('<img src="./image/a.png">')
  })
})
