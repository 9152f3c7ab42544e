/**
 * The deck's Python editors in this window, and which one a runner call is for.
 *
 * Slidev's CodeRunner calls a runner with the editor's code only when its own window's
 * ▷ is clicked, and shows "Click the play button" until then. To show a block's shared
 * state in every window from the start, each of our editors is *attached* when it
 * appears: its ▷ is clicked by script. The runner then tells the two apart by the
 * click's `isTrusted`: a person's click executes (once, in the window clicked), a
 * scripted one only attaches. Editors are found through Monaco's `onDidCreateEditor`
 * (the addon's setup/monaco.ts) and named `<slide>:<index on the slide>:<hash of the
 * code the deck holds>`, the same in every window; a slide inserted while the dev
 * server runs gives its blocks new names rather than another block's state.
 *
 * Only editors inside `#slideshow` attach: the presenter's next-slide preview renders
 * code runners disabled, and a click there would do nothing.
 */
import type * as Monaco from 'monaco-editor'
import addon from '../package.json'

export interface EditorView {
  id: string
  model: Monaco.editor.ITextModel
  root: HTMLElement
}

const RUN_BUTTON = 'button[title="Run code"]' // Slidev's CodeRunner.vue
const CLICK_MEMORY_MS = 3000 // a click's runner call follows within CodeRunner's 200 ms debounce
const ATTACH_WAIT_MS = 20_000
const SIZE_WAIT_MS = 1000 // an editor reports its content size on its first layout

const views = new Map<HTMLElement, EditorView>()
const pending: { view: EditorView, trusted: boolean, at: number }[] = []
const viewListeners: ((view: EditorView) => void)[] = []

/** Called for each editor of ours, as it appears (for the live editor sync). */
export function onEditor(listener: (view: EditorView) => void): void {
  viewListeners.push(listener)
  views.forEach(listener)
}

export function editorsOf(id: string): EditorView[] {
  return [...views.values()].filter(view => view.id === id)
}

/** FNV-1a, 32 bits, as 8 hex digits: a short name for a block's code. */
function hash(text: string): string {
  let h = 0x811C9DC5
  for (let i = 0; i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, '0')
}

function isPrintMode(): boolean {
  return new URLSearchParams(location.search).has('print')
    || /\/(?:print|export)(?:\/|$)/.test(location.pathname)
}

function register(editor: Monaco.editor.ICodeEditor): void {
  const model = editor.getModel()
  const root = editor.getContainerDomNode().closest<HTMLElement>('.slidev-monaco-container')
  const slide = root?.closest<HTMLElement>('[data-slidev-no]')
  if (!model || !root || !slide || views.has(root) || !addon.nlpdeck.runners.includes(model.getLanguageId()))
    return
  const index = [...slide.querySelectorAll('.slidev-monaco-container')].indexOf(root)
  const id = `${slide.dataset.slidevNo}:${index}:${hash(model.getValue())}`
  const view: EditorView = { id, model, root }
  views.set(root, view)
  model.onWillDispose(() => views.delete(root))
  announce(editor, view)
  if (root.closest('#slideshow') && !isPrintMode())
    void attach(view)
}

/**
 * Hand a view to the listeners (the live editor sync) once Slidev has measured the
 * deck's own code: its editors' default height ('initial') is the first content height
 * they report, so text from another window put in before that would size the editor to
 * that text, differently in each window and cut short when the text later grows.
 */
function announce(editor: Monaco.editor.ICodeEditor, view: EditorView): void {
  let done = false
  const go = () => {
    if (done)
      return
    done = true
    sized.dispose()
    clearTimeout(fallback)
    viewListeners.forEach(listener => listener(view))
  }
  const sized = editor.onDidContentSizeChange(() => setTimeout(go)) // after Slidev's own listener
  const fallback = setTimeout(go, SIZE_WAIT_MS)
}

/** Click the editor's ▷ by script, once it is there (the runner only attaches). */
async function attach(view: EditorView): Promise<void> {
  const deadline = performance.now() + ATTACH_WAIT_MS
  let button = view.root.querySelector<HTMLButtonElement>(RUN_BUTTON)
  while (!button && performance.now() < deadline && view.root.isConnected) {
    await new Promise(resolve => setTimeout(resolve, 100))
    button = view.root.querySelector<HTMLButtonElement>(RUN_BUTTON)
  }
  button?.click()
}

function remember(event: MouseEvent): void {
  const button = (event.target as Element | null)?.closest?.(RUN_BUTTON)
  const root = button?.closest<HTMLElement>('.slidev-monaco-container')
  const view = root && views.get(root)
  if (view)
    pending.push({ view, trusted: event.isTrusted, at: performance.now() })
}

/** Watch the deck's editors: called once, from Monaco's setup. */
export function watchEditors(monaco: typeof Monaco): void {
  document.addEventListener('click', remember, true)
  monaco.editor.onDidCreateEditor((editor) => {
    // the model is attached after the editor is announced
    const once = editor.onDidChangeModel(() => {
      once.dispose()
      register(editor)
    })
    setTimeout(() => register(editor))
  })
}

const sameCode = (view: EditorView, code: string) => view.model.getValue().trimEnd() === code.trimEnd()

/**
 * Which editor a runner call with `code` is for, and whether a person clicked its ▷
 * (`execute`) or it was attached. Calls with no click (autorun) attach.
 */
export function claim(code: string): { view: EditorView, execute: boolean } | undefined {
  const now = performance.now()
  while (pending.length && now - pending[0].at > CLICK_MEMORY_MS)
    pending.shift()
  const clicked = pending.find(entry => sameCode(entry.view, code))
  if (clicked) {
    const mine = pending.filter(entry => entry.view === clicked.view) // debounced clicks: one call
    mine.forEach(entry => pending.splice(pending.indexOf(entry), 1))
    return { view: clicked.view, execute: mine.some(entry => entry.trusted) }
  }
  const view = [...views.values()].find(v => v.root.closest('#slideshow') && sameCode(v, code))
  return view && { view, execute: false }
}
