// Numbers, sizes and dates as people read them.

// A process started without a language (LANG unset, as under a bare X server) gets the POSIX
// locale, which groups no digits; show those numbers the en-US way instead.
const systemLocale = new Intl.NumberFormat().resolvedOptions().locale;
const locale = /posix/i.test(systemLocale) ? 'en-US' : undefined;
const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
// Days are shown the way the system writes them ("Mar 1, 2024", "1 Mar 2024"); files and
// file names keep ISO dates. A day is a calendar day, so it is formatted in UTC, unshifted.
const calendarDay = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

export function count(n: number): string {
  return integer.format(n);
}

/** "1 hit" / "3,000 hits". */
export function plural(n: number, one: string, many: string): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${count(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const WORKBOOKS: Record<string, string> = {
  xlsx: 'Excel workbook',
  xls: 'Excel 97-2003 workbook',
  ods: 'OpenDocument spreadsheet',
};

/** How a file was read, after its format: "UTF-8", "UTF-16LE · gzip", or "Excel workbook" (whose text has no encoding of its own). */
export function container(encoding: string | null, compression: string | null): string {
  if (compression && compression in WORKBOOKS) return WORKBOOKS[compression];
  return [encoding ?? '', compression].filter(Boolean).join(' · ');
}

/** A UTC millisecond timestamp as its UTC day, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** An ISO day (`2024-03-01`) as the system writes days, "Mar 1, 2024"; anything else as it is. */
export function day(iso: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : null;
  return date && !Number.isNaN(date.getTime()) ? calendarDay.format(date) : iso;
}

/** "Mar 1, 2024 – Mar 31, 2024", one day when both ends fall on it, "—" when unknown. */
export function dayRange(first: string | null, last: string | null): string {
  if (first === null || last === null) return '—';
  return first === last ? day(first) : `${day(first)} – ${day(last)}`;
}

export function msRange(first: number | null, last: number | null): string {
  return dayRange(first === null ? null : utcDay(first), last === null ? null : utcDay(last));
}

/** A fraction as a percentage, "42.1 %"; "—" when not defined. */
export function percent(x: number | null, digits = 1): string {
  return x === null ? '—' : `${(x * 100).toFixed(digits)} %`;
}

/** Seconds as "14 min 55 s", "42 s"; "—" when not defined. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A relative change, "+12.5 %" / "−3.0 %". */
export function change(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;
}

/** A change in points of a fraction, "+2.1 pt". */
export function points(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pt`;
}

/** Sessions per click as "79" (per 100 clicks); "—" when not defined. */
export function per100(ratio: number | null): string {
  return ratio === null ? '—' : count(Math.round(ratio * 100));
}

/** A change of sessions per click in sessions per 100 clicks, "+3" / "−12". */
export function per100Change(x: number): string {
  return signedCount(Math.round(x * 100));
}

/** A signed count, "+12" / "−3". */
export function signedCount(n: number): string {
  return `${n >= 0 ? '+' : '−'}${count(Math.abs(n))}`;
}

/** `text` cut after `max` characters, with an ellipsis where it was cut. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What a file holds, in words: `traffic`, `ads` or `report`. */
export function kindName(kind: string): string {
  return ({ traffic: 'traffic', ads: 'ad data', report: 'analytics report' } as Record<string, string>)[kind] ?? kind;
}

/** An imported file's rows in the words of its kind: "3,000 hits", "31 ad rows", "12 reported-session rows". */
export function kindRows(kind: string, n: number): string {
  if (kind === 'traffic') return plural(n, 'hit', 'hits');
  if (kind === 'report') return plural(n, 'reported-session row', 'reported-session rows');
  return plural(n, 'ad row', 'ad rows');
}

/** The kinds of file in the order the UI lists them, each with the title of its group of formats. */
export const FORMAT_GROUPS = [
  { kind: 'traffic', title: 'Website traffic' },
  { kind: 'ads', title: 'Ad platforms' },
  { kind: 'report', title: 'Analytics reports' },
] as const;
