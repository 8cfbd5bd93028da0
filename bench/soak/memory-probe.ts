/**
 * Preloaded into the soak's gateway (`node --expose-gc --require …/memory-probe.js dist/src/main.js`):
 * on SIGUSR2 it runs a full garbage collection and writes one line `MEMPROBE {…process.memoryUsage()}`
 * to stderr. It does nothing else, so the gateway runs as `npm start` runs it.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  process.stderr.write(`MEMPROBE ${JSON.stringify({ ...process.memoryUsage(), gc: gc !== undefined })}\n`);
});
