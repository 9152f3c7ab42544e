// What the live-block browser scripts share: Chromium, a live slide's parts, its status
// line (`data-state`, `data-run`: the run it describes, `data-fresh`), pasting code into
// its editor, clicking ▷ and waiting for the run that click started.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.cwd(), 'package.json'))
const { chromium } = require('playwright-chromium')

export const FINAL = ['ok', 'error', 'dead', 'stopped', 'recorded', 'none', 'unavailable', 'note']

export function readConfig() {
  return JSON.parse(readFileSync(process.argv[2], 'utf8'))
}

export async function launch(config) {
  return chromium.launch({
    executablePath: config.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
}

/** A window of its own (so no page is a background tab), with clipboard access for pasting. */
export async function openWindow(browser, url, timeout, viewport = { width: 980, height: 552 }) {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] })
  const page = await context.newPage()
  const log = { console: [], requests: [] }
  // Slidev asks for a screen wake lock, which a headless browser refuses: not ours
  const ours = text => !text.includes('Wake Lock permission')
  page.on('pageerror', (e) => {
    if (ours(e.message))
      log.console.push(`uncaught: ${e.message}`)
  })
  page.on('console', (m) => {
    if (m.type() === 'error' && ours(m.text()))
      log.console.push(m.text())
  })
  page.on('request', (r) => {
    if (/__nlpdeck|__jupyter/.test(r.url()))
      log.requests.push(`${r.method()} ${r.url()}`)
  })
  await page.goto(url, { timeout })
  return { page, log }
}

/** The live slide `slide` as shown in a window's slide show (not a preview). */
export function liveSlide(page, slide) {
  const scope = `#slideshow .slidev-page-${slide}`
  return {
    scope,
    root: page.locator(scope),
    status: () => page.evaluate((s) => {
      const e = document.querySelector(`${s} .nlpdeck-status`)
      return e && { state: e.dataset.state, run: Number(e.dataset.run ?? -1), fresh: e.dataset.fresh ?? '', text: e.innerText }
    }, scope),
    output: () => page.evaluate(s => document.querySelector(`${s} .slidev-runner-output`)?.innerText ?? '', scope),
    editor: () => page.evaluate(s => document.querySelector(`${s} .monaco-editor .view-lines`)?.innerText ?? '', scope),
  }
}

/** Wait until the slide's editor is attached: its status line replaced Slidev's placeholder. */
export async function attached(page, slide, timeout) {
  const { root } = liveSlide(page, slide)
  await root.locator('.nlpdeck-status').waitFor({ timeout })
  await root.locator('.monaco-editor .view-lines').first().waitFor({ timeout })
}

export async function setCode(page, slide, code) {
  const { root } = liveSlide(page, slide)
  await root.locator('.monaco-editor .view-lines').first().click()
  await page.evaluate(text => navigator.clipboard.writeText(text), code)
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Control+V')
}

/** Until `predicate(status, output)` holds (polled every 25 ms); returns ms waited. */
export async function until(page, slide, predicate, timeout) {
  const view = liveSlide(page, slide)
  const started = Date.now()
  while (Date.now() - started < timeout) {
    const status = await view.status()
    if (status && predicate(status, await view.output()))
      return Date.now() - started
    await page.waitForTimeout(25)
  }
  const status = await view.status()
  throw new Error(`timed out after ${timeout} ms; status ${JSON.stringify(status)}; output ${JSON.stringify((await view.output()).slice(0, 400))}`)
}

const ended = (status, _output, before) => FINAL.includes(status.state) && (status.run > before || status.run === -1)

/** Click ▷ and wait for the run it started to end (by default: `data-run` grows to a
 * final state; `done(status, output, runBefore)` otherwise); returns that status, the
 * output and the ms from click to end. */
export async function run(page, slide, timeout, done = ended) {
  const view = liveSlide(page, slide)
  const before = (await view.status())?.run ?? -1
  const started = Date.now()
  await view.root.getByTitle('Run code').click()
  await until(page, slide, (s, out) => done(s, out, before), timeout)
  return { ...(await view.status()), output: await view.output(), ms: Date.now() - started }
}

/** Run `action` as a named step; a failure is reported, not thrown. */
export function stepper() {
  const steps = []
  return {
    steps,
    async step(name, action) {
      const started = Date.now()
      try {
        const detail = await action()
        steps.push({ name, ok: true, ms: Date.now() - started, ...(detail ?? {}) })
        return true
      }
      catch (error) {
        steps.push({ name, ok: false, ms: Date.now() - started, error: String(error).slice(0, 1200) })
        return false
      }
    },
  }
}
