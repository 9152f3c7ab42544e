// Opens one live slide of a deck served without a kernel (a `slidev build` on a static
// host), clicks ▷ and reports what the audience sees: the runner's status line and
// output. Driven by tests/test_new_deck.py; prints one JSON report.
//
//   node tests/browser/recorded_output.mjs config.json > report.json
//
// config.json: {"base": "http://127.0.0.1:PORT", "slide": 2, "chromium": "/usr/bin/chromium",
//               "timeout": 60000, "shot": "build/…/live-slide.png"}
// report.json: {"status": "recorded", "text": "…", "console": [...], "error": null}
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
const page = await browser.newPage({ viewport: { width: 980, height: 552 } })
const consoleErrors = []
page.on('pageerror', e => consoleErrors.push(`uncaught: ${e.message}`))
page.on('console', (m) => {
  if (m.type() === 'error')
    consoleErrors.push(m.text())
})
page.on('requestfailed', r => consoleErrors.push(`request failed: ${r.url()}`))

const slide = page.locator(`.slidev-page-${config.slide}`)
let error = null
try {
  await page.goto(`${config.base}/${config.slide}`, { timeout: config.timeout })
  await slide.getByTitle('Run code').click({ timeout: config.timeout })
  // the block shows its status line before the click too (what ▷ will show): wait for
  // the state the click leads to
  await slide.locator('.nlpdeck-status:is([data-state="recorded"], [data-state="none"])').first().waitFor({ timeout: config.timeout })
}
catch (e) {
  error = String(e).slice(0, 800)
}
const status = await slide.locator('.nlpdeck-status').first().getAttribute('data-state', { timeout: 1000 }).catch(() => null)
const text = await slide.locator('.slidev-runner-output').first().innerText({ timeout: 1000 }).catch(() => '')
if (config.shot)
  await page.screenshot({ path: config.shot })
await browser.close()
console.log(JSON.stringify({ status, text, console: consoleErrors, error }))
