/** Days in a Gregorian month (1-based month). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Whether a calendar date exists, is not before 1880 and not after `now`.
 *
 * @example
 * isPlausibleBirthDate(1949, 12, 31); // true
 * isPlausibleBirthDate(1990, 2, 30); // false
 */
export function isPlausibleBirthDate(year: number, month: number, day: number, now?: Date): boolean {
  if (year < 1880 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  let y: number;
  let m: number;
  let d: number;
  if (now) {
    y = now.getFullYear();
    m = now.getMonth() + 1;
    d = now.getDate();
  } else {
    refreshToday();
    y = todayYear;
    m = todayMonth;
    d = todayDay;
  }
  if (year !== y) return year < y;
  return month < m || (month === m && day <= d);
}

// Today's local date, recomputed only when the clock leaves the cached day (no Date allocated per call).
let todayFrom = 0;
let todayUntil = -1;
let todayYear = 0;
let todayMonth = 0;
let todayDay = 0;

function refreshToday(): void {
  const t = Date.now();
  if (t >= todayFrom && t < todayUntil) return;
  const now = new Date(t);
  todayYear = now.getFullYear();
  todayMonth = now.getMonth() + 1;
  todayDay = now.getDate();
  todayFrom = new Date(todayYear, todayMonth - 1, todayDay).getTime();
  todayUntil = new Date(todayYear, todayMonth - 1, todayDay + 1).getTime();
}

/** The current local year, without allocating a Date on each call. */
export function currentYear(): number {
  refreshToday();
  return todayYear;
}

/** Reads `len` ASCII digits at `offset` as a number, or -1 when one is not a digit. */
export function readDigits(s: string, offset: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) {
    const d = s.charCodeAt(offset + k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
