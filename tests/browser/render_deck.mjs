// Renders every slide of a running Slidev deck, at every click step, in headless
// Chromium, and reports what a viewer would see go wrong. Driven by tests/test_browser.py.
//
//   node tests/browser/render_deck.mjs config.json > report.json
//
// config.json: {"base": "http://localhost:PORT", "out": "build/slides/part2/screenshots",
//               "chromium": "/usr/bin/chromium",
//               "slides": [{"number": 1, "title": "…"}, …]}
// report.json: {"slides": [{"number", "clicks", "problems": […], "figures": [{"tag", "src",
//               "words"}], "screenshot"}], "network": […],
//               "console": […]}
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.cwd(), 'package.json'))
const { chromium } = require('playwright-chromium')

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
mkdirSync(config.out, { recursive: true })

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
})
// 980x552 is Slidev's canvas: the slide fills the viewport at scale 1
const page = await browser.newPage({ viewport: { width: 980, height: 552 } })
// Vite compiles a slide's imports on its first visit (Plotly is megabytes); on two busy
// cores in CI that took longer than Playwright's 30 s. This test checks what renders, not how fast.
page.setDefaultNavigationTimeout(180000)
// when the page's DOM last changed (`settled` waits for it to be quiet)
await page.addInitScript(() => {
  window.__changed = performance.now()
  new MutationObserver(() => { window.__changed = performance.now() })
    .observe(document, { subtree: true, childList: true, attributes: true, characterData: true })
})

const base = new URL(config.base)
const isLocal = (url) => {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return true
  const { hostname } = new URL(url)
  return ['localhost', '127.0.0.1', '[::1]', base.hostname].includes(hostname)
}
let where = 'start'
const network = []
const consoleErrors = []
page.on('request', (r) => { if (!isLocal(r.url())) network.push({ where, url: r.url() }) })
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ where, text: m.text() }) })
page.on('pageerror', (e) => consoleErrors.push({ where, text: `uncaught: ${e.message}` }))
page.on('response', (r) => {
  if (r.status() >= 400 && !r.url().includes('/@server-reactive/')) {
    consoleErrors.push({ where, text: `HTTP ${r.status()} for ${r.url()}` })
  }
})

// Everything below runs in the page: what is shown on the current slide.
function inspect(title) {
  const no = window.__slidev__.nav.currentSlideNo
  const layout = document.querySelector(`.slidev-page-${no} .slidev-layout`)
    || document.querySelector('#slide-content .slidev-layout')
  if (!layout) return { problems: ['no .slidev-layout rendered'] }
  const problems = []
  const frame = layout.getBoundingClientRect()
  const visible = (el) => {
    const s = getComputedStyle(el)
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0
  }
  for (const img of layout.querySelectorAll('img')) {
    if (visible(img) && !(img.complete && img.naturalWidth > 0)) {
      problems.push(`broken image ${img.getAttribute('src')}`)
    }
  }
  for (const video of layout.querySelectorAll('video')) {
    if (visible(video) && !(video.readyState >= 1 && video.videoWidth > 0)) {
      problems.push(`video not playable ${video.currentSrc || video.querySelector('source')?.src}`)
    }
  }
  for (const editor of layout.querySelectorAll('.slidev-monaco-container-inner')) {
    if (!editor.querySelector('.monaco-editor')) problems.push('code editor not drawn')
  }
  // inside a scrolling or clipping box, content may extend past that box by design
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== layout; a = a.parentElement) {
      if (getComputedStyle(a).overflow !== 'visible') return true
    }
    return false
  }
  // overflow: any visible element whose box leaves the 16:9 frame by more than 2 px
  let worst = null
  for (const el of layout.querySelectorAll('*')) {
    if (!visible(el) || clipped(el)) continue
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) continue
    const over = Math.max(r.bottom - frame.bottom, r.right - frame.right)
    if (over > 2 && (!worst || over > worst.over)) {
      worst = { over: Math.round(over), what: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('src') || '').trim().slice(0, 40)}"` }
    }
  }
  if (worst) problems.push(`content leaves the 16:9 frame by ${worst.over}px: ${worst.what}`)
  const text = layout.innerText.replace(/\s+/g, ' ')
  if (title && !text.includes(title.replace(/\s+/g, ' '))) problems.push(`title "${title}" not shown`)
  // what a screen reader says of each picture, view, video and drawn chart
  const figures = []
  for (const el of layout.querySelectorAll('img, iframe, video, .plotly-figure > [role="img"]')) {
    if (!visible(el)) continue
    const tag = el.tagName === 'DIV' ? 'chart' : el.tagName.toLowerCase()
    const src = tag === 'chart'
      ? el.parentElement.dataset.figure
      : tag === 'video' ? (el.querySelector('source')?.getAttribute('src') || el.getAttribute('src')) : el.getAttribute('src')
    const words = el.getAttribute({ img: 'alt', iframe: 'title' }[tag] || 'aria-label')
    figures.push({ tag, src, words })
  }
  return { problems, figures }
}

