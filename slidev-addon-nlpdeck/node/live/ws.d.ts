// The `ws` package ships no types; the pool only hands its class to @jupyterlab/services,
// which expects a browser-like WebSocket constructor.
declare module 'ws' {
  const WebSocket: typeof globalThis.WebSocket
  export default WebSocket
}
