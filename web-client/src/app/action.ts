import { useState } from 'preact/hooks';
import type { Problem } from '../api/client';

/**
 * One thing a page does at a time, with its busy mark and its problem: `run` clears the problem, marks `key`
 * busy (a row's id, or true), runs the action, keeps what it threw as the problem (through `problemOf`, e.g. to put
 * a refusal beside a field) and clears the busy mark whatever happened.
 */
export function useAction<K = true>(problemOf: (err: Error) => Problem | Error = (err) => err) {
  const [busy, setBusy] = useState<K | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const run = async (action: () => Promise<void>, key: K = true as K): Promise<void> => {
    setBusy(key);
    setProblem(null);
    try {
      await action();
    } catch (err) {
      setProblem(problemOf(err as Error));
    } finally {
      setBusy(null);
    }
  };
  /** Whether anything runs: for a button that runs one thing (`busy` says which row does). */
  const pending = busy !== null;
  return { busy, pending, problem, setProblem, run };
}
