/**
 * The addon's Vite config (Slidev merges it into the config of every deck that enables
 * the addon). Live Python needs no proxy: the dev server itself is the Jupyter client
 * (node/live/), so nothing of Jupyter is reachable from a browser.
 */
import { defineConfig } from 'vite'

export default defineConfig({
  // Bundled before the first page load. Vite's scan starts at Slidev's main.ts and never
  // sees dynamic imports in the deck's own code; found later, on the slide that needs
  // them, they make Vite re-bundle every dependency, fail requests in flight (504
  // Outdated Optimize Dep) and reload the page: mid-talk, on a cold cache.
  optimizeDeps: { include: ['plotly.js-dist-min'] },
})
