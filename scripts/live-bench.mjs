// Times the deck's live blocks in headless Chromium, two windows (presenter view and
// audience) on a live slide of a running dev server. Runs are asked for the way the
// runner asks (POST /__nlpdeck/live/run from the page), without Slidev's 200 ms click
// debounce; each page notes with its own clock (Date.now(), shared by both) when the
// run's end reaches its DOM. Run by scripts/bench.py; prints JSON.
//
//   node scripts/live-bench.mjs '{"base": "http://localhost:PORT", "slide": 6, "rounds": 40, "demo": "<code>"}'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.cwd(), 'package.json'))
const { chromium } = require('playwright-chromium')

const config = JSON.parse(process.argv[2])
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
async function open(path, viewport) {
  const page = await (await browser.newContext({ viewport })).newPage()
  await page.goto(`${config.base}${path}`, { timeout: 300_000 })
  await page.locator(`#slideshow .slidev-page-${config.slide} .nlpdeck-status`).waitFor({ timeout: 300_000 })
  // note when each run reaches this page: its first output, and its end
  await page.evaluate((scope) => {
    window.__runs = {}
    const look = () => {
      const status = document.querySelector(`${scope} .nlpdeck-status`)
      const run = Number(status?.dataset.run ?? -1)
      const seen = (window.__runs[run] ??= {})
      if (!seen.output && document.querySelector(`${scope} .slidev-runner-output`)?.children.length > 1)
        seen.output = Date.now()
      if (!seen.end && ['ok', 'error', 'dead', 'stopped'].includes(status?.dataset.state))
        seen.end = Date.now()
    }
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  }, `#slideshow .slidev-page-${config.slide}`)
  return page
}
const presenter = await open(`/presenter/${config.slide}`, { width: 1280, height: 720 })
const audience = await open(`/${config.slide}`, { width: 980, height: 552 })
const block = await presenter.evaluate(s => document.querySelector(`${s} .nlpdeck-status`).dataset.block, `#slideshow .slidev-page-${config.slide}`)

const currentRun = page => page.evaluate(s => Number(document.querySelector(`${s} .nlpdeck-status`)?.dataset.run ?? 0), `#slideshow .slidev-page-${config.slide}`)

/** Ask for a run from the presenter's page; when its output and end reached each page. */
async function run(code, state = 'ok') {
  const run = (await currentRun(presenter)) + 1
  const sent = await presenter.evaluate(async ({ block, code }) => {
    const sent = Date.now()
    const response = await fetch('/__nlpdeck/live/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ block, code, window: 'bench' }),
    })
    if (!response.ok)
      throw new Error(await response.text())
    return sent
  }, { block, code })
  const ended = p => p.waitForFunction(r => window.__runs[r]?.end, run, { timeout: 300_000, polling: 10 })
  await Promise.all([ended(presenter), ended(audience)])
  const here = await presenter.evaluate(r => window.__runs[r], run)
  const there = await audience.evaluate(r => window.__runs[r], run)
  const status = await presenter.evaluate(s => document.querySelector(`${s} .nlpdeck-status`).dataset.state, `#slideshow .slidev-page-${config.slide}`)
  if (status !== state)
    throw new Error(`${code}: ${status}, not ${state}`)
  return { presenterMs: here.end - sent, audienceMs: there.end - sent, firstOutputMs: (here.output ?? here.end) - sent }
}

for (let i = 0; i < 5; i++) await run('1') // warm up
const trivial = []
for (let i = 0; i < config.rounds; i++) trivial.push(await run('1'))
const demo = await run(config.demo)
const kill = await run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)', 'dead')
const recovered = await run('print("back")')
await browser.close()
console.log(JSON.stringify({ trivial, demo, kill, recovered }))
