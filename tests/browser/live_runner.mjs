// One window on a live slide, as a presenter (or a follower) uses it, in headless
// Chromium. Driven by tests/test_live_runner.py and tests/test_live_server.py; prints
// one JSON report.
//
//   node tests/browser/live_runner.mjs config.json > report.json
//
// config.json: {"base": "http://localhost:PORT", "slide": 6, "chromium": "/usr/bin/chromium",
//               "code": "<the slide's code>", "expect": "河岸", "mode": "live",
//               "timeout": {"step": 60000, "recover": 2000}, "shot": "build/…png",
//               "state": the run's final state in "once" mode (default "ok")}
// modes: "live" (run, raise, stream, interrupt, kill: the standby answers, restart),
//        "once" (run the slide's code), "recorded" (a built deck: ▷ shows the record),
//        "unavailable" (no kernel: the status says what to run, ▷ shows the record),
//        "paused" (the kernels' server does not answer: the status says so, ▷ shows the record),
//        "follower" (a read-only device: outputs yes, runs no).
// report.json: {"opened", "steps": [{"name", "ok", "ms", ...}], "console": [...],
//               "requests": [live-endpoint requests], "placeholder": Slidev's own text seen}
import { attached, FINAL, launch, liveSlide, openWindow, readConfig, run, setCode, stepper, until } from './live_common.mjs'

const config = readConfig()
const { step: stepMs, recover: recoverMs } = config.timeout
const browser = await launch(config)
const { steps, step } = stepper()
let window
const opened = await step('open the live slide', async () => {
  window = await openWindow(browser, `${config.base}/${config.slide}`, stepMs)
  await attached(window.page, config.slide, stepMs)
  return liveSlide(window.page, config.slide).status()
})
const page = window?.page
const slide = config.slide
const view = page && liveSlide(page, slide)
const expectRun = (state, text) => async () => {
  const result = await run(page, slide, stepMs)
  if (result.state !== state || !result.output.includes(text))
    throw new Error(`expected ${state} with ${JSON.stringify(text)}, got ${JSON.stringify(result)}`)
  return result
}

if (opened && config.mode === 'recorded') {
  await step('show the recorded output', async () => {
    const result = await run(page, slide, stepMs, s => s.state === 'recorded' || s.state === 'none')
    if (result.state !== 'recorded' || !result.output.includes(config.expect))
      throw new Error(JSON.stringify(result))
    return result
  })
}
else if (opened && config.mode === 'unavailable') {
  await step('say what to run', async () => {
    const status = await view.status()
    if (status.state !== 'unavailable' || !status.text.includes(config.fix))
      throw new Error(JSON.stringify(status))
    return status
  })
  await step('show the recorded output', () => run(page, slide, stepMs, (s, out) => out.includes(config.expect)))
}
else if (opened && config.mode === 'paused') {
  await step('say the server does not answer', async () => {
    await until(page, slide, s => s.state === 'paused' && s.text.includes(config.fix), stepMs)
    return view.status()
  })
  await step('show the recorded output', () => run(page, slide, stepMs, (s, out) => out.includes(config.expect)))
}
else if (opened && config.mode === 'follower') {
  await step('show that it is read-only', async () => {
    await until(page, slide, s => s.text.includes(config.readOnly), stepMs)
    return view.status()
  })
  await step('show a run made elsewhere', async () => {
    await until(page, slide, (s, out) => s.state === 'ok' && out.includes(config.expect), stepMs)
    return view.status()
  })
  await step('refuse to run', async () => {
    const result = await run(page, slide, stepMs, s => s.state === 'note')
    if (!result.text.includes(config.readOnly))
      throw new Error(JSON.stringify(result))
    return result
  })
}
else if (opened) {
  await step('run the slide code', expectRun(config.state ?? 'ok', config.expect))
  if (config.mode === 'live') {
    await step('run code that raises', async () => {
      await setCode(page, slide, 'raise ValueError("raised on purpose")')
      return expectRun('error', 'ValueError: raised on purpose')()
    })
    await step('stream output of an endless loop', async () => {
      await setCode(page, slide, 'import time\nprint("looping", flush=True)\nwhile True:\n    time.sleep(0.05)')
      await view.root.getByTitle('Run code').click()
      await until(page, slide, (s, out) => s.state === 'running' && out.includes('looping'), stepMs)
      return view.status()
    })
    await step('interrupt it', async () => {
      await view.root.locator('.nlpdeck-action', { hasText: '■' }).click({ timeout: stepMs })
      await until(page, slide, (s, out) => FINAL.includes(s.state) && out.includes('KeyboardInterrupt'), stepMs)
      return view.status()
    })
    await step('state survives the interrupt', async () => {
      await setCode(page, slide, config.probe)
      return expectRun('ok', config.probeExpect)()
    })
    await step('kill the kernel', async () => {
      await setCode(page, slide, 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)')
      const result = await run(page, slide, stepMs)
      if (result.state !== 'dead')
        throw new Error(JSON.stringify(result))
      return result
    })
    await step('the next run answers from the standby', async () => {
      await setCode(page, slide, config.code)
      const result = await expectRun('ok', config.expect)()
      if (result.fresh !== 'died')
        throw new Error(`the status does not say the state is fresh: ${JSON.stringify(result)}`)
      if (result.ms > recoverMs)
        throw new Error(`took ${result.ms} ms, more than ${recoverMs}`)
      return result
    })
    await step('restart from the status line', async () => {
      await setCode(page, slide, 'stale = 1')
      await expectRun('ok', '')()
      await view.root.locator('.nlpdeck-action', { hasText: '↻' }).click({ timeout: stepMs })
      await setCode(page, slide, 'print("stale" in globals())')
      const result = await expectRun('ok', 'False')()
      if (result.fresh !== 'restarted')
        throw new Error(`the status does not say the state is fresh: ${JSON.stringify(result)}`)
      return result
    })
  }
  if (config.shot)
    await page.screenshot({ path: config.shot })
}

const placeholder = page ? await page.evaluate(() => document.body.innerText.includes('Click the play button')) : null
await browser.close()
console.log(JSON.stringify({ opened, steps, console: window?.log.console ?? [], requests: window?.log.requests ?? [], placeholder }))
