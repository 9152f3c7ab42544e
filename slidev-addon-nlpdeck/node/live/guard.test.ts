// The process guard takes the live path's errors only: Slidev's own crashes stay fatal.
import { KernelConnection, ServerConnection } from '@jupyterlab/services'
import { describe, expect, it } from 'vitest'
import { fromLivePath } from './guard'

describe('the process guard', () => {
  it('recognises the Jupyter client\'s detached reconnect failing', async () => {
    const settings = ServerConnection.makeSettings({ baseUrl: 'http://127.0.0.1:9/', wsUrl: 'ws://127.0.0.1:9/', WebSocket: class { close() {} } as any })
    const connection = new KernelConnection({ model: { id: 'k', name: 'python3' }, serverSettings: settings, handleComms: false })
    connection.dispose()
    let error: unknown
    try {
      await connection.reconnect()
    }
    catch (caught) {
      error = caught
    }
    expect(String(error)).toMatch(/Kernel connection is disposed/)
    expect(fromLivePath(error)).toBe(true)
  })
  it('leaves other errors alone', () => {
    const slidev = Object.assign(new Error('boom'), { stack: 'Error: boom\n    at build (/x/node_modules/@slidev/cli/dist/build.mjs:1:1)' })
    expect(fromLivePath(slidev)).toBe(false)
    expect(fromLivePath('a string')).toBe(false)
    expect(fromLivePath(Object.assign(new Error('wrapped', { cause: slidev })))).toBe(true) // made here
  })
})
