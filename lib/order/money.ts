/**
 * Money in the canonical order: amounts are JSON numbers in major units, rounded to the currency's minor unit,
 * and every sum is done in integer minor units so that 0.1 + 0.2 is 0.3 and KWD keeps its three decimals.
 *
 * Decimal strings ("19.99") are parsed digit by digit, never through float multiplication. Numbers are first
 * turned into their shortest round-trip decimal text (what JavaScript prints for them), so 1.005 means the
 * decimal 1.005 the author wrote, not the binary 1.00499999999999989... it is stored as.
 */

/**
 * ISO 4217 minor units (list one, active codes, including funds codes). Codes not listed here but well formed
 * get 2 from minorUnits(); isValidCurrency() says false for them. Metals and codes without minor units (XAU,
 * XDR, XXX...) are deliberately absent: an order is never priced in them.
 */
const MINOR_UNITS_EXCEPTIONS: Record<string, number> = {
	// zero decimals
	BIF: 0,
	CLP: 0,
	DJF: 0,
	GNF: 0,
	ISK: 0,
	JPY: 0,
	KMF: 0,
	KRW: 0,
	PYG: 0,
	RWF: 0,
	UGX: 0,
	UYI: 0,
	VND: 0,
	VUV: 0,
	XAF: 0,
	XOF: 0,
	XPF: 0,
	// three decimals
	BHD: 3,
	IQD: 3,
	JOD: 3,
	KWD: 3,
	LYD: 3,
	OMR: 3,
	TND: 3,
	// four decimals (units of account)
	CLF: 4,
	UYW: 4,
};

const TWO_DECIMALS = (
	'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF ' +
	'CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ ' +
	'GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK ' +
	'MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB ' +
	'SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD ' +
	'USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL'
).split(' ');

const MINOR_UNITS = new Map<string, number>();
for (const code of TWO_DECIMALS) MINOR_UNITS.set(code, 2);
for (const [code, units] of Object.entries(MINOR_UNITS_EXCEPTIONS)) MINOR_UNITS.set(code, units);

/** Every active ISO 4217 code this module knows, sorted. */
export const CURRENCY_CODES: readonly string[] = Object.freeze([...MINOR_UNITS.keys()].sort());

const CODE_SHAPE = /^[A-Za-z]{3}$/;

/** True when `code` is an active ISO 4217 code written in upper case, e.g. "USD" (not "usd", not "US$"). */
export function isValidCurrency(code: string): boolean {
	return typeof code === 'string' && MINOR_UNITS.has(code) && code === code.toUpperCase();
}

/**
 * Number of decimals of the currency's minor unit: JPY 0, USD 2, KWD 3. A well-formed code that is not in the
 * table gets 2. Throws for anything that is not three letters.
 */
export function minorUnits(currency: string): number {
	if (typeof currency !== 'string' || !CODE_SHAPE.test(currency)) {
		throw new Error(`Invalid currency code ${JSON.stringify(currency)}: expected three letters (ISO 4217, e.g. "USD")`);
	}
	return MINOR_UNITS.get(currency.toUpperCase()) ?? 2;
}

const POW10 = [1, 10, 100, 1000, 10000];

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Turns a decimal text into integer minor units with `decimals` places, rounding half away from zero.
 * Works on the digits, so "19.99" is exactly 1999 and "1.005" (2 places) is exactly 101.
 */
