/**
 * Every word the addon shows, in the deck's language (Slidev's `lang` headmatter key):
 * `zh-CN` for Chinese decks (any `zh…`), English otherwise.
 */
import type { Fresh, Missing } from '../shared/live'
import { lang } from 'virtual:nlpdeck/deck'

const en = {
  noRecord: 'No recorded output for this code (make check records it; the dev server runs it live)',
  recorded: 'Recorded output (slide-code check; no kernel here)',
  clickRecorded: 'Click ▷ to show the output recorded by the slide-code check',
  clickLive: 'Click ▷ to run this code in the deck\'s kernel',
  starting: 'Starting the kernel and running the deck\'s prelude…',
  queued: 'Waiting for the kernel (another run is in progress)…',
  running: 'Running…',
  interrupt: '■ Interrupt',
  restart: '↻ Restart kernel',
  done: (ok: boolean, seconds: number) => `${ok ? '✓' : '✗'} ${seconds.toFixed(2)} s`,
  fresh: {
    died: 'fresh kernel (the last one died): names defined earlier are gone',
    restarted: 'fresh kernel (restarted): names defined earlier are gone',
    server: 'fresh kernel (the Jupyter server came back without the old one): names defined earlier are gone',
  } satisfies Record<Fresh, string>,
  dead: 'The kernel died (its process exited). The next run uses a fresh kernel with the prelude loaded.',
  stopped: 'Stopped: the kernel was restarted. The next run starts from a fresh state.',
  serverStopped: 'Live Python stopped with the dev server.',
  readOnly: 'Read-only: this device follows the presenter; code runs on the presenter\'s machine.',
  unavailable: (missing: Missing, detail: string, fix: string) => ({
    python: `No live Python: no Python environment at ${detail}. Run \`${fix}\`.`,
    models: `No live Python: ${detail} is not in the local model cache. Run \`${fix}\`.`,
    server: `No live Python: the Jupyter server did not start (${detail}). Run \`${fix}\`.`,
    exited: `No live Python: the local Jupyter server stopped ${fix} times in a row (last: ${detail}). See the log, then restart the dev server.`,
    prelude: `No live Python: the deck's prelude failed (${detail}). Fix ${fix}, then click ↻.`,
    remote: `No live Python: the remote Jupyter server did not answer (${detail}): ${fix}.`,
    unreachable: `Jupyter server ${fix} unreachable for ${detail} s; retrying.`,
    forbidden: `The Jupyter server refuses the token in ${detail} (403); retrying. Put its current token in that file.`,
    restarting: `The local Jupyter server stopped (${detail}); restarting it with fresh kernels…`,
  })[missing],
  showsRecorded: '▷ shows the recorded output.',
  failed: (why: string) => `Could not run: ${why}`,
}

const zhCN: typeof en = {
  noRecord: '这段代码没有录制的输出（make check 录制；开发服务器现场运行）',
  recorded: '录制的输出（slide-code check；此处没有内核）',
  clickRecorded: '点击 ▷ 显示 slide-code check 录制的输出',
  clickLive: '点击 ▷ 在本讲义的内核中运行这段代码',
  starting: '正在启动内核并运行 prelude…',
  queued: '等待内核（另一段代码正在运行）…',
  running: '运行中…',
  interrupt: '■ 中断',
  restart: '↻ 重启内核',
  done: (ok, seconds) => `${ok ? '✓' : '✗'} ${seconds.toFixed(2)} 秒`,
  fresh: {
    died: '新内核（上一个内核已终止）：之前定义的变量已清空',
    restarted: '新内核（已重启）：之前定义的变量已清空',
    server: '新内核（Jupyter 服务器恢复后旧内核已不存在）：之前定义的变量已清空',
  },
  dead: '内核已终止（进程退出）。下次运行将使用已加载 prelude 的新内核。',
  stopped: '已停止：内核已重启。下次运行从全新的状态开始。',
  serverStopped: '开发服务器已停止现场运行。',
  readOnly: '只读：此设备跟随演讲者，代码在演讲者的电脑上运行。',
  unavailable: (missing, detail, fix) => ({
    python: `无法现场运行：找不到 Python 环境（${detail}）。请运行 \`${fix}\`。`,
    models: `无法现场运行：本地模型缓存中没有 ${detail}。请运行 \`${fix}\`。`,
    server: `无法现场运行：Jupyter 服务器未能启动（${detail}）。请运行 \`${fix}\`。`,
    exited: `无法现场运行：本地 Jupyter 服务器连续 ${fix} 次停止（最后一次：${detail}）。请查看日志，然后重新启动开发服务器。`,
    prelude: `无法现场运行：prelude 运行失败（${detail}）。请修改 ${fix}，然后点击 ↻。`,
    remote: `无法现场运行：远程 Jupyter 服务器没有响应（${detail}）：${fix}。`,
    unreachable: `Jupyter 服务器 ${fix} 已 ${detail} 秒无法连接；正在重试。`,
    forbidden: `Jupyter 服务器拒绝了 ${detail} 中的令牌（403）；正在重试。请在该文件中写入服务器当前的令牌。`,
    restarting: `本地 Jupyter 服务器已停止（${detail}）；正在用新内核重新启动…`,
  })[missing],
  showsRecorded: '▷ 显示录制的输出。',
  failed: why => `无法运行：${why}`,
}

export const text = lang.toLowerCase().startsWith('zh') ? zhCN : en
