// Loads one page in headless Chromium (Debian's, no download) and prints, as JSON,
// every request it made, every console error and page error, and how many elements
// match a CSS selector once the page has settled: the offline check of a page.
// Usage: node scripts/page-requests.mjs URL [SELECTOR]
import { chromium } from 'playwright-chromium'

const [url, selector = 'body'] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const page = await browser.newPage()
  const requests = []
  const errors = []
  page.on('request', (request) => requests.push(request.url()))
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  page.on('pageerror', (error) => errors.push(String(error)))
  // Settled: loaded, and the selector found (or 60 s gone by). Not Playwright's
  // networkidle, which can be lost for good under load (microsoft/playwright#42598).
  await page.goto(url, { waitUntil: 'load' })
  await page.locator(selector).first().waitFor({ timeout: 60000 }).catch(() => {})
  await page.waitForTimeout(500)
  const matches = await page.locator(selector).count()
  process.stdout.write(JSON.stringify({ url, requests, errors, selector, matches }))
} finally {
  await browser.close()
}
