// Monaco's setup (https://sli.dev/custom/config-monaco): the addon finds the deck's
// Python editors as they are created, to attach each to its block's shared state and,
// under the dev server, keep their text the same in every window (client/editors.ts).
import { defineMonacoSetup } from '@slidev/types'
import { watchEditors } from '../client/editors'

declare const __NLPDECK_LIVE__: boolean

export default defineMonacoSetup(async (monaco) => {
  watchEditors(monaco)
  if (__NLPDECK_LIVE__)
    (await import('../client/live-view')).syncEditors()
})
