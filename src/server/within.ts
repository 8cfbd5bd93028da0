/**
 * Waits for `work` to settle (resolved or rejected alike), at most `ms`; answers whether it did in time.
 * The timer is cleared either way, so nothing is left pending.
 */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const done = await Promise.race([work.then(() => true, () => true), late]);
  clearTimeout(timer);
  return done;
}
