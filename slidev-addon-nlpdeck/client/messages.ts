/**
 * Every word the addon shows, in the deck's language (Slidev's `lang` headmatter key):
 * `zh-CN` for Chinese decks (any `zh…`), English otherwise.
 */
import { lang } from 'virtual:nlpdeck/deck'

const en = {
  noRecord: 'No recorded output for this code (make check records it; make present runs it live)',
  recorded: 'Recorded output (slide-code check; no kernel here)',
  connecting: 'Connecting to the kernel…',
  freshAfterDeath: 'The last kernel died: starting a new one and running the prelude…',
  running: 'Running…',
  interrupt: '■ Interrupt',
  dead: 'The kernel died (its process exited). The next run starts a new kernel and runs the prelude again.',
  failed: (why: string) => `Could not run: ${why}`,
}

const zhCN: typeof en = {
  noRecord: '这段代码没有录制的输出（make check 录制；make present 现场运行）',
  recorded: '录制的输出（slide-code check；此处没有内核）',
  connecting: '正在连接内核…',
  freshAfterDeath: '上一个内核已终止：正在启动新内核并运行 prelude…',
  running: '运行中…',
  interrupt: '■ 中断',
  dead: '内核已终止（进程退出）。再次运行将启动新内核并重新运行 prelude。',
  failed: why => `无法运行：${why}`,
}

export const text = lang.toLowerCase().startsWith('zh') ? zhCN : en
