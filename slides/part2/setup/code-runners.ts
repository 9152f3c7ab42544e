// Slidev code runners of this deck (https://sli.dev/custom/config-code-runners).
// `{monaco-run}` Python blocks run in the deck's Jupyter kernel under `make present`,
// and show the outputs recorded by the slide-code check everywhere else.
import { defineCodeRunnersSetup } from '@slidev/types'
import { runPython } from './python-runner'

export default defineCodeRunnersSetup(() => ({
  python: runPython,
}))
