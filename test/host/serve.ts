/**
 * `npm run serve`: a real VS Code (code-server) in a scratch profile with the packaged .vsix installed
 * and the test workspace open, for trying the extension by hand in a browser. Ctrl+C stops it.
 */
import { checkPrerequisites, installVsix, makeHostDirs, startCodeServer } from './codeServer';
import { makeWorkspace } from './workspace';

async function main(): Promise<void> {
  checkPrerequisites(true);
  const ws = process.argv[2] ?? makeWorkspace();
  const dirs = makeHostDirs('serve');
  installVsix(dirs);
  const server = await startCodeServer(dirs, ws);
  console.log(`Seq2Seq Chat in VS Code: ${server.url}/?folder=${encodeURIComponent(ws)}  (Ctrl+C to stop)`);
  const stop = (): void => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise<never>(() => undefined);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
