// Numbers, money and times as the organization reads them: its currency and time zone come from its
// settings (GET /api/v1/settings); the reader's browser language picks the separators.

import type { AlignmentSettings } from '../api/types';

type Unit = string | null | undefined;

export class OrgFormat {
  readonly currency: string;
  readonly timeZone: string;
  readonly #number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  readonly #money: Intl.NumberFormat;
  readonly #dateTime: Intl.DateTimeFormat;
  readonly #date: Intl.DateTimeFormat;
  readonly #time: Intl.DateTimeFormat;

  constructor(settings: AlignmentSettings | null) {
    // The server validates both; a browser without the zone's data falls back to UTC rather than failing.
    this.currency = settings?.currency && /^[A-Z]{3}$/.test(settings.currency) ? settings.currency : 'USD';
    this.timeZone = settings?.timeZone && validZone(settings.timeZone) ? settings.timeZone : 'UTC';
    this.#money = new Intl.NumberFormat(undefined, { style: 'currency', currency: this.currency, maximumFractionDigits: 2 });
    this.#dateTime = new Intl.DateTimeFormat(undefined, { timeZone: this.timeZone, dateStyle: 'medium', timeStyle: 'short' });
    this.#date = new Intl.DateTimeFormat(undefined, { timeZone: this.timeZone, dateStyle: 'medium' });
    this.#time = new Intl.DateTimeFormat(undefined, { timeZone: this.timeZone, hour: '2-digit', minute: '2-digit' });
  }

  /** A metric value in its unit: counts with separators, money in the organization's currency, ratios as percentages. */
  value(value: number | null | undefined, unit: Unit): string {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    switch (unit) {
      case 'currency':
        return this.#money.format(value);
      case 'ratio':
        return `${this.#number.format(value * 100)} %`;
      case 'percent':
        return `${this.#number.format(value)} %`;
      default:
        return this.#number.format(value);
    }
  }

  percent(value: number | null | undefined): string {
    return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${this.#number.format(value)} %`;
  }

  dateTime(iso: string | null | undefined): string {
    return iso ? this.#dateTime.format(new Date(iso)) : '—';
  }

  date(iso: string | null | undefined): string {
    return iso ? this.#date.format(new Date(iso)) : '—';
  }

  time(iso: string | null | undefined): string {
    return iso ? this.#time.format(new Date(iso)) : '—';
  }
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
