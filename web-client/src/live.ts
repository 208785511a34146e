// Live board state over SignalR. Kept free of DOM code so the versioning rules
// can be reasoned about (and driven by a fake hub) on their own.

import { HttpTransportType, HubConnectionBuilder, LogLevel, type IRetryPolicy } from '@microsoft/signalr';

// The REST payloads the hub also carries come from the gateway's OpenAPI document (api/types.ts,
// generated); only the hub's own messages (BoardUpdate) and the client's state are declared here.
import type { Schemas } from './api/types';

export type GoalKind = Schemas['GoalKind'];
export type GoalStatus = Schemas['GoalStatus'];
export type RollUp = Schemas['RollUp'];
export type GoalScope = Schemas['GoalScope'];
export type CheckIn = Schemas['CheckIn'];
export type Contribution = Schemas['Contribution'];
export type GoalView = Schemas['GoalView'];
export type FeedKind = Schemas['FeedKind'];
export type FeedEntry = Schemas['FeedEntry'];
export type AlertState = Schemas['AlertState'];
export type MetricValue = Schemas['MetricValue'];
export type TotalsView = Schemas['TotalsView'];
export type TargetView = Schemas['TargetView'];
export type ActivityView = Schemas['ActivityView'];
export type CampaignView = Schemas['CampaignView'];
export type GoalCard = Schemas['GoalCard'];
export type DepartmentScorecard = Schemas['DepartmentScorecard'];
export type BoardSnapshot = Schemas['BoardSnapshot'];


/** The fields of a goal that moved since the board's previous push; a field left out did not change. */
export type GoalDelta = Pick<GoalView, 'id'> &
  Partial<Pick<GoalView, 'progress' | 'percent' | 'status' | 'expectedPercent' | 'updatedAt' | 'appliedThrough' | 'eventCount' | 'parts' | 'contributions'>>;

/** A 'boardUpdate' message (the gateway's BoardUpdateMessage). */
export interface BoardUpdate {
  boardId: string;
  version: number;
  /** The version this update applies to; null on a whole update (it applies to any older version). */
  baseVersion?: number | null;
  /** Whole views: goals new on the board or redefined (every goal when `whole`). */
  goals: GoalView[] | null;
  /** Goals that only moved: the fields that changed, merged onto the goal shown. */
  changes?: GoalDelta[] | null;
  /** Entries new since the previous push (may be empty). */
  feed?: FeedEntry[] | null;
  /** Present (whole) only when the campaign changed. */
  campaign?: CampaignView | null;
  /** Present (whole) only when the scorecard changed. */
  department?: DepartmentScorecard | null;
  /** Goals that left the board (owners or scope changed, archived). */
  removedGoals?: string[] | null;
  /** Every goal of the board (a gateway's pull after a missed push): goals not in it have left. */
  whole?: boolean;
}

/**
 * Whether an update can be merged onto a board shown at `shown`: 'old' (already included: ignore), 'apply', or
 * 'gap' (it builds on a version this board never showed: only a fresh snapshot is trustworthy).
 */
export function placeUpdate(shown: number, update: Pick<BoardUpdate, 'version' | 'baseVersion' | 'whole'>): 'old' | 'apply' | 'gap' {
  if (update.version <= shown) return 'old';
  if (update.whole) return 'apply';
  return (update.baseVersion ?? update.version - 1) === shown ? 'apply' : 'gap';
}

export interface BoardState {
  readonly boardId: string;
  readonly title: string;
  readonly version: number;
  readonly goals: ReadonlyMap<string, GoalView>;
  /** Newest first, no duplicate ids, at most FEED_LIMIT entries. */
  readonly feed: readonly FeedEntry[];
  readonly campaign: CampaignView | null;
  readonly department: DepartmentScorecard | null;
}

export interface BoardChange {
  /** 'snapshot' replaces everything; 'delta' only touches changedIds. */
  readonly kind: 'snapshot' | 'delta';
  readonly board: BoardState;
  readonly changedIds: readonly string[];
  /** Feed entries this change brought that were not on screen before (empty on a board's first snapshot). */
  readonly newFeedIds: readonly number[];
}

