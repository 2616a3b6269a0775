// Preloaded (node -r) into every server the bench starts: the driver holds the
// other end of stdin, so when the driver dies, even by SIGKILL, stdin ends and
// the server stops itself (SIGTERM first, for a clean stop; exit after 10 s).
'use strict';
const stdin = process.stdin;
stdin.on('data', () => {});
stdin.on('error', () => {});
stdin.on('end', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
});
stdin.unref?.();
