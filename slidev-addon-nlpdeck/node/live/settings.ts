/**
 * Where the deck's kernels run: a Jupyter server the dev server starts on this machine
 * (the default), or one that already runs elsewhere (a GPU box, a JupyterHub
 * single-user server, Jupyter Enterprise Gateway), named in the deck's headmatter or
 * in the environment, which wins:
 *
 *     nlpdeck:
 *       kernel:
 *         url: https://gpu.example.org/user/me/   # NLPDECK_KERNEL_URL
 *         token_file: ~/.config/nlpdeck/gpu-token  # NLPDECK_KERNEL_TOKEN_FILE
 *         dir: /home/me/talks/part2               # NLPDECK_KERNEL_DIR: the deck's folder there
 *
 * The token is read from its file by the dev server and sent only to that server; no
 * browser, build or repository file sees it. `dir` defaults to the deck's folder here
 * (the same checkout path on both machines); kernels there work in it, so the prelude
 * imports the deck's demos as here.
 */
import type { DeckFiles } from '../deck'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { Unavailable } from './launcher'

export interface LocalKernels {
  kind: 'local'
  /** The toolkit's Python: NLPDECK_PYTHON, else `<toolkit>/.venv/bin/python`. */
  python: string
}

export interface RemoteKernels {
  kind: 'remote'
  url: string
  tokenFile: string
  /** The deck's folder on the server's machine. */
  dir: string
}

export type KernelSettings = LocalKernels | RemoteKernels

function expand(path: string, base: string): string {
  return resolve(base, path.replace(/^~(?=$|\/)/, homedir()))
}

export function kernelSettings(deck: DeckFiles, environ: NodeJS.ProcessEnv = process.env): KernelSettings {
  const declared = (deck.declared.kernel ?? {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
  const url = text(environ.NLPDECK_KERNEL_URL) ?? text(declared.url)
  if (url) {
    const tokenFile = text(environ.NLPDECK_KERNEL_TOKEN_FILE) ?? text(declared.token_file)
    if (!tokenFile)
      throw new Unavailable('remote', `${url}: no token file named`, 'name it as `nlpdeck: kernel: token_file:` in the headmatter or NLPDECK_KERNEL_TOKEN_FILE')
    return {
      kind: 'remote',
      url: url.endsWith('/') ? url : `${url}/`,
      tokenFile: expand(tokenFile, deck.root),
      dir: text(environ.NLPDECK_KERNEL_DIR) ?? text(declared.dir) ?? deck.root,
    }
  }
  const venv = join(deck.toolkit, '.venv', 'bin', 'python')
  return { kind: 'local', python: text(environ.NLPDECK_PYTHON) ?? venv }
}

/** Whether the local Python exists (else live blocks say to run `make setup`). */
export function hasPython(settings: LocalKernels): boolean {
  return existsSync(settings.python)
}