/** The most feed entries kept; older ones fall off the end. */
export const FEED_LIMIT = 50;

/**
 * Adds incoming entries to a feed (an incoming entry with a known id replaces
 * it): no duplicate ids, newest (highest id) first, at most FEED_LIMIT. Returns the ids that were added and survived the cap.
 */
export function mergeFeed(
  current: readonly FeedEntry[],
  incoming: readonly FeedEntry[] | null | undefined,
): { feed: FeedEntry[]; added: number[] } {
  const byId = new Map<number, FeedEntry>();
  for (const entry of current) byId.set(entry.id, entry);
  const added: number[] = [];
  for (const entry of incoming ?? []) {
    if (!entry || typeof entry.id !== 'number') continue;
    // An entry already shown comes again when an alert is acknowledged or resolved: it replaces the old one.
    const known = byId.has(entry.id);
    byId.set(entry.id, entry);
    if (!known) added.push(entry.id);
  }
  const feed = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, FEED_LIMIT);
  const kept = new Set(feed.map((entry) => entry.id));
  return { feed, added: added.filter((id) => kept.has(id)) };
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * The part of @microsoft/signalr's HubConnection that LiveBoard relies on.
 * HubConnection satisfies it as is; tests can pass a fake.
 */
export interface LiveHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke<T = unknown>(methodName: string, ...args: unknown[]): Promise<T>;
  on(methodName: string, handler: (...args: any[]) => void): void;
  onreconnecting(callback: (error?: Error) => void): void;
  onreconnected(callback: (connectionId?: string) => void): void;
  onclose(callback: (error?: Error) => void): void;
}

export interface LiveBoardCallbacks {
  onState?(state: ConnectionState): void;
  onBoard?(change: BoardChange): void;
  /** A whole snapshot arrived (before it is shown): what it says of the organization (currency, time zone). */
  onSnapshot?(snapshot: BoardSnapshot): void;
  /** A message to show, or null once the problem it described is gone. */
  onError?(message: string | null): void;
  /** The server rejected the key; retrying with the same one is pointless. */
  onUnauthorized?(): void;
}

export interface LiveBoardOptions {
  /** Delays for restarting after the connection is closed for good, in ms. The last one repeats. */
  restartDelaysMs?: readonly number[];
}

/**
 * Reconnect forever: a wall screen has nobody to press reload, so the
 * library's default of giving up after four attempts would leave it frozen.
 */
export const foreverRetryPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) =>
    [0, 2_000, 5_000, 10_000, 30_000][Math.min(previousRetryCount, 4)] ?? 30_000,
};

export function createHubConnection(key: string | null): LiveHub {
  // WebSockets only, without the negotiate round trip: one request that stays on one gateway, so a
  // load balancer in front of many gateways needs no sticky sessions (docs/deploy.md).
  // Without a key, the browser's session cookie goes with the WebSocket request by itself.
  const options = key
    ? { accessTokenFactory: () => key, transport: HttpTransportType.WebSockets, skipNegotiation: true }
    : { transport: HttpTransportType.WebSockets, skipNegotiation: true };
  return new HubConnectionBuilder()
    .withUrl('/hubs/live', options)
    .withAutomaticReconnect(foreverRetryPolicy)
    .configureLogging(LogLevel.Warning)
    .build();
}

export class LiveBoard {
  readonly #hub: LiveHub;
  readonly #cb: LiveBoardCallbacks;
  readonly #restartDelays: readonly number[];

