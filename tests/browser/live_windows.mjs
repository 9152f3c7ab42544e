// Two windows on one live slide, as on stage: the presenter view (`/presenter/N`) and the
// audience's (`/N`), each a window of its own. What one edits, runs or interrupts, both
// show; the times are measured by each page's own clock watch (a MutationObserver that
// notes Date.now() when a marker appears), so they compare across windows.
// Driven by tests/test_live_runner.py, which counts the kernel's executions meanwhile.
//
//   node tests/browser/live_windows.mjs config.json > report.json
//
// config.json: {"base", "slide", "chromium", "code": "<code printing MARKER>", "deckLines",
//               "timeout": {"step": 60000, "window": 1000}}
// report.json: {"opened", "steps": [{"name", "ok", "ms", "latencyMs", ...}], "console"}
import { attached, FINAL, launch, liveSlide, openWindow, readConfig, run, setCode, stepper, until } from './live_common.mjs'

const config = readConfig()
const { step: stepMs, window: windowMs } = config.timeout
const slide = config.slide
const browser = await launch(config)
const { steps, step } = stepper()
let presenter, audience

/** From now on, note in `page` when `marker` first appears in the slide's editor or output. */
function watch(page, marker) {
  return page.evaluate(({ scope, marker }) => {
    window.__seen = {}
    const look = () => {
      for (const [part, selector] of [['editor', '.monaco-editor .view-lines'], ['output', '.slidev-runner-output']]) {
        const text = document.querySelector(`${scope} ${selector}`)?.innerText ?? ''
        if (!window.__seen[part] && text.includes(marker))
          window.__seen[part] = Date.now()
      }
    }
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true })
    look()
  }, { scope: liveSlide(page, slide).scope, marker })
}

async function seen(page, part, timeout) {
  await page.waitForFunction(p => window.__seen?.[p], part, { timeout, polling: 25 })
  return page.evaluate(p => window.__seen[p], part)
}

/** `from` edits and runs a code printing `marker`; returns when both windows show it. */
async function editAndRun(from, to, marker) {
  await Promise.all([watch(from, marker), watch(to, marker)])
  await setCode(from, slide, config.code.replace('MARKER', marker))
  const typed = await seen(from, 'editor', stepMs)
  const copied = await seen(to, 'editor', stepMs)
  const result = await run(from, slide, stepMs)
  if (result.state !== 'ok')
    throw new Error(`the run ended ${JSON.stringify(result)}`)
  const here = await seen(from, 'output', stepMs)
  const there = await seen(to, 'output', stepMs)
  const other = await liveSlide(to, slide).status()
  if (other.state !== 'ok' || other.run !== result.run)
    throw new Error(`the other window shows ${JSON.stringify(other)}, not run ${result.run}`)
  const latencyMs = there - here
  const editLatencyMs = copied - typed
  if (latencyMs > windowMs || editLatencyMs > windowMs)
    throw new Error(`the other window lagged: output ${latencyMs} ms, editor ${editLatencyMs} ms (bound ${windowMs})`)
  return { latencyMs, editLatencyMs, runMs: result.ms, run: result.run }
}

const opened = await step('open the presenter and audience windows', async () => {
  presenter = await openWindow(browser, `${config.base}/presenter/${slide}`, stepMs, { width: 1280, height: 720 })
  audience = await openWindow(browser, `${config.base}/${slide}`, stepMs)
  await Promise.all([attached(presenter.page, slide, stepMs), attached(audience.page, slide, stepMs)])
  const placeholder = await audience.page.evaluate(() => document.body.innerText.includes('Click the play button'))
  if (placeholder)
    throw new Error('the audience window shows Slidev\'s placeholder, not the block\'s status')
})
if (opened) {
  await step('the presenter edits and runs; the audience shows it', () => editAndRun(presenter.page, audience.page, 'from-the-presenter'))
  await step('the audience edits and runs; the presenter shows it', () => editAndRun(audience.page, presenter.page, 'from-the-audience'))
  await step('the audience interrupts what the presenter started', async () => {
    await setCode(presenter.page, slide, 'import time\nprint("looping", flush=True)\nwhile True:\n    time.sleep(0.05)')
    await liveSlide(presenter.page, slide).root.getByTitle('Run code').click()
    await until(audience.page, slide, (s, out) => s.state === 'running' && out.includes('looping'), stepMs)
    await liveSlide(audience.page, slide).root.locator('.nlpdeck-action', { hasText: '■' }).click({ timeout: stepMs })
    const done = (s, out) => FINAL.includes(s.state) && out.includes('KeyboardInterrupt')
    await Promise.all([until(presenter.page, slide, done, stepMs), until(audience.page, slide, done, stepMs)])
    return liveSlide(presenter.page, slide).status()
  })
  await step('a window opened later shows the latest run, its editor sized to the deck\'s code', async () => {
    const late = await openWindow(browser, `${config.base}/${slide}`, stepMs)
    try {
      await attached(late.page, slide, stepMs)
      await until(late.page, slide, (s, out) => s.state !== 'idle' && out.includes('KeyboardInterrupt'), stepMs)
      const { scope } = liveSlide(late.page, slide)
      await late.page.waitForFunction(s => document.querySelector(`${s} .monaco-editor .view-lines`)?.innerText.includes('looping'), scope, { timeout: stepMs })
      // Slidev sizes an editor to the first code it shows: that must be the deck's, in every window
      const lines = await late.page.evaluate((s) => {
        const px = e => Number.parseFloat(getComputedStyle(document.querySelector(`${s} ${e}`)).height)
        return Math.round((px('.slidev-monaco-container-inner') - 4) / px('.monaco-editor .view-line'))
      }, scope)
      if (lines !== config.deckLines)
        throw new Error(`the editor is ${lines} lines high, the deck's code ${config.deckLines}`)
      return { lines }
    }
    finally {
      await late.page.context().close()
    }
  })
  // both windows on the live slide, after the interrupt: what each showed
  await presenter.page.screenshot({ path: config.shots[0] }).catch(() => {})
  await audience.page.screenshot({ path: config.shots[1] }).catch(() => {})
  await step('the presenter\'s next-slide preview of the block runs nothing', async () => {
    await presenter.page.goto(`${config.base}/presenter/${slide - 1}`, { timeout: stepMs })
    const preview = presenter.page.locator(`.grid-section.next .slidev-page-${slide} .monaco-editor .view-lines`)
    await preview.first().waitFor({ timeout: stepMs })
    await presenter.page.waitForTimeout(1500) // time for any run a preview would start
  })
}
await browser.close()
console.log(JSON.stringify({ opened, steps, console: [...(presenter?.log.console ?? []), ...(audience?.log.console ?? [])] }))