/**
 * Show a slide at a click step and wait until it has rendered. Only the first step loads
 * the page; every later one is reached inside it with Slidev's own navigation, as a
 * presenter's keys do (a page load per step fetched Slidev's hundreds of dev-server
 * modules again, most of this test's time). Slidev mounts the other slides in the
 * background (one holds bertviz's frame, whose scripts load through require.js), so on
 * busy cores the page's network may not fall quiet for minutes: wait for quiet only so
 * long, then for this slide's own images, which `inspect` judges.
 */
async function open(number, clicks) {
  const url = `${config.base}/${number}${clicks ? `?clicks=${clicks}` : ''}`
  const inPage = page.url().startsWith(config.base)
    && await page.evaluate(([n, c]) => window.__slidev__.nav.go(n, c).then(() => true), [number, clicks])
      .catch(() => false) // the page reloaded meanwhile (Vite does on a late dependency)
  if (!inPage) {
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForLoadState('networkidle', { timeout: 60000 }).catch(() => {})
  }
  await page.waitForFunction(([n, c]) => {
    const nav = window.__slidev__?.nav
    return nav && nav.currentSlideNo === n && (c === 0 || nav.clicks >= c)
      && [...document.querySelectorAll(`.slidev-page-${n} img`)].every(img => img.complete)
  }, [number, clicks], { timeout: 60000 }).catch(() => {})
}

/**
 * Until the slide is drawn and still, as Slidev's exporter judges a slide ready: no
 * `.slidev-slide-loading` left, each `[data-waitfor]` element (a code runner) holding what
 * it names; then its code editors drawn (Monaco loads on a slide's first visit) and no
 * finite CSS transition or animation running (an endless one, a spinner, never ends), and
 * the DOM unchanged for 150 ms (an editor colours its code after it is drawn). Vue starts
 * a transition on the frame after the change, so two frames pass first. A fixed pause
 * would wait for the slowest transition at every step, most of this test's time. What is
 * still missing after the wait, `inspect` reports.
 */
async function settled() {
  await page.evaluate(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))
  await page.waitForFunction(() => {
    const shown = document.querySelector(`.slidev-page-${window.__slidev__.nav.currentSlideNo}`)
    if (!shown || shown.querySelector('.slidev-slide-loading'))
      return false
    const waiting = [...shown.querySelectorAll('[data-waitfor]')]
      .filter(e => e.getClientRects().length && !e.querySelector(e.dataset.waitfor))
    const editors = [...shown.querySelectorAll('.slidev-monaco-container-inner')]
    return !waiting.length && editors.every(e => e.querySelector('.monaco-editor'))
      && performance.now() - window.__changed > 150
      && document.getAnimations().every(
        a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity,
      )
  }, null, { timeout: 10000, polling: 'raf' }).catch(() => {})
}

const report = { slides: [], network, console: consoleErrors }
for (const slide of config.slides) {
  where = `slide ${slide.number}`
  await open(slide.number, 0)
  const total = await page.evaluate(() => window.__slidev__.nav.clicksTotal)
  for (let clicks = 0; clicks <= total; clicks++) {
    where = `slide ${slide.number}, click ${clicks}`
    if (clicks > 0) await open(slide.number, clicks)
    await page.evaluate(() => document.fonts.ready)
    // media elements report their size once metadata has loaded
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.readyState >= 1 || v.error), null, { timeout: 10000 }).catch(() => {})
    await settled()
    let found = await page.evaluate(inspect, slide.title)
    // A slide's first visit compiles it, and UnoCSS sends the CSS of its utilities
    // (`grid="~ cols-2"`) as a separate hot update: on busy cores it arrived seconds after
    // the slide, whose columns stood stacked meanwhile. A problem counts when it stays.
    for (let waited = 0; found.problems.length && waited < 15000; waited += 1000) {
      await page.waitForTimeout(1000)
      found = await page.evaluate(inspect, slide.title)
    }
    const screenshot = join(config.out, `${String(slide.number).padStart(2, '0')}-${clicks}.png`)
    await page.screenshot({ path: screenshot })
    report.slides.push({ number: slide.number, clicks, problems: found.problems, figures: found.figures, screenshot })
  }
}
await browser.close()
process.stdout.write(JSON.stringify(report, null, 1))
