// The addon's unit tests (`*.test.ts` beside their code), run by `npx vitest run` and by
// tests/test_live_units.py under `make test`.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['slidev-addon-nlpdeck/**/*.test.ts'],
    testTimeout: 120_000,
  },
})
