// Live data for app pages: a page watches one board (the organization's overview by default) through
// the SignalR hub, as the war room does, and reloads what it shows when the board moves. A check-in,
// an announcement, an alert or an edited goal anywhere in the organization moves the overview board,
// so every open page sees it within the board's push interval.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Problem } from '../api/client';
import { LiveBoard, createHubConnection, type BoardChange, type ConnectionState } from '../live';

export interface LiveView {
  /** The board's state as last pushed, or null before its first snapshot. */
  change: BoardChange | null;
  /** Counts every push: a page's effect that depends on it runs again after each. */
  tick: number;
  state: ConnectionState;
}

export function useBoard(boardId: string = 'overview'): LiveView {
  const [view, setView] = useState<LiveView>({ change: null, tick: 0, state: 'connecting' });
  useEffect(() => {
    let stopped = false;
    const live = new LiveBoard(createHubConnection(null), boardId, {
      onState: (state) => !stopped && setView((v) => ({ ...v, state })),
      onBoard: (change) => !stopped && setView((v) => ({ ...v, change, tick: v.tick + 1 })),
    });
    void live.start();
    return () => {
      stopped = true;
      void live.stop();
    };
  }, [boardId]);
  return view;
}

/**
 * Runs `load` at once, and again (at most every `minIntervalMs`) whenever `tick` moves: a page's data
 * stays as fresh as the live board without a request per push.
 */
export function useLiveReload(tick: number, load: () => Promise<void> | void, deps: readonly unknown[], minIntervalMs = 500): void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The latest `load` (it closes over the page's current filters): a reload scheduled by a push runs
  // what the page would load now, not what it loaded when the push arrived.
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    void load();
    last.current = Date.now();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    if (tick === 0) return;
    const wait = Math.max(0, last.current + minIntervalMs - Date.now());
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      last.current = Date.now();
      void latest.current();
    }, wait);
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
}

/** Loads a list now and whenever the organization's overview board moves (`tick`). */
export function useList<T>(tick: number, load: () => Promise<T>): { data: T | null; problem: Problem | Error | null; reload(): Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | Error | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setProblem(null);
    } catch (err) {
      setProblem(err as Error);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useLiveReload(tick, reload, [reload], 1000);
  return { data, problem, reload };
}
