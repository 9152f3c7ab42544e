/**
 * The addon's Vite config (Slidev merges it into the config of every deck that enables
 * the addon): the live Python runner's same-origin door to jupyter-server.
 *
 * `make present` (nlpdeck/present.py) starts jupyter-server on 127.0.0.1 with a fresh
 * random token and starts `slidev` with NLPDECK_JUPYTER_URL and NLPDECK_JUPYTER_TOKEN in
 * its environment. The dev server then proxies `/__jupyter/api/kernels…` (HTTP and
 * WebSocket) to jupyter-server and adds `Authorization: token …` itself, so the token
 * stays in this Node process and never reaches a browser, a build or a file.
 *
 * jupyter-server does not check `Origin` once the token is presented, so the proxy does:
 * it forwards only requests that come from the dev server's own origin (the page the
 * runner lives in) with a loopback `Host`, and answers 403 to anything else, including
 * WebSocket upgrades. Without those variables (plain `slidev`, `slidev build`,
 * `slidev export`) there is no proxy and the runner shows the recorded outputs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { defineConfig } from 'vite'

const PROXY_PATH = '/__jupyter/' // setup/jupyter-kernel.ts connects here
const ALLOWED = /^\/__jupyter\/api\/kernels(?:[/?]|$)/ // the kernel API, nothing else
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const SAFE_METHODS = new Set(['GET', 'HEAD'])

/**
 * Whether a request comes from a page of the dev server's own origin.
 *
 * A browser always sends `Origin` with a WebSocket handshake and with a POST, and with
 * any cross-origin request; a same-origin GET may come without it, and then
 * `Sec-Fetch-Site` (sent by current browsers) must not say it is cross-site.
 */
export function fromOwnOrigin(req: IncomingMessage, upgrade: boolean): boolean {
  const host = req.headers.host ?? ''
  if (!LOOPBACK.has(host.replace(/:\d+$/, '')))
    return false // DNS rebinding: a page of another name pointed at 127.0.0.1
  const origin = req.headers.origin
  if (origin !== undefined)
    return origin === `http://${host}`
  if (upgrade || !SAFE_METHODS.has(req.method ?? ''))
    return false
  const site = req.headers['sec-fetch-site']
  return site === undefined || site === 'same-origin' || site === 'none'
}

function refuse(req: IncomingMessage, res: ServerResponse | undefined): string {
  const body = 'nlpdeck: the kernel proxy answers only the deck\'s own pages\n'
  if (res) {
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end(body)
  }
  else {
    (req.socket as Socket).end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${body}`)
  }
  return '/__jupyter-refused' // tells Vite the request is handled
}

export default defineConfig(({ command }) => {
  const url = process.env.NLPDECK_JUPYTER_URL
  const token = process.env.NLPDECK_JUPYTER_TOKEN
  const live = command === 'serve' && !!url && !!token
  return {
    define: { __NLPDECK_LIVE__: JSON.stringify(live) },
    // Bundled before the first page load. Vite's scan starts at Slidev's main.ts and never
    // sees these dynamic imports in the deck's own code; found later, on the slide that
    // needs them, they make Vite re-bundle every dependency, fail requests in flight (504
    // Outdated Optimize Dep) and reload the page: mid-talk, on a cold cache.
    optimizeDeps: { include: ['plotly.js-dist-min', ...(live ? ['@jupyterlab/services'] : [])] },
    server: live
      ? {
          proxy: {
            [PROXY_PATH]: {
              target: url,
              ws: true,
              changeOrigin: true, // Host: 127.0.0.1:<port>, which jupyter-server accepts
              rewrite: (path: string) => path.slice(PROXY_PATH.length - 1),
              bypass(req: IncomingMessage, res: ServerResponse | undefined) {
                const upgrade = res === undefined
                if (ALLOWED.test(req.url ?? '') && fromOwnOrigin(req, upgrade))
                  return undefined // proxy it
                return refuse(req, res)
              },
              configure(proxy: any) {
                const authorize = (outgoing: any) => {
                  outgoing.removeHeader('cookie')
                  outgoing.setHeader('Authorization', `token ${token}`)
                }
                proxy.on('proxyReq', authorize)
                proxy.on('proxyReqWs', authorize)
              },
            },
          },
        }
      : {},
  }
})
