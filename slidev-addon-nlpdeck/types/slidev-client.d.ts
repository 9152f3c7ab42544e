// What the addon uses of `@slidev/client`. Slidev ships its client as source that
// compiles only with the constants its own build defines (`__DEV__`, `__SLIDEV_*__`),
// so the type-check (../tsconfig.json) reads this instead; the signature is Slidev's
// (@slidev/client/composables/useNav.ts, `SlidevContextNavState`).
declare module '@slidev/client' {
  import type { ComputedRef } from 'vue'

  export function useNav(): {
    /** The page is being printed or exported (`?print`, or the export route). */
    isPrintMode: ComputedRef<boolean>
  }
}
