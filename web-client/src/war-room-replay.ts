// Replay in the war room: scrub a past day minute by minute (GET /api/v1/boards/{id}/replay?at=),
// then return to live. While replaying, live pushes are kept, not shown; "Back to live" shows the
// latest of them. Times are in the browser's time zone. The slider is a native range input, so the
// arrow keys move a minute and Page Up/Down ten.

export interface ReplayElements {
  toggle: HTMLButtonElement;
  controls: HTMLElement;
  day: HTMLInputElement;
  minute: HTMLInputElement;
  time: HTMLOutputElement;
  live: HTMLButtonElement;
  note: HTMLElement;
}

export interface ReplayCallbacks {
  /** Reads the board as it stood at that moment. */
  fetch(at: Date, signal: AbortSignal): Promise<unknown>;
  /** Shows a replayed board. */
  onSnapshot(snapshot: unknown, at: Date): void;
  /** Back to the live board. */
  onLive(): void;
  onError(message: string | null): void;
}

export class ReplayControl {
  readonly #els: ReplayElements;
  readonly #cb: ReplayCallbacks;
  #active = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | null = null;
  #defaultDay: () => Date = () => new Date();

  constructor(els: ReplayElements, callbacks: ReplayCallbacks) {
    this.#els = els;
    this.#cb = callbacks;
    els.toggle.addEventListener('click', () => (this.#active ? this.stop() : this.start()));
    els.live.addEventListener('click', () => this.stop());
    els.day.addEventListener('change', () => this.#schedule(0));
    els.minute.addEventListener('input', () => {
      this.#renderTime();
      this.#schedule(120);
    });
  }

  get active(): boolean {
    return this.#active;
  }

  /** The day the replay opens on: a campaign's launch day, or today. */
  setDefaultDay(day: () => Date): void {
    this.#defaultDay = day;
  }

  /** Shown only where the credential may read the replay API (not for a wall-screen link). */
  setAvailable(available: boolean): void {
    this.#els.toggle.hidden = !available;
    if (!available && this.#active) this.stop();
  }

  start(): void {
    this.#active = true;
    document.body.dataset['replay'] = 'on';
    const now = new Date();
    const day = this.#defaultDay();
    const start = day > now ? now : day;
    this.#els.day.value = localDate(start);
    this.#els.day.max = localDate(now);
    const sameDay = localDate(start) === localDate(now);
    this.#els.minute.value = String(sameDay ? Math.max(0, now.getHours() * 60 + now.getMinutes() - 60) : 9 * 60);
    this.#els.controls.hidden = false;
    this.#els.toggle.textContent = 'Stop replay';
    this.#els.toggle.setAttribute('aria-expanded', 'true');
    this.#renderTime();
    this.#schedule(0);
    this.#els.minute.focus();
  }

  stop(): void {
    if (!this.#active) return;
    this.#active = false;
    clearTimeout(this.#timer);
    this.#abort?.abort();
    delete document.body.dataset['replay'];
    this.#els.controls.hidden = true;
    this.#els.toggle.textContent = 'Replay';
    this.#els.toggle.setAttribute('aria-expanded', 'false');
    this.#els.note.textContent = '';
    this.#cb.onError(null);
    this.#cb.onLive();
  }

  /** The moment the controls name, in the browser's time zone. */
  moment(): Date {
    const [y, m, d] = (this.#els.day.value || localDate(new Date())).split('-').map(Number);
    const minute = Number(this.#els.minute.value) || 0;
    return new Date(y!, (m ?? 1) - 1, d ?? 1, Math.floor(minute / 60), minute % 60, 0, 0);
  }

  #renderTime(): void {
    const at = this.moment();
    const text = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    this.#els.time.value = text;
    this.#els.minute.setAttribute('aria-valuetext', `${at.toLocaleDateString()} ${text}`);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#load(), delayMs);
  }

  async #load(): Promise<void> {
    if (!this.#active) return;
    let at = this.moment();
    const now = new Date();
    if (at > now) at = now;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#els.note.textContent = `Replaying ${at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
    try {
      const snapshot = await this.#cb.fetch(at, abort.signal);
      if (abort.signal.aborted || !this.#active) return;
      this.#cb.onError(null);
      this.#cb.onSnapshot(snapshot, at);
    } catch (err) {
      if (abort.signal.aborted) return;
      this.#cb.onError(`Replay: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
