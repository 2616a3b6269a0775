// @ts-check
/** Numbers and times in the reader's locale. */

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/**
 * @param {string} key
 * @param {Intl.NumberFormatOptions} options
 */
function numberFormat(key, options) {
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(undefined, options);
    formats.set(key, format);
  }
  return format;
}

/** A price: cents for large values, more digits as the value gets small. @param {number} value */
export function formatRate(value) {
  if (value >= 100) return numberFormat('big', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  if (value >= 1) return numberFormat('mid', { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(value);
  return numberFormat('small', { minimumSignificantDigits: 4, maximumSignificantDigits: 4 }).format(value);
}

/** A signed percentage such as +0.12 %. @param {number} percent @param {number} [digits] */
export function formatPercent(percent, digits = 2) {
  const options = { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero' };
  return `${numberFormat(`pct${digits}`, /** @type {Intl.NumberFormatOptions} */ (options)).format(percent)}%`;
}

/** @param {number} count */
export function formatCount(count) {
  return numberFormat('count', { maximumFractionDigits: 0 }).format(count);
}

/** How long ago, coarsely. @param {number} ms */
export function formatAge(ms) {
  if (ms < 1500) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  return `${Math.floor(ms / 3_600_000)} h ago`;
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const shortClock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** @param {number} time @param {boolean} [seconds] */
export function formatClock(time, seconds = true) {
  return (seconds ? clock : shortClock).format(time);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** When an event was published, read from its id if that is a ULID (this hub's ids are); else undefined. @param {string} id */
export function ulidTime(id) {
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id)) return undefined;
  let time = 0;
  for (const c of id.slice(0, 10)) time = time * 32 + CROCKFORD.indexOf(c);
  return time;
}
