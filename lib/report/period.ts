/**
 * Report periods in a time zone (luxon): today, yesterday, the last N whole days, this or last ISO week or month,
 * or a custom range; and the previous period of the same length for comparisons.
 *
 * A period is a half-open UTC interval [from, to): `from` and `to` are instants, so a day in America/Los_Angeles
 * is 07:00Z to 07:00Z (08:00Z in winter) and a DST day is 23 or 25 hours long. "This week/month" and "today" run
 * to the clock's now; the others are whole days.
 */
import { DateTime, IANAZone } from 'luxon';

export const PERIOD_PRESETS = ['today', 'yesterday', 'lastNDays', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface PeriodInput {
	preset: PeriodPreset;
	/** IANA zone, e.g. America/Los_Angeles; default UTC */
	timeZone?: string;
	/** lastNDays: how many whole days before today (today is not included) */
	days?: number;
	/** custom: a date (YYYY-MM-DD, from the start of that day) or an ISO date-time, read in the time zone */
	from?: string;
	/** custom: a date (through the end of that day, inclusive) or an ISO date-time (exclusive) */
	to?: string;
}

export interface Period {
	/** ISO UTC, inclusive */
	from: string;
	/** ISO UTC, exclusive */
	to: string;
	timeZone: string;
	/** Human words: "yesterday (2026-05-01)", "last 7 days (2026-04-24 – 2026-04-30)" */
	label: string;
	/** The local dates the period touches, first and last (YYYY-MM-DD) */
	firstDay: string;
	lastDay: string;
}

export class PeriodError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PeriodError';
	}
}

export function checkTimeZone(timeZone: string | undefined): string {
	if (timeZone !== undefined && timeZone !== null && typeof timeZone !== 'string') {
		throw new PeriodError(`The time zone must be an IANA name such as America/Los_Angeles or UTC, not ${describeValue(timeZone)}`);
	}
	const tz = (timeZone ?? '').trim() || 'UTC';
	if (!IANAZone.isValidZone(tz)) throw new PeriodError(`Unknown time zone "${tz}": use an IANA name such as America/Los_Angeles or UTC`);
	return tz;
}

function make(from: DateTime, to: DateTime, tz: string, words: string): Period {
	if (!(to > from)) throw new PeriodError(`The period is empty: ${from.toISO()} is not before ${to.toISO()}`);
	const firstDay = from.setZone(tz).toISODate()!;
	const lastDay = to.setZone(tz).minus({ milliseconds: 1 }).toISODate()!;
	const span = firstDay === lastDay ? firstDay : `${firstDay} – ${lastDay}`;
	return {
		from: from.toUTC().toISO()!,
		to: to.toUTC().toISO()!,
		timeZone: tz,
		label: `${words} (${span})`,
		firstDay,
		lastDay,
	};
}

/** A value a user gave, in a few words, for an error message */
export function describeValue(v: unknown): string {
	if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
	if (Array.isArray(v)) return 'a list';
	if (v === null) return 'null';
	if (typeof v === 'object') return 'an object';
	return String(v);
}

function parseBound(text: string, tz: string, end: boolean): DateTime {
	if (typeof text !== 'string') throw new PeriodError(`"${end ? 'To' : 'From'}" must be a date (YYYY-MM-DD) or an ISO 8601 date-time, not ${describeValue(text)}`);
	const t = text.trim();
	if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
		const d = DateTime.fromISO(t, { zone: tz });
		if (!d.isValid) throw new PeriodError(`Not a valid date: "${text}"`);
		return end ? d.plus({ days: 1 }) : d;
	}
	const d = DateTime.fromISO(t, { zone: tz, setZone: false });
	if (!d.isValid) throw new PeriodError(`Not a valid date or date-time: "${text}" (use YYYY-MM-DD or ISO 8601)`);
	return d;
}

/** The period `input` names, as of `now`. */
export function resolvePeriod(input: PeriodInput, now: Date): Period {
	if (typeof input !== 'object' || input === null) throw new PeriodError(`A period must name a preset (${PERIOD_PRESETS.join(', ')}), not ${describeValue(input)}`);
	const tz = checkTimeZone(input.timeZone);
	const n = DateTime.fromJSDate(now, { zone: tz });
	const today = n.startOf('day');
	switch (input.preset) {
		case 'today':
			return make(today, n > today ? n : today.plus({ milliseconds: 1 }), tz, 'today');
		case 'yesterday':
			return make(today.minus({ days: 1 }), today, tz, 'yesterday');
		case 'lastNDays': {
			const days = Number(input.days ?? 7);
			if (!Number.isInteger(days) || days < 1 || days > 3660) throw new PeriodError(`"Last N days" needs a whole number of days from 1 to 3660, not ${String(input.days)}`);
			return make(today.minus({ days }), today, tz, `last ${days} day${days === 1 ? '' : 's'}`);
		}
		case 'thisWeek': {
			const start = n.startOf('week');
			return make(start, n > start ? n : start.plus({ milliseconds: 1 }), tz, 'this week');
		}
		case 'lastWeek': {
			const start = n.startOf('week');
			return make(start.minus({ weeks: 1 }), start, tz, 'last week');
		}
		case 'thisMonth': {
			const start = n.startOf('month');
			return make(start, n > start ? n : start.plus({ milliseconds: 1 }), tz, 'this month');
		}
		case 'lastMonth': {
			const start = n.startOf('month');
			return make(start.minus({ months: 1 }), start, tz, 'last month');
		}
		case 'custom': {
			if (!input.from || !input.to) throw new PeriodError('A custom period needs both "From" and "To"');
			return make(parseBound(input.from, tz, false), parseBound(input.to, tz, true), tz, 'custom period');
		}
		default:
			throw new PeriodError(`Unknown period "${String(input.preset)}": use one of ${PERIOD_PRESETS.join(', ')}`);
	}
}

/**
 * The previous period of the same length, ending where `p` starts. Whole local days shift by the same number of
 * calendar days (so a DST week compares with the week before it, not with a 168-hour window); a period that ends
 * mid-day ("today", "this week" so far) shifts by its exact length.
 */
export function previousPeriod(p: Period): Period {
	const tz = p.timeZone;
	const from = DateTime.fromISO(p.from, { zone: tz });
	const to = DateTime.fromISO(p.to, { zone: tz });
	const days = to.diff(from, 'days').days;
	const wholeDays = from.equals(from.startOf('day')) && to.equals(to.startOf('day')) && Number.isInteger(Math.round(days * 1e9) / 1e9);
	const prevFrom = wholeDays ? from.minus({ days: Math.round(days) }) : from.minus({ milliseconds: to.toMillis() - from.toMillis() });
	return make(prevFrom, from, tz, 'previous period');
}
