// Wall times in a time zone for datetime-local inputs: a person types a time on the organization's
// clock (its settings' time zone), the API takes and gives ISO instants. One implementation for every form.

const partsCache = new Map<string, Intl.DateTimeFormat>();

function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** The wall time at `ms` in the zone, as if it were UTC (milliseconds). */
function wallAsUtc(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(wallFormat(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
}

/** An instant as the value of a datetime-local input, read in the organization's time zone. */
export function toWallTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  return new Date(wallAsUtc(ms, timeZone)).toISOString().slice(0, 16);
}

/** A datetime-local input's value, meant in the organization's time zone, as an ISO instant (null when empty). */
export function fromWallTime(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const first = wallAsUtc(guess, timeZone) - guess;
  let at = guess - first;
  const second = wallAsUtc(at, timeZone) - at;
  if (second !== first) at = guess - second;
  return new Date(at).toISOString();
}
