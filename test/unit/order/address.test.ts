import {
	addressKey,
	COUNTRY_CODES,
	countryName,
	emailKey,
	isCountryCode,
	normalizeAddress,
	normalizeCountry,
	normalizeEmail,
	normalizePhone,
} from '../../../lib/order/address';

describe('normalizeCountry', () => {
	it('has the full ISO 3166-1 list', () => {
		expect(COUNTRY_CODES).toHaveLength(249);
		expect(countryName('CI')).toBe("Cote d'Ivoire");
	});
	it('reads alpha-2 in any case and alpha-3', () => {
		expect(normalizeCountry('us')).toBe('US');
		expect(normalizeCountry(' Ca ')).toBe('CA');
		expect(normalizeCountry('DEU')).toBe('DE');
		expect(normalizeCountry('gbr')).toBe('GB');
		expect(normalizeCountry('CHE')).toBe('CH');
		expect(normalizeCountry('KOR')).toBe('KR');
	});
	it('reads common names', () => {
		expect(normalizeCountry('United States')).toBe('US');
		expect(normalizeCountry('United States of America')).toBe('US');
		expect(normalizeCountry('USA')).toBe('US');
		expect(normalizeCountry('U.S.A.')).toBe('US');
		expect(normalizeCountry('United Kingdom')).toBe('GB');
		expect(normalizeCountry('UK')).toBe('GB');
		expect(normalizeCountry('Great Britain')).toBe('GB');
		expect(normalizeCountry('Deutschland')).toBe('DE');
		expect(normalizeCountry('germany')).toBe('DE');
		expect(normalizeCountry("Côte d'Ivoire")).toBe('CI');
		expect(normalizeCountry('Korea, Republic of')).toBe('KR');
		expect(normalizeCountry('St. Kitts & Nevis')).toBe('KN');
		expect(normalizeCountry('The Netherlands')).toBe('NL');
		expect(normalizeCountry('Türkiye')).toBe('TR');
		expect(normalizeCountry('Turkey')).toBe('TR');
		expect(normalizeCountry('Bosnia & Herzegovina')).toBe('BA');
		expect(normalizeCountry('Congo, Democratic Republic of the')).toBe('CD');
	});
	it('returns null for unknown or empty input', () => {
		expect(normalizeCountry('Narnia')).toBeNull();
		expect(normalizeCountry('XX')).toBeNull();
		expect(normalizeCountry('')).toBeNull();
		expect(normalizeCountry('  ')).toBeNull();
		expect(normalizeCountry(null)).toBeNull();
		expect(normalizeCountry(undefined)).toBeNull();
		expect(normalizeCountry('constructor')).toBeNull();
	});
	it('isCountryCode accepts upper-case assigned alpha-2 only', () => {
		expect(isCountryCode('GB')).toBe(true);
		expect(isCountryCode('gb')).toBe(false);
		expect(isCountryCode('UK')).toBe(false);
		expect(isCountryCode('GBR')).toBe(false);
		expect(isCountryCode(null)).toBe(false);
	});
});

describe('normalizeAddress', () => {
	it('trims, nulls empty fields and normalises country and phone', () => {
		expect(
			normalizeAddress({ name: '  A  B ', company: '', line1: '1 Main St ', city: 'Ottawa', country: 'Canada', phone: '+1 (613) 555-0100', postalCode: 'K1A 0B1' }),
		).toEqual({
			name: 'A B',
			company: null,
			line1: '1 Main St',
			line2: null,
			city: 'Ottawa',
			region: null,
			postalCode: 'K1A 0B1',
			country: 'CA',
			phone: '+16135550100',
		});
	});
	it('keeps an unrecognised country as given so validation can report it', () => {
		expect(normalizeAddress({ line1: 'x', country: ' Narnia ' })?.country).toBe('Narnia');
		expect(normalizeAddress({ line1: 'x' })?.country).toBe('');
	});
	it('returns null when every field is empty', () => {
		expect(normalizeAddress({ name: ' ', line1: '', country: null })).toBeNull();
		expect(normalizeAddress({})).toBeNull();
		expect(normalizeAddress(null)).toBeNull();
	});
});

describe('email and phone', () => {
	it('normalizeEmail trims and lower-cases', () => {
		expect(normalizeEmail('  Jane.Doe+Shop@Example.COM ')).toBe('jane.doe+shop@example.com');
		expect(normalizeEmail('')).toBeNull();
		expect(normalizeEmail('not-an-email')).toBeNull();
		expect(normalizeEmail(null)).toBeNull();
	});
	it('emailKey folds plus tags and Gmail dots', () => {
		expect(emailKey('Jane.Doe+Shop@Example.com')).toBe('jane.doe@example.com');
		expect(emailKey('j.a.n.e+x@googlemail.com')).toBe('jane@gmail.com');
		expect(emailKey('jane@gmail.com')).toBe(emailKey('JA.NE+promo@gmail.com'));
	});
	it('normalizePhone keeps digits and a leading +', () => {
		expect(normalizePhone('+1 (613) 555-0100')).toBe('+16135550100');
		expect(normalizePhone('613.555.0100')).toBe('6135550100');
		expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
		expect(normalizePhone('+1 613 555 0100 ext. 12')).toBe('+16135550100');
		expect(normalizePhone('613-555-0100 x7')).toBe('6135550100');
		expect(normalizePhone('n/a')).toBeNull();
		expect(normalizePhone(null)).toBeNull();
	});
});

describe('addressKey', () => {
	const base = { country: 'US', postalCode: '10001', line1: '123 Main Street', line2: 'Apartment 4' };
	it('is the same for the same doorstep written differently', () => {
		const k = addressKey(base);
		expect(k).toBe('us|10001|123 main st apt 4');
		expect(addressKey({ country: 'us', postalCode: '10001-1234', line1: '123  MAIN ST.', line2: 'Apt #4' })).toBe(k);
		expect(addressKey({ country: 'USA', postalCode: '10001', line1: '123 Main St, Apt. 4', line2: null })).toBe(k);
		expect(addressKey({ country: 'US', postalCode: '10001', line1: '123 Main St', line2: 'Unit 4' })).toBe(k);
		expect(addressKey({ country: 'US', postalCode: '10001', line1: '123 Main St', line2: 'Suite 4' })).toBe(k);
	});
	it('unifies avenue/ave and keeps different addresses apart', () => {
		expect(addressKey({ country: 'CA', postalCode: 'K1A 0B1', line1: '5 Fifth Avenue', line2: null })).toBe(
			addressKey({ country: 'CA', postalCode: 'k1a0b1', line1: '5 fifth ave', line2: '' }),
		);
		expect(addressKey(base)).not.toBe(addressKey({ ...base, line2: 'Apartment 5' }));
		expect(addressKey(base)).not.toBe(addressKey({ ...base, postalCode: '10002' }));
	});
});
