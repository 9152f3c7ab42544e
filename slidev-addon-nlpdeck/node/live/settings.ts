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
 * The toolkit reads these (nlpdeck/describe.py; the addon gets them with the deck's
 * description, ../deck.ts). The token is read from its file by the dev server and sent
 * only to that server; no browser, build or repository file sees it. `dir` defaults to
 * the deck's folder here (the same checkout path on both machines); kernels there work
 * in it, so the prelude imports the deck's demos as here.
 */
import type { DeckFiles } from '../deck'
import { existsSync } from 'node:fs'
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

export function kernelSettings(deck: DeckFiles): KernelSettings {
  const { url, token_file: tokenFile, dir } = deck.kernel
  if (!url)
    return { kind: 'local', python: deck.python }
  if (!tokenFile)
    throw new Unavailable('remote', `${url}: no token file named`, 'name it as `nlpdeck: kernel: token_file:` in the headmatter or NLPDECK_KERNEL_TOKEN_FILE')
  return { kind: 'remote', url, tokenFile, dir }
}

/** Whether the local Python exists (else live blocks say to run `make setup`). */
export function hasPython(settings: LocalKernels): boolean {
  return existsSync(settings.python)
}
