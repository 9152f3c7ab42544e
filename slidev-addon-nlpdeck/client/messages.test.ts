// Every status a live block can show exists in both of the deck's languages, and a
// Chinese deck's lines hold no English words beyond names (Jupyter, prelude, commands).
import type { Fresh, Missing } from '../shared/live'
import { describe, expect, it, vi } from 'vitest'

const MISSING: Missing[] = ['python', 'models', 'server', 'exited', 'prelude', 'remote', 'unreachable', 'forbidden', 'restarting']
const FRESH: Fresh[] = ['died', 'restarted', 'server']
/** Words a Chinese line may hold: names, not English sentences. */
const NAMES = /Jupyter|Python|prelude|slide-code check|make check|SIGKILL|\$\{[^}]*\}/g

async function messages(lang: string) {
  vi.resetModules()
  vi.doMock('virtual:nlpdeck/deck', () => ({ lang, recorded: {} }))
  return (await import('./messages')).text
}

function lines(text: Awaited<ReturnType<typeof messages>>): string[] {
  return [
    ...MISSING.map(missing => text.unavailable(missing, 'SIGKILL', '5')),
    ...FRESH.map(fresh => text.fresh[fresh]),
    text.starting, text.queued, text.dead, text.stopped, text.serverStopped, text.showsRecorded,
  ]
}

describe('status messages', () => {
  it('exist for every state in English', async () => {
    for (const line of lines(await messages('en')))
      expect(line).toMatch(/[a-z]{3}/)
  })
  it('are Chinese in a zh-CN deck, with no English leaking in', async () => {
    const zh = lines(await messages('zh-CN'))
    const en = lines(await messages('en'))
    zh.forEach((line, i) => {
      expect(line).not.toBe(en[i])
      expect(line).toMatch(/[\u4E00-\u9FFF]/)
      expect(line.replace(NAMES, '')).not.toMatch(/[A-Za-z]{3,}/)
    })
  })
  it('name the server and how long it has not answered', async () => {
    const zh = await messages('zh-CN')
    expect(zh.unavailable('unreachable', '12', 'http://gpu:8888/')).toBe('Jupyter 服务器 http://gpu:8888/ 已 12 秒无法连接；正在重试。')
    const en = await messages('en')
    expect(en.unavailable('unreachable', '12', 'http://gpu:8888/')).toBe('Jupyter server http://gpu:8888/ unreachable for 12 s; retrying.')
  })
})
