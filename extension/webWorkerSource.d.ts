/** The browser worker bundle (dist/web/worker.js) as text: webpack's `asset/source` in the browser build only. */
declare module 'seq2seq-web-worker-source' {
  const source: string;
  export default source;
}
