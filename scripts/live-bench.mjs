// Times the deck's live runner path in headless Chromium: the page imports the runner's
// own kernel module (slides/part2/setup/jupyter-kernel.ts, served by the Slidev dev
// server) and executes code through @jupyterlab/services and the dev server's proxy.
// Run by scripts/bench.py while `make present`'s servers are up; prints JSON.
//
//   node scripts/live-bench.mjs '{"base": "http://localhost:PORT", "rounds": 40, "demo": "<code>"}'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(join(process.cwd(), 'package.json'))
const { chromium } = require('playwright-chromium')

const config = JSON.parse(process.argv[2])
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const page = await browser.newPage()
await page.goto(`${config.base}/1`, { timeout: 300_000 })
const result = await page.evaluate(async ({ rounds, demo }) => {
  const kernel = await import('/setup/jupyter-kernel.ts')
  const time = async (code) => {
    const started = performance.now()
    const run = await kernel.execute(code, () => {})
    if (run.status !== 'ok')
      throw new Error(`${code}: ${run.status}`)
    return { ms: performance.now() - started, firstOutputMs: run.firstOutputMs }
  }
  for (let i = 0; i < 5; i++) await time('1') // connect, warm up
  const trivial = []
  for (let i = 0; i < rounds; i++) trivial.push((await time('1')).ms)
  const first = await time(demo)
  return { trivial, demoMs: first.ms, demoFirstOutputMs: first.firstOutputMs }
}, config)
await browser.close()
console.log(JSON.stringify(result))
