/**
 * Address, country, e-mail and phone normalisation for the canonical order, and the stable keys the store uses
 * for fraud velocity lookups (same shipping address, same e-mail, same phone across orders).
 */
import { COUNTRY_ALIASES, ISO_3166_1 } from './countries';
import type { Address } from './types';

/** Lower-case, no diacritics, "&" as "and", "St." as "saint", apostrophes and dots dropped, other punctuation as spaces. */
function simplifyName(input: string): string {
	const words = input
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/['\u2019`.]/g, '')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.split(' ')
		.filter((w) => w !== '')
		.map((w) => (w === 'st' ? 'saint' : w));
	return words.join(' ');
}

const ALPHA2 = new Set<string>();
const ALPHA3_TO_2 = new Map<string, string>();
const NAME_TO_2 = new Map<string, string>();
const NAME_OF = new Map<string, string>();

for (const line of ISO_3166_1.split('\n')) {
	const a2 = line.slice(0, 2);
	const a3 = line.slice(3, 6);
	const name = line.slice(7);
	ALPHA2.add(a2);
	ALPHA3_TO_2.set(a3, a2);
	NAME_TO_2.set(simplifyName(name), a2);
	NAME_OF.set(a2, name);
}
for (const [alias, a2] of Object.entries(COUNTRY_ALIASES)) NAME_TO_2.set(simplifyName(alias), a2);

/** Every ISO 3166-1 alpha-2 code, sorted. */
export const COUNTRY_CODES: readonly string[] = Object.freeze([...ALPHA2].sort());

/** True when `code` is an officially assigned ISO 3166-1 alpha-2 code in upper case ("GB", not "gb" or "UK"). */
export function isCountryCode(code: unknown): code is string {
	return typeof code === 'string' && ALPHA2.has(code);
}

/** Short English name of an alpha-2 code, or null. */
export function countryName(code: string): string | null {
	return NAME_OF.get(code) ?? null;
}

/**
 * ISO 3166-1 alpha-2 code from an alpha-2 code in any case, an alpha-3 code, or a common English (or local)
 * name: "us", "USA", "U.S.A.", "United States", "United Kingdom", "UK", "Deutschland", "Côte d'Ivoire".
 * Null when the input is empty or not recognised.
 */
export function normalizeCountry(input: string | null | undefined): string | null {
	if (typeof input !== 'string') return null;
	const trimmed = input.trim();
	if (trimmed === '') return null;
	const upper = trimmed.toUpperCase();
	if (upper.length === 2 && ALPHA2.has(upper)) return upper;
	if (upper.length === 3) {
		const a2 = ALPHA3_TO_2.get(upper);
		if (a2) return a2;
	}
	const simple = simplifyName(trimmed);
	if (simple === '') return null;
	const found = NAME_TO_2.get(simple);
	if (found) return found;
	if (simple.startsWith('the ')) return NAME_TO_2.get(simple.slice(4)) ?? null;
	return null;
}

function cleanString(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	const s = (typeof value === 'string' ? value : String(value)).replace(/\s+/g, ' ').trim();
	return s === '' ? null : s;
}

const ADDRESS_TEXT_FIELDS = ['name', 'company', 'line1', 'line2', 'city', 'region', 'postalCode'] as const;

/**
 * Trims every field (inner runs of whitespace become one space), turns empty strings into null, normalises the
 * country to alpha-2 and the phone to digits with a leading +. Returns null when every field is empty.
 *
 * When the country cannot be recognised the trimmed input is kept as given (and validateOrder will report it);
 * when it is missing the country is "" (also reported), because Address.country is not nullable.
 */
export function normalizeAddress(input: (Partial<Omit<Address, 'country'>> & { country?: string | null }) | null | undefined): Address | null {
	if (input === null || input === undefined || typeof input !== 'object') return null;
	const out: Address = {
		name: null,
		company: null,
		line1: null,
		line2: null,
		city: null,
		region: null,
		postalCode: null,
		country: '',
		phone: null,
	};
	let any = false;
	for (const field of ADDRESS_TEXT_FIELDS) {
		const v = cleanString(input[field]);
		out[field] = v;
		if (v !== null) any = true;
	}
	const phone = cleanString(input.phone);
	if (phone !== null) {
		any = true;
		out.phone = normalizePhone(phone) ?? phone;
	}
	const country = cleanString(input.country);
	if (country !== null) {
		any = true;
		out.country = normalizeCountry(country) ?? country;
	}
	return any ? out : null;
}

/** Trimmed, lower-cased e-mail address; null when empty or when it has no "@" between two non-empty parts. */
export function normalizeEmail(email: string | null | undefined): string | null {
	if (typeof email !== 'string') return null;
	const e = email.trim().toLowerCase();
	const at = e.lastIndexOf('@');
	if (at <= 0 || at === e.length - 1) return null;
	return e;
}

/**
 * The mailbox an e-mail address delivers to, for velocity checks: normalised, "+tag" removed from the local
 * part, and for Gmail the dots removed and googlemail.com read as gmail.com.
 */
export function emailKey(email: string | null | undefined): string | null {
	const e = normalizeEmail(email);
	if (e === null) return null;
	const at = e.lastIndexOf('@');
	let local = e.slice(0, at);
	let domain = e.slice(at + 1);
	const plus = local.indexOf('+');
	if (plus > 0) local = local.slice(0, plus);
	if (domain === 'googlemail.com') domain = 'gmail.com';
	if (domain === 'gmail.com') local = local.replace(/\./g, '');
	return `${local}@${domain}`;
}

/**
 * Digits with a leading "+" when the number was written in international form ("+1 (613) 555-0100" gives
 * "+16135550100"; "0044 20..." gives "+4420..."). An extension ("x12", "ext. 12") is dropped. Null when there
 * are no digits.
 */
export function normalizePhone(phone: string | null | undefined): string | null {
	if (typeof phone !== 'string') return null;
	let p = phone.trim();
	const ext = /\s*(?:ext\.?|extension|x|#)\s*\d+\s*$/i.exec(p);
	if (ext && ext.index > 0) p = p.slice(0, ext.index);
	const plus = p.startsWith('+');
	const digits = p.replace(/\D+/g, '');
	if (digits === '') return null;
	if (!plus && digits.startsWith('00') && digits.length > 4) return `+${digits.slice(2)}`;
	return plus ? `+${digits}` : digits;
}

/** Street words and unit designators written one way, so "123 Main Street, Apartment 4" keys like "123 main st apt 4". */
const ABBREVIATIONS = new Map<string, string>(Object.entries({
	street: 'st',
	str: 'st',
	avenue: 'ave',
	av: 'ave',
	road: 'rd',
	boulevard: 'blvd',
	drive: 'dr',
	lane: 'ln',
	court: 'ct',
	place: 'pl',
	square: 'sq',
	terrace: 'ter',
	highway: 'hwy',
	parkway: 'pkwy',
	circle: 'cir',
	crescent: 'cres',
	mount: 'mt',
	north: 'n',
	south: 's',
	east: 'e',
	west: 'w',
	northeast: 'ne',
	northwest: 'nw',
	southeast: 'se',
	southwest: 'sw',
	apartment: 'apt',
	unit: 'apt',
	suite: 'apt',
	ste: 'apt',
	flat: 'apt',
	floor: 'fl',
	building: 'bldg',
	'#': 'apt',
	number: 'no',
	nr: 'no',
}));

function keyText(value: string | null | undefined): string {
	if (typeof value !== 'string') return '';
	const words = value
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/#/g, ' # ')
		.replace(/['\u2019`]/g, '')
		.replace(/[^a-z0-9#]+/g, ' ')
		.trim()
		.split(' ')
		.filter((w) => w !== '')
		.map((w) => ABBREVIATIONS.get(w) ?? w);
	const out: string[] = [];
	for (const w of words) if (out[out.length - 1] !== w) out.push(w);
	return out.join(' ');
}

function postalKey(postal: string | null | undefined, country: string): string {
	if (typeof postal !== 'string') return '';
	const p = postal.toLowerCase().replace(/[^a-z0-9]+/g, '');
	// A US ZIP+4 ("12345-6789") is the same delivery area as its five-digit ZIP.
	if (country === 'us' && /^\d{9}$/.test(p)) return p.slice(0, 5);
	return p;
}

/**
 * A stable key for "same shipping address" checks: country, postal code and the street lines, lower-case,
 * without accents and punctuation, whitespace collapsed, and street words and unit designators written one way
 * (street/st, avenue/ave, apartment/suite/unit/#/apt). line1 and line2 are joined, so a channel that puts the
 * apartment in line1 and one that puts it in line2 give the same key. Name, company and city are left out on
 * purpose: they vary for the same doorstep.
 */
export function addressKey(a: Pick<Address, 'country' | 'postalCode' | 'line1' | 'line2'>): string {
	const country = (normalizeCountry(a.country) ?? keyText(a.country)).toLowerCase();
	const street = keyText([a.line1, a.line2].filter((s) => typeof s === 'string' && s.trim() !== '').join(' '));
	return `${country}|${postalKey(a.postalCode, country)}|${street}`;
}
