// One banner, several independent sources (REST lists, live connection): each
// source sets or clears its own message, so a recovered hub does not wipe an
// unrelated REST failure and vice versa.

export type ErrorSource = 'api' | 'live' | 'key' | 'replay';

export class ErrorBanner {
  readonly #el: HTMLElement;
  readonly #messages = new Map<ErrorSource, string>();

  constructor(el: HTMLElement) {
    this.#el = el;
    this.#render();
  }

  set(source: ErrorSource, message: string | null): void {
    if (message) this.#messages.set(source, message);
    else this.#messages.delete(source);
    this.#render();
  }

  #render(): void {
    const lines = [...this.#messages.values()].map((message) => {
      const line = document.createElement('p');
      line.textContent = message;
      return line;
    });
    this.#el.replaceChildren(...lines);
    this.#el.hidden = lines.length === 0;
  }
}
