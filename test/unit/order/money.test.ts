import { CURRENCY_CODES, fromMinor, isValidCurrency, minorUnits, roundMoney, sumMoney, toMinor } from '../../../lib/order/money';

describe('minorUnits', () => {
	it('knows zero, two, three and four decimal currencies', () => {
		expect(minorUnits('JPY')).toBe(0);
		expect(minorUnits('KRW')).toBe(0);
		expect(minorUnits('VND')).toBe(0);
		expect(minorUnits('CLP')).toBe(0);
		expect(minorUnits('ISK')).toBe(0);
		expect(minorUnits('USD')).toBe(2);
		expect(minorUnits('EUR')).toBe(2);
		for (const c of ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']) expect(minorUnits(c)).toBe(3);
		expect(minorUnits('CLF')).toBe(4);
	});
	it('accepts any case and defaults to 2 for a well-formed unknown code', () => {
		expect(minorUnits('jpy')).toBe(0);
		expect(minorUnits('ABC')).toBe(2);
	});
	it('throws a clear error for a malformed code', () => {
		expect(() => minorUnits('US')).toThrow(/three letters/);
		expect(() => minorUnits('US$')).toThrow(/"US\$"/);
		expect(() => minorUnits('')).toThrow(Error);
	});
});

describe('isValidCurrency', () => {
	it('accepts active upper-case codes only', () => {
		expect(isValidCurrency('USD')).toBe(true);
		expect(isValidCurrency('KWD')).toBe(true);
		expect(isValidCurrency('usd')).toBe(false);
		expect(isValidCurrency('ABC')).toBe(false);
		expect(isValidCurrency('XAU')).toBe(false);
		expect(isValidCurrency('US')).toBe(false);
		expect(isValidCurrency(42 as unknown as string)).toBe(false);
		expect(CURRENCY_CODES.length).toBeGreaterThan(150);
	});
});

describe('toMinor', () => {
	it('parses decimal strings exactly', () => {
		expect(toMinor('19.99', 'USD')).toBe(1999);
		expect(toMinor('0.29', 'USD')).toBe(29);
		expect(toMinor('1.005', 'KWD')).toBe(1005);
		expect(toMinor('  12 ', 'USD')).toBe(1200);
		expect(toMinor('.5', 'USD')).toBe(50);
		expect(toMinor('5.', 'USD')).toBe(500);
		expect(toMinor('+3.10', 'USD')).toBe(310);
		expect(toMinor('-0.001', 'USD')).toBe(0);
		expect(Object.is(toMinor('-0.001', 'USD'), 0)).toBe(true);
		expect(toMinor('1.5e2', 'USD')).toBe(15000);
		expect(toMinor('1234567890123.45', 'USD')).toBe(123456789012345);
	});
	it('takes numbers as the decimal they print as', () => {
		expect(toMinor(19.99, 'USD')).toBe(1999);
		expect(toMinor(0.29, 'USD')).toBe(29);
		expect(toMinor(1.005, 'USD')).toBe(101);
		expect(toMinor(1e-7, 'USD')).toBe(0);
		expect(toMinor(500, 'JPY')).toBe(500);
	});
	it('rounds half away from zero', () => {
		expect(toMinor('2.675', 'USD')).toBe(268);
		expect(toMinor('-2.675', 'USD')).toBe(-268);
		expect(toMinor('2.674999', 'USD')).toBe(267);
		expect(toMinor('0.5', 'JPY')).toBe(1);
		expect(toMinor('-0.5', 'JPY')).toBe(-1);
		expect(toMinor('1.0005', 'KWD')).toBe(1001);
		expect(toMinor(2.5, 'JPY')).toBe(3);
	});
	it('rejects what is not an amount', () => {
		expect(() => toMinor('1,000.00', 'USD')).toThrow(/decimal number/);
		expect(() => toMinor('abc', 'USD')).toThrow(/"abc"/);
		expect(() => toMinor('', 'USD')).toThrow();
		expect(() => toMinor('.', 'USD')).toThrow();
		expect(() => toMinor(NaN, 'USD')).toThrow(/finite/);
		expect(() => toMinor(Infinity, 'USD')).toThrow(/finite/);
		expect(() => toMinor('1e30', 'USD')).toThrow(/too large/);
		expect(() => toMinor(1, 'US')).toThrow(/three letters/);
	});
});

describe('fromMinor, roundMoney, sumMoney', () => {
	it('converts back to major units', () => {
		expect(fromMinor(1999, 'USD')).toBe(19.99);
		expect(fromMinor(500, 'JPY')).toBe(500);
		expect(fromMinor(1005, 'KWD')).toBe(1.005);
		expect(Object.is(fromMinor(-0, 'USD'), 0)).toBe(true);
		expect(() => fromMinor(1.5, 'USD')).toThrow(/integer/);
	});
	it('rounds to the minor unit', () => {
		expect(roundMoney(2.675, 'USD')).toBe(2.68);
		expect(roundMoney('19.999', 'USD')).toBe(20);
		expect(roundMoney(1234.5, 'JPY')).toBe(1235);
		expect(roundMoney('1.23456', 'KWD')).toBe(1.235);
		expect(roundMoney(0.1 + 0.2, 'USD')).toBe(0.3);
	});
	it('sums in integer minor units', () => {
		expect(0.1 + 0.2).not.toBe(0.3);
		expect(sumMoney([0.1, 0.2], 'USD')).toBe(0.3);
		expect(sumMoney(['1.005', '2.010'], 'KWD')).toBe(3.015);
		expect(sumMoney([100, 250, '1000'], 'JPY')).toBe(1350);
		expect(sumMoney([19.99, 19.99, 19.99], 'USD')).toBe(59.97);
		expect(sumMoney([], 'EUR')).toBe(0);
		expect(sumMoney([10, -2.5], 'EUR')).toBe(7.5);
	});
});

describe('toMinor on numbers agrees with the decimal they print as', () => {
	it('for many amounts with up to six decimals (seeded)', () => {
		let seed = 42;
		const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		for (let i = 0; i < 20000; i++) {
			const decimals = Math.floor(next() * 7);
			const n = Number((next() * 10 ** (1 + Math.floor(next() * 7)) * (next() < 0.2 ? -1 : 1)).toFixed(decimals));
			for (const currency of ['JPY', 'USD', 'KWD', 'CLF']) {
				expect([n, currency, toMinor(n, currency)]).toEqual([n, currency, toMinor(String(n), currency)]);
			}
		}
	});
});