  #boardId: string;
  #board: {
    boardId: string;
    title: string;
    version: number;
    goals: Map<string, GoalView>;
    feed: FeedEntry[];
    campaign: CampaignView | null;
    department: DepartmentScorecard | null;
  } | null = null;
  #connected = false;
  #stopped = true;
  #restartAttempt = 0;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;

  // Every snapshot request takes a new generation; a reply whose generation is
  // no longer current belongs to a board switch, reconnect or gap that has been
  // superseded and must not overwrite newer state.
  #generation = 0;
  #snapshotPending = false;
  // The server joins the board's group before it reads the snapshot, so updates
  // can arrive while WatchBoard is in flight; they wait here until the snapshot
  // tells us which of them are already included.
  #buffered: BoardUpdate[] = [];

  constructor(hub: LiveHub, boardId: string, callbacks: LiveBoardCallbacks = {}, options: LiveBoardOptions = {}) {
    this.#hub = hub;
    this.#boardId = boardId;
    this.#cb = callbacks;
    this.#restartDelays = options.restartDelaysMs ?? [2_000, 5_000, 10_000, 30_000];

    hub.on('boardUpdate', (update: BoardUpdate) => this.#onUpdate(update));
    hub.onreconnecting(() => {
      this.#connected = false;
      this.#setState('reconnecting');
    });
    hub.onreconnected(() => {
      this.#connected = true;
      this.#setState('connected');
      // A reconnect is a new server connection: group membership is gone and
      // updates were missed, so only a fresh snapshot is trustworthy.
      void this.#loadSnapshot();
    });
    hub.onclose((error) => {
      this.#connected = false;
      this.#setState('disconnected');
      if (!this.#stopped) {
        if (error) this.#cb.onError?.(`Live connection lost: ${errorText(error)}`);
        this.#scheduleRestart();
      }
    });
  }

  get boardId(): string {
    return this.#boardId;
  }

  get board(): BoardState | null {
    return this.#board;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects and watches the board given to the constructor (or the last one passed to watch). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    this.#generation++;
    this.#snapshotPending = false;
    this.#buffered = [];
    await this.#hub.stop();
  }

  /** Switches to another board: unwatches the old one (best effort) and loads the new one. */
  async watch(boardId: string): Promise<void> {
    if (boardId === this.#boardId) return;
    const previous = this.#boardId;
    this.#boardId = boardId;
    this.#board = null;
    this.#cb.onError?.(null);
    if (!this.#connected) {
      // Nothing to unwatch on the server; the connect/reconnect path loads the new board.
      this.#generation++;
      this.#snapshotPending = false;
      this.#buffered = [];
      return;
    }
    await this.#loadSnapshot(async () => {
      try {
        await this.#hub.invoke('UnwatchBoard', previous);
      } catch {
        // The old board may already be gone or never joined; the switch goes on regardless.
      }
    });
  }

  async #connect(): Promise<void> {
    clearTimeout(this.#restartTimer);
    this.#setState('connecting');
    try {
      await this.#hub.start();
    } catch (err) {
      if (this.#stopped) return;
      this.#setState('disconnected');
      if (isUnauthorized(err)) {
        this.#stopped = true;
        this.#cb.onUnauthorized?.();
        return;
      }
      this.#cb.onError?.(`Cannot connect to live updates: ${errorText(err)}`);
      this.#scheduleRestart();
      return;
    }
    if (this.#stopped) return;
    this.#restartAttempt = 0;
    this.#connected = true;
    this.#setState('connected');
    await this.#loadSnapshot();
  }

  #scheduleRestart(): void {
    clearTimeout(this.#restartTimer);
    const delays = this.#restartDelays;
    const delay = delays[Math.min(this.#restartAttempt, delays.length - 1)] ?? 30_000;
    this.#restartAttempt++;
    this.#restartTimer = setTimeout(() => {
      if (!this.#stopped) void this.#connect();
    }, delay);
  }

  async #loadSnapshot(beforeWatch?: () => Promise<void>): Promise<void> {
    const generation = ++this.#generation;
    const boardId = this.#boardId;
    this.#snapshotPending = true;
    this.#buffered = [];
    try {
      if (beforeWatch) await beforeWatch();
      if (generation !== this.#generation) return;
      const snapshot = await this.#hub.invoke<BoardSnapshot>('WatchBoard', boardId);
      if (generation !== this.#generation) return;

      this.#snapshotPending = false;
      const pending = this.#buffered;
      this.#buffered = [];
      this.#applySnapshot(boardId, snapshot);
      this.#cb.onError?.(null);

      // Stable sort keeps arrival order among equal versions; anything the
      // snapshot already contains falls out through the usual version check.
      pending.sort((a, b) => a.version - b.version);
      for (const update of pending) this.#onUpdate(update);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#snapshotPending = false;
      this.#buffered = [];
      // A dropped connection fails the call too, but reconnecting reloads the
      // board anyway, so only errors the server meant (e.g. HubException) are shown.
      if (this.#connected) this.#cb.onError?.(`Cannot open board ${boardId}: ${errorText(err)}`);
    }
  }

  #onUpdate(update: BoardUpdate): void {
    if (!update || update.boardId !== this.#boardId) return;
    if (this.#snapshotPending) {
      this.#buffered.push(update);
      return;
    }
    const board = this.#board;
    // No snapshot (it failed): there is no base to apply a delta to.
    if (!board) return;

    const place = placeUpdate(board.version, update);
    if (place === 'old') return;
    if (place === 'gap' || (update.changes ?? []).some((change) => !board.goals.has(change.id))) {
      // A missed update cannot be reconstructed from deltas; start over.
      void this.#loadSnapshot();
      return;
    }

    const changedIds: string[] = [];
    for (const id of update.removedGoals ?? []) board.goals.delete(id);
    if (update.whole) {
      const kept = new Set((update.goals ?? []).map((g) => g.id));
      for (const id of [...board.goals.keys()]) if (!kept.has(id)) board.goals.delete(id);
    }
    for (const goal of update.goals ?? []) {
      board.goals.set(goal.id, goal);
      changedIds.push(goal.id);
    }
    for (const change of update.changes ?? []) {
      // A new object, so that views comparing goals by identity see the change.
      board.goals.set(change.id, { ...board.goals.get(change.id)!, ...change });
      changedIds.push(change.id);
    }
    const { feed, added } = mergeFeed(board.feed, update.feed);
    board.feed = feed;
    if (update.campaign) board.campaign = update.campaign;
    if (update.department) board.department = update.department;
    board.version = update.version;
    this.#cb.onBoard?.({ kind: 'delta', board, changedIds, newFeedIds: added });
  }

  #applySnapshot(boardId: string, snapshot: BoardSnapshot): void {
    this.#cb.onSnapshot?.(snapshot);
    const goals = new Map<string, GoalView>();
    for (const goal of snapshot.goals ?? []) goals.set(goal.id, goal);
    // The snapshot's feed replaces ours. Entries are only "new" when the same
    // board was already on screen (a reconnect or gap reload), not on first load.
    const previous = this.#board;
    const { feed } = mergeFeed([], snapshot.feed);
    const seen = previous && previous.boardId === (snapshot.boardId || boardId) ? previous.feed : null;
    const seenIds = new Set(seen?.map((entry) => entry.id));
    const newFeedIds = seen ? feed.filter((entry) => !seenIds.has(entry.id)).map((entry) => entry.id) : [];
    this.#board = {
      boardId: snapshot.boardId || boardId,
      title: snapshot.title,
      version: snapshot.version,
      goals,
      feed,
      campaign: snapshot.campaign ?? null,
      department: snapshot.department ?? null,
    };
    this.#cb.onBoard?.({ kind: 'snapshot', board: this.#board, changedIds: [...goals.keys()], newFeedIds });
  }

  #setState(state: ConnectionState): void {
    this.#cb.onState?.(state);
  }
}

function isUnauthorized(err: unknown): boolean {
  if (err && typeof err === 'object' && (err as { statusCode?: unknown }).statusCode === 401) return true;
  // Negotiation failures wrap the HttpError, leaving the status only in the message.
  return err instanceof Error && /status code '?401'?/i.test(err.message);
}

/**
 * Server-side HubExceptions reach the client wrapped in
 * "An unexpected error occurred invoking 'X' on the server. HubException: <message>";
 * the part after the marker is what the server meant to say.
 */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const marker = message.indexOf('HubException:');
  if (marker >= 0) {
    const inner = message.slice(marker + 'HubException:'.length).trim();
    if (inner) return inner;
  }
  return message;
}
