// TV mode: the war room on a wall screen, every goal on one screen without scrolling from 1366×768 to
// 4K. The grid's columns and rows are chosen for the number of goals and the screen's shape, and the
// type scales with the height of a card, so a 4K screen shows the same board larger, not smaller.
// With several boards it rotates between them. It is turned on by `tv=1` in the address
// (`/?board=...&link=...&tv=1` for a wall-screen link, `#/war-room/<board>?tv=1&boards=a,b&rotate=30` in the app).

/** How wide a goal card wants to be for its height: wide enough for its title, figures and bar. */
const CARD_ASPECT = 1.9;

export interface TvSettings {
  on: boolean;
  /** Boards to rotate through (the current one first); empty or one: no rotation. */
  boards: string[];
  rotateSeconds: number;
}

export function tvSettings(url: URL, hashQuery: URLSearchParams | null): TvSettings {
  const get = (name: string) => hashQuery?.get(name) ?? url.searchParams.get(name);
  const on = ['1', 'true', 'on'].includes((get('tv') ?? '').toLowerCase());
  const boards = (get('boards') ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const rotate = Number(get('rotate') ?? '30');
  return { on, boards, rotateSeconds: Number.isFinite(rotate) && rotate >= 5 ? Math.min(rotate, 3600) : 30 };
}

/** The grid shape that gives n cards the largest size on a width × height area. */
export function fitGrid(n: number, width: number, height: number, gap: number): { columns: number; rows: number; cardHeight: number } {
  let best = { columns: 1, rows: Math.max(1, n), cardHeight: 0 };
  let bestScale = -1;
  for (let columns = 1; columns <= Math.max(1, n); columns++) {
    const rows = Math.max(1, Math.ceil(n / columns));
    const cellW = (width - gap * (columns - 1)) / columns;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    // The card is as large as the cell allows at its aspect; the scale is its height.
    const scale = Math.min(cellH, cellW / CARD_ASPECT);
    if (scale > bestScale) {
      bestScale = scale;
      best = { columns, rows, cardHeight: cellH };
    }
  }
  return best;
}

/** Keeps the grid fitted to the screen while TV mode is on. */
export class TvLayout {
  readonly #grid: HTMLElement;
  #observer: ResizeObserver | null = null;
  #mutations: MutationObserver | null = null;

  constructor(grid: HTMLElement) {
    this.#grid = grid;
  }

  start(): void {
    document.body.dataset['tv'] = 'on';
    this.#observer = new ResizeObserver(() => this.fit());
    this.#observer.observe(document.documentElement);
    this.#mutations = new MutationObserver(() => this.fit());
    this.#mutations.observe(this.#grid, { childList: true });
    this.fit();
  }

  stop(): void {
    delete document.body.dataset['tv'];
    this.#observer?.disconnect();
    this.#mutations?.disconnect();
    this.#grid.style.removeProperty('--tv-columns');
    this.#grid.style.removeProperty('--tv-rows');
    this.#grid.style.removeProperty('--tv-card-font');
  }

  fit(): void {
    const n = this.#grid.children.length;
    const top = this.#grid.getBoundingClientRect().top;
    const gap = parseFloat(getComputedStyle(this.#grid).rowGap) || 12;
    const bottomMargin = parseFloat(getComputedStyle(document.body).paddingBottom) || 0;
    const width = this.#grid.clientWidth;
    const height = Math.max(100, window.innerHeight - top - bottomMargin - 1);
    const { columns, rows, cardHeight } = fitGrid(n, width, height, gap);
    this.#grid.style.setProperty('--tv-columns', String(columns));
    this.#grid.style.setProperty('--tv-rows', String(rows));
    this.#grid.style.setProperty('--tv-row-height', `${Math.floor(cardHeight)}px`);
    // A card holds about eight lines of its type: title, figures, bar, pace, footer.
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const font = Math.max(9, Math.min(cardHeight / 9.5, cellWidth / 17));
    this.#grid.style.setProperty('--tv-card-font', `${font.toFixed(1)}px`);
  }
}
