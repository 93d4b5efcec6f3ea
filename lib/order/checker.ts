/**
 * The hand-written checks of the canonical documents (the order, lib/order/validate.ts; the return,
 * lib/returns/validate.ts): a Checker collects every problem of one document, each with its JSON path and a message
 * a person understands. No dependencies beyond lib/order, no allocation-heavy work: it runs on every item.
 */
import { isCountryCode, normalizeCountry } from './address';
import { fromMinor, toMinor } from './money';
import type { ValidationProblem } from './types';

export type Obj = Record<string, unknown>;

/** ISO 8601 in UTC: 2026-05-01T14:00:00Z or with a fraction of a second (same as the schema's pattern). */
export const TIMESTAMP = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$/;
export const CHANNEL = /^[a-z][a-z0-9_-]*$/;
export const EMAIL = /^[^\s@]+@[^\s@]+$/;

const ADDRESS_FIELDS = ['name', 'company', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone'];
const ADDRESS_NULLABLE = ADDRESS_FIELDS.filter((f) => f !== 'country');

/** A short, readable rendering of a value for messages. */
export function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
	if (typeof value === 'string') {
		const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
		return JSON.stringify(s);
	}
	if (Array.isArray(value)) return `an array of ${value.length}`;
	if (typeof value === 'object' && value !== null) return 'an object';
	return String(value);
}

export function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRealDate(ts: string): boolean {
	const year = Number(ts.slice(0, 4));
	const month = Number(ts.slice(5, 7));
	const day = Number(ts.slice(8, 10));
	const d = new Date(Date.UTC(year, month - 1, day));
	return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function key(path: string, name: string): string {
	return `${path}.${name}`;
}

/** Collects the problems of one document (see the file's comment). */
export class Checker {
	readonly problems: ValidationProblem[] = [];
	/** Minor-unit decimals of the order's currency, or null when the currency is invalid. */
	decimals: number | null = null;
	currency = '';

	add(path: string, message: string): void {
		this.problems.push({ path, message });
	}

	/** Reports missing required fields (hinting null for the nullable ones) and fields not in `known` (strict objects). */
	fields(path: string, obj: Obj, required: readonly string[], known: readonly string[] | null, what: string, nullable: readonly string[] = []): void {
		for (const f of required) {
			if (obj[f] === undefined) this.add(key(path, f), nullable.includes(f) ? 'is required (use null when there is none)' : 'is required');
		}
		if (known) {
			for (const f of Object.keys(obj)) {
				if (!known.includes(f)) this.add(key(path, f), `is not a field of ${what} (allowed: ${known.join(', ')})`);
			}
		}
	}

	object(path: string, v: unknown, what: string): v is Obj {
		if (isObj(v)) return true;
		this.add(path, `must be ${what}, got ${v === null ? 'null' : show(v)}`);
		return false;
	}

	/** Required non-null string (undefined is reported by fields()). */
	string(path: string, v: unknown, opts: { nonEmpty?: boolean } = {}): v is string {
		if (v === undefined) return false;
		if (typeof v !== 'string') {
			this.add(path, `must be a string, got ${v === null ? 'null' : show(v)}`);
			return false;
		}
		if (opts.nonEmpty && v.length === 0) {
			this.add(path, 'must not be empty');
			return false;
		}
		return true;
	}

	stringOrNull(path: string, v: unknown): void {
		if (v === undefined || v === null || typeof v === 'string') return;
		this.add(path, `must be a string or null, got ${show(v)}`);
	}

	timestamp(path: string, v: unknown, nullable = false): void {
		if (v === undefined) return;
		if (v === null && nullable) return;
		if (typeof v !== 'string' || !TIMESTAMP.test(v)) {
			this.add(path, `must be an ISO 8601 timestamp in UTC such as "2026-05-01T14:00:00Z"${nullable ? ' or null' : ''}, got ${v === null ? 'null' : show(v)}`);
			return;
		}
		if (!isRealDate(v)) this.add(path, `must be a real calendar date, got ${show(v)}`);
	}

	oneOf(path: string, v: unknown, allowed: readonly string[]): void {
		if (v === undefined) return;
		if (typeof v !== 'string' || !allowed.includes(v)) {
			this.add(path, `must be one of ${allowed.join(' | ')}, got ${v === null ? 'null' : show(v)}`);
		}
	}

	number(path: string, v: unknown, nullable = false): void {
		if (v === undefined || (nullable && v === null)) return;
		if (typeof v !== 'number' || !Number.isFinite(v)) {
			this.add(path, `must be a finite number${nullable ? ' or null' : ''}, got ${v === null ? 'null' : show(v)}`);
		}
	}

	integer(path: string, v: unknown, min: number): void {
		if (v === undefined) return;
		if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
			const what = min === 1 ? 'a positive integer' : min === 0 ? 'a whole number, 0 or more' : `an integer, at least ${min}`;
			this.add(path, `must be ${what}, got ${v === null ? 'null' : show(v)}`);
		}
	}

	/** A money amount: finite, not negative, no more decimals than the currency allows. Returns minor units. */
	money(path: string, v: unknown): number | null {
		if (v === undefined) return null;
		if (typeof v !== 'number' || !Number.isFinite(v)) {
			this.add(path, `must be an amount (a finite number in major units), got ${v === null ? 'null' : show(v)}`);
			return null;
		}
		if (v < 0) {
			this.add(path, `must not be negative, got ${show(v)}`);
			return null;
		}
		if (this.decimals === null) return null;
		let minor: number;
		try {
			minor = toMinor(v, this.currency);
		} catch {
			this.add(path, `is too large to be handled exactly, got ${show(v)}`);
			return null;
		}
		if (fromMinor(minor, this.currency) !== v) {
			this.add(
				path,
				this.decimals === 0
					? `must be a whole amount: ${this.currency} has no minor unit, got ${show(v)}`
					: `must have at most ${this.decimals} decimal${this.decimals === 1 ? '' : 's'} for ${this.currency}, got ${show(v)}`,
			);
			return null;
		}
		return minor;
	}

	address(path: string, v: unknown): void {
		if (v === undefined || v === null) return;
		if (!this.object(path, v, 'an address object or null')) return;
		this.fields(path, v, ADDRESS_FIELDS, ADDRESS_FIELDS, 'an address', ADDRESS_NULLABLE);
		for (const f of ADDRESS_FIELDS) if (f !== 'country') this.stringOrNull(key(path, f), v[f]);
		const country = v.country;
		if (country !== undefined && !isCountryCode(country)) {
			const guess = typeof country === 'string' ? normalizeCountry(country) : null;
			this.add(
				key(path, 'country'),
				`must be an ISO 3166-1 alpha-2 country code in upper case such as "US", got ${country === null ? 'null' : show(country)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
			);
		}
	}
}
