// Drives the deck's live Python runner in headless Chromium, as a presenter would:
// run a live slide's code, run code that raises, interrupt an endless loop, kill the
// kernel and run again. With "mode": "recorded" (a built deck, no kernel) it only runs
// the slide's code and expects the recorded output. Driven by tests/test_live_runner.py;
// prints one JSON report.
//
//   node tests/browser/live_runner.mjs config.json > report.json
//
// config.json: {"base": "http://localhost:PORT", "slide": 6, "chromium": "/usr/bin/chromium",
//               "code": "<the slide's code>", "expect": "河岸",
//               "timeout": {"step": 60000, "recover": 600000},
//               "shot": "build/slides/live-runner.png"}
// report.json: {"steps": [{"name", "ok", "ms", "status", "text"}], "console": [...],
//               "kernelRequests": [urls of requests to the kernel proxy]}
// Every wait is bounded; a step that times out is reported (ok: false), not hung on.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.cwd(), 'package.json'))
const { chromium } = require('playwright-chromium')

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
// code is put into the editor by pasting: typed, Monaco would indent it again
const context = await browser.newContext({
  viewport: { width: 980, height: 552 },
  permissions: ['clipboard-read', 'clipboard-write'],
})
const page = await context.newPage()
const consoleErrors = []
const kernelRequests = []
page.on('request', (r) => {
  if (r.url().includes('__jupyter'))
    kernelRequests.push(r.url())
})
page.on('pageerror', e => consoleErrors.push(`uncaught: ${e.message}`))
page.on('console', (m) => {
  if (m.type() === 'error')
    consoleErrors.push(m.text())
})

const steps = []
// every slide stays mounted: look only inside the live slide
const scope = `.slidev-page-${config.slide}`
const slide = page.locator(scope)
const status = slide.locator('.nlpdeck-status').first()
const output = slide.locator('.slidev-runner-output').first()

async function step(name, timeout, action) {
  const started = Date.now()
  try {
    await action(timeout)
    steps.push({ name, ok: true, ms: Date.now() - started, ...(await shown()) })
    return true
  }
  catch (error) {
    steps.push({ name, ok: false, ms: Date.now() - started, error: String(error).slice(0, 800), ...(await shown()) })
    return false
  }
}

async function shown() {
  const state = await status.getAttribute('data-state', { timeout: 1000 }).catch(() => null)
  const text = await output.innerText({ timeout: 1000 }).catch(() => '')
  return { status: state, text: text.slice(0, 1500) }
}

async function setCode(code) {
  await slide.locator('.monaco-editor .view-lines').first().click()
  await page.evaluate(text => navigator.clipboard.writeText(text), code)
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Control+V')
}

// Click run, wait until this run (not the last one: its status is marked old) reaches
// `until` or, failing fast, any final state; then require `expect` of what is shown.
async function run(until, expect, timeout) {
  await page.evaluate(selector => document.querySelector(selector)?.setAttribute('data-old', ''), `${scope} .nlpdeck-status`)
  await slide.getByTitle('Run code').click()
  await page.waitForFunction(`(${until}) || ${statusIs(...FINAL)}`, null, { timeout, polling: 100 })
  await page.waitForFunction(expect, null, { timeout: 2000, polling: 100 })
}

const FINAL = ['ok', 'error', 'dead', 'failed', 'recorded', 'none']
const statusIs = (...states) => `(${JSON.stringify(states)}).includes(document.querySelector('${scope} .nlpdeck-status:not([data-old])')?.dataset.state)`
const outputHas = text => `(document.querySelector('${scope} .slidev-runner-output')?.innerText ?? '').includes(${JSON.stringify(text)})`

const { step: stepMs, recover: recoverMs } = config.timeout
const steps_ok = await (async () => {
  if (!await step('open the live slide', stepMs, async (t) => {
    await page.goto(`${config.base}/${config.slide}`, { timeout: t })
    await slide.getByTitle('Run code').waitFor({ timeout: t })
    await slide.locator('.monaco-editor .view-lines').first().waitFor({ timeout: t })
  }))
    return false
  const ran = (state, text) => `${statusIs(state)} && ${outputHas(text)}`
  if (config.mode === 'recorded') {
    await step('show the recorded output', stepMs, t => run('false', ran('recorded', config.expect), t))
    return true
  }
  await step('run the slide code', stepMs, t => run('false', ran('ok', config.expect), t))
  await step('run code that raises', stepMs, async (t) => {
    await setCode('raise ValueError("raised on purpose")')
    await run('false', ran('error', 'ValueError: raised on purpose'), t)
  })
  await step('stream output of an endless loop', stepMs, async (t) => {
    await setCode('import time\nprint("looping", flush=True)\nwhile True:\n    time.sleep(0.05)')
    await run(ran('running', 'looping'), ran('running', 'looping'), t)
  })
  await step('interrupt it', stepMs, async (t) => {
    await slide.locator('.nlpdeck-action').click({ timeout: t })
    await page.waitForFunction(statusIs(...FINAL), null, { timeout: t, polling: 100 })
    await page.waitForFunction(ran('error', 'KeyboardInterrupt'), null, { timeout: 2000 })
  })
  await step('state survives the interrupt', stepMs, async (t) => {
    await setCode('print(f"still here: {type(encoder).__name__}")')
    await run('false', ran('ok', 'still here: SentenceTransformer'), t)
  })
  await step('kill the kernel', stepMs, async (t) => {
    await setCode('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)')
    await run('false', statusIs('dead'), t)
  })
  await step('the next run starts a fresh kernel with the prelude', recoverMs, async (t) => {
    await setCode(config.code)
    await run('false', ran('ok', config.expect), t)
  })
  if (config.shot)
    await page.screenshot({ path: config.shot })
  return true
})()

await browser.close()
console.log(JSON.stringify({ opened: steps_ok, steps, console: consoleErrors, kernelRequests }))
