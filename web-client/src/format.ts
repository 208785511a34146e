// Number and label formatting shared by the goal cards and the feed. DOM-free.

import type { GoalKind, GoalStatus } from './live';

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
// Money in the organization's currency (its settings; the board's snapshot carries it), US dollars
// until the first snapshot says otherwise.
let moneyWhole = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
let moneyCents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
let zone = 'UTC';

/** Formats money in this currency and dates in this time zone from now on; false when nothing changed. */
export function setOrganizationLocale(currency: string | null | undefined, timeZone: string | null | undefined): boolean {
  let changed = false;
  if (currency && /^[A-Z]{3}$/.test(currency) && moneyWhole.resolvedOptions().currency !== currency) {
    try {
      moneyWhole = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
      moneyCents = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
      changed = true;
    } catch {
      // A currency this browser does not know: keep the one we have.
    }
  }
  if (timeZone && timeZone !== zone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      zone = timeZone;
      changed = true;
    } catch {
      // A zone this browser does not know: keep the one we have.
    }
  }
  return changed;
}

/** The organization's time zone, for the board's dates. */
export function organizationTimeZone(): string {
  return zone;
}

const ratioFormat = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const pointsFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const NO_DATA = 'No data';
export const NO_PERCENT = '—';

export function formatNumber(value: number): string {
  return Number.isFinite(value) ? countFormat.format(value) : '–';
}

/** Percent rounded to one decimal, as shown on the card and in data-percent. */
export function formatPercent(percent: number): string {
  return (Number.isFinite(percent) ? percent : 0).toFixed(1);
}

/**
 * A metric value in its unit: money in the organization's currency, whole from 100 up (cents
 * below), a ratio (0.0345) as a percent with one decimal ("3.5%"), a percent
 * unit (already in points) with one decimal, anything else as a plain count.
 */
export function formatValue(value: number | null | undefined, unit: string | undefined): string {
  if (value === null || value === undefined) return NO_DATA;
  if (!Number.isFinite(value)) return '–';
  switch (unit) {
    case 'currency':
      return (Math.abs(value) >= 100 ? moneyWhole : moneyCents).format(value);
    case 'ratio':
      return ratioFormat.format(value);
    case 'percent':
      return `${pointsFormat.format(value)}%`;
    default:
      return countFormat.format(value);
  }
}

/** How the target reads for each kind: a level to reach, or a bound to respect. */
export function formatTarget(kind: GoalKind | undefined, target: number, unit: string | undefined): string {
  const value = formatValue(target, unit);
  switch (kind) {
    case 'decreaseTo':
    case 'stayBelow':
      return `≤ ${value}`;
    case 'stayAbove':
      return `≥ ${value}`;
    default:
      return value;
  }
}

export const STATUS_LABELS: Readonly<Record<GoalStatus, string>> = {
  notStarted: 'Not started',
  onTrack: 'On track',
  atRisk: 'At risk',
  offTrack: 'Off track',
  achieved: 'Achieved',
  missed: 'Missed',
  noData: 'No data',
};

export function statusLabel(status: string | undefined): string | null {
  return status ? ((STATUS_LABELS as Record<string, string>)[status] ?? null) : null;
}

const REASON_LABELS: Readonly<Record<string, string>> = {
  at_risk: 'At risk',
  off_track: 'Off track',
  trend_down: 'Trend falling',
  confidence_mismatch: 'Confidence mismatch',
  sales_feedback: 'Sales feedback',
};

/** An alert's reason in words; unknown reasons are shown readably rather than dropped. */
export function reasonLabel(reason: string | null | undefined): string {
  if (!reason) return 'Alert';
  const known = REASON_LABELS[reason];
  if (known) return known;
  const words = reason.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Alert';
}

/** A department id shown when its name has not arrived (yet). */
export function departmentLabel(id: string, names: ReadonlyMap<string, string>): string {
  return names.get(id) ?? (id ? id.charAt(0).toUpperCase() + id.slice(1) : id);
}
