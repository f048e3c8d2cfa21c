/**
 * Browser build of atomic.ts: there are no local files in a browser. The extension writes through
 * vscode.workspace.fs there (writeModelFile uses writeFileAtomicAsync only for `file:` URIs, which a web
 * extension host never has); a call here is a packaging fault and says so.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  throw new Error(`writeFileAtomic(${path}, ${bytes.length} bytes): expected the Node build, got the browser build (write through vscode.workspace.fs)`);
}

export function writeFileAtomicAsync(path: string, bytes: Uint8Array): Promise<void> {
  return Promise.resolve().then(() => writeFileAtomic(path, bytes));
}