function decimalTextToMinor(text: string, decimals: number, original: unknown): number {
	const m = DECIMAL.exec(text);
	if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
		throw new Error(`Invalid amount ${JSON.stringify(original)}: expected a decimal number such as "19.99"`);
	}
	const negative = m[1] === '-';
	let intDigits = m[2];
	let fracDigits = m[3] ?? '';
	const exponent = m[4] === undefined ? 0 : Number(m[4]);
	if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) {
		throw new Error(`Invalid amount ${JSON.stringify(original)}: exponent out of range`);
	}
	// Apply the exponent by moving the decimal point.
	if (exponent > 0) {
		const moved = fracDigits.padEnd(exponent, '0');
		intDigits += moved.slice(0, exponent);
		fracDigits = moved.slice(exponent);
	} else if (exponent < 0) {
		const shift = -exponent;
		const padded = intDigits.padStart(shift, '0');
		fracDigits = padded.slice(padded.length - shift) + fracDigits;
		intDigits = padded.slice(0, padded.length - shift);
	}
	const kept = fracDigits.slice(0, decimals).padEnd(decimals, '0');
	const rest = fracDigits.slice(decimals);
	const digits = (intDigits + kept).replace(/^0+(?=\d)/, '') || '0';
	let big = BigInt(digits);
	// Half away from zero: the magnitude goes up when the first dropped digit is 5 or more.
	if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) big += 1n;
	if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new Error(`Amount ${JSON.stringify(original)} is too large to be handled exactly`);
	}
	const minor = Number(big);
	return negative && minor !== 0 ? -minor : minor;
}

/**
 * Major units (number or decimal string) to integer minor units of `currency`, rounding half away from zero:
 * toMinor("19.99", "USD") === 1999, toMinor(1.005, "USD") === 101, toMinor("1.0005", "KWD") === 1001.
 * Throws for a non-finite number, a string that is not a decimal, or a malformed currency code.
 */
export function toMinor(amount: number | string, currency: string): number {
	const decimals = minorUnits(currency);
	if (typeof amount === 'number') {
		if (!Number.isFinite(amount)) {
			throw new Error(`Invalid amount ${String(amount)}: expected a finite number`);
		}
		// Fast path: when r / 10^d reads back as the same double, the number already is the decimal r / 10^d.
		const scale = POW10[decimals] ?? 10 ** decimals;
		const abs = Math.abs(amount);
		const r = Math.round(abs * scale);
		if (r <= Number.MAX_SAFE_INTEGER && r / scale === abs) return amount < 0 && r !== 0 ? -r : r;
		// Otherwise (more decimals than the currency has): String(n) is the shortest text that reads back as the
		// same double, the decimal the author meant; round that half away from zero.
		return decimalTextToMinor(String(amount), decimals, amount);
	}
	if (typeof amount === 'string') {
		return decimalTextToMinor(amount.trim(), decimals, amount);
	}
	throw new Error(`Invalid amount ${JSON.stringify(amount)}: expected a number or a decimal string`);
}

/** Integer minor units back to major units: fromMinor(1999, "USD") === 19.99, fromMinor(500, "JPY") === 500. */
export function fromMinor(minor: number, currency: string): number {
	const decimals = minorUnits(currency);
	if (!Number.isSafeInteger(minor)) {
		throw new Error(`Invalid minor-unit amount ${String(minor)}: expected a safe integer`);
	}
	// Division is correctly rounded, so 1999 / 100 is the same double as the literal 19.99. `+ 0` drops -0.
	return minor / 10 ** decimals + 0;
}

/** Integer minor units as the decimal text an API takes: minorText(1999, "USD") === "19.99", minorText(500, "JPY") === "500". */
export function minorText(minor: number, currency: string): string {
	return fromMinor(minor, currency).toFixed(minorUnits(currency));
}

/** Major units rounded to the currency's minor unit, half away from zero: roundMoney(2.675, "USD") === 2.68. */
export function roundMoney(amount: number | string, currency: string): number {
	return fromMinor(toMinor(amount, currency), currency);
}

/** Sum done in integer minor units, returned in major units: sumMoney([0.1, 0.2], "USD") === 0.3. */
export function sumMoney(amounts: Array<number | string>, currency: string): number {
	let total = 0;
	for (const a of amounts) total += toMinor(a, currency);
	if (!Number.isSafeInteger(total)) throw new Error('Sum is too large to be handled exactly');
	return fromMinor(total, currency);
}
