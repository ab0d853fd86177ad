import ipaddr from 'ipaddr.js';
import semver from 'semver';

// How constraints read numbers, dates, versions and addresses, from what is
// written in a rule and from a context's attributes alike.

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// ISO 8601 calendar dates, with an optional time and zone; a time without a zone is UTC.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** A number from a numeric attribute or string; `undefined` for anything else (an empty string included). */
export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMBER.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Epoch milliseconds from a Date, epoch milliseconds, or an ISO 8601 string (no zone: UTC). */
export function parseDate(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match || !isCalendarDate(value)) return undefined;
  const text = value.replace(' ', 'T');
  const time = Date.parse(value.length > 10 && !match[1] ? `${text}Z` : text);
  return Number.isNaN(time) ? undefined : time;
}

// Date.parse rolls 2024-02-30 over to March 1st and reads 24:00 as midnight:
// a date a person could not have meant is not a date.
function isCalendarDate(value: string): boolean {
  const [year, month, day] = [0, 5, 8].map((at) => Number(value.slice(at, at + (at === 0 ? 4 : 2)))) as [
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (value.length <= 10) return true;
  const [hour, minute] = [11, 14].map((at) => Number(value.slice(at, at + 2))) as [number, number];
  const second = value.length >= 19 ? Number(value.slice(17, 19)) : 0;
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** A SemVer 2.0.0 version (no leading `v` or `=`), or `undefined`. */
export function parseVersion(value: unknown): semver.SemVer | undefined {
  if (typeof value !== 'string' || !/^\d/.test(value)) return undefined;
  // Parsing costs a microsecond and an app has few versions: each is parsed
  // once (bounded: the memory is emptied when it is full).
  let parsed = versions.get(value);
  if (parsed === undefined) {
    parsed = semver.parse(value);
    if (versions.size >= MAX_VERSIONS) versions.clear();
    versions.set(value, parsed);
  }
  return parsed ?? undefined;
}

const versions = new Map<string, semver.SemVer | null>();
const MAX_VERSIONS = 4096;

/** An address range: an IPv4 or IPv6 CIDR, or a single address; `undefined` when it does not parse. */
export function parseRange(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const slash = value.indexOf('/');
  const address = parseAddress(slash < 0 ? value : value.slice(0, slash), false);
  if (!address) return undefined;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return [address, max];
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return [address, Number(bits)];
}

/** An IPv4 address in four decimal parts or an IPv6 address; an IPv4-mapped IPv6 address as IPv4 when `unmap`. */
export function parseAddress(value: string, unmap: boolean): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (!ipaddr.IPv6.isValid(value)) return undefined;
  const address = ipaddr.IPv6.parse(value);
  return unmap && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}
