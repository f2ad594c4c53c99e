// Crash points for tests that prove recovery: WHARF_FAILPOINT=<name> kills the process there, like a power cut.
export function failpoint(name: string): void {
  if (process.env.WHARF_FAILPOINT === name) {
    process.kill(process.pid, 'SIGKILL');
  }
}
