// The addon's code runners (https://sli.dev/custom/config-code-runners): `{monaco-run}`
// Python blocks run in the deck's Jupyter kernel under Slidev's dev server, and show the
// outputs recorded by the slide-code check everywhere else. The languages are listed
// once, in package.json (`nlpdeck.runners`), where the deck lint reads them too.
import { defineCodeRunnersSetup } from '@slidev/types'
import { runPython } from '../client/python-runner'
import addon from '../package.json'

export default defineCodeRunnersSetup(() => Object.fromEntries(
  addon.nlpdeck.runners.map(lang => [lang, runPython]),
))
