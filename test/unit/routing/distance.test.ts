import { centroidOf, haversineKm, kmText, proximity, proximityText, TIER } from '../../../lib/routing/distance';
import { US_ZIP3_CENTROIDS } from '../../../lib/routing/us-zip3-centroids';

describe('routing distance', () => {
	it('Haversine: one degree of latitude is ~111 km; the same point is 0', () => {
		expect(haversineKm([0, 0], [1, 0])).toBeCloseTo(111.2, 0);
		expect(haversineKm([40, -74], [40, -74])).toBe(0);
	});

	it.each([
		// from, to, the great-circle distance between the cities (km), give or take what a ZIP3 centroid is off by
		['89502', '94103', 'Reno → San Francisco', 300, 120],
		['07001', '10001', 'Avenel NJ → New York', 30, 40],
		['07001', '94103', 'New Jersey → San Francisco', 4130, 200],
		['60601', '98101', 'Chicago → Seattle', 2790, 200],
	])('US ZIPs are located by their 3-digit prefix: %s → %s (%s) ≈ %d km', (from, to, _what, km, tolerance) => {
		const p = proximity({ country: 'US', postcode: from }, { country: 'US', postcode: to });
		expect(p.km).not.toBeNull();
		expect(Math.abs(p.km! - km)).toBeLessThanOrEqual(tolerance);
	});

	it.each([
		[212, '212 km'],
		[4111.4, '4,111 km'],
		[999.5, '1,000 km'],
		[1234567, '1,234,567 km'],
		[0, '0 km'],
	])('kmText(%d) = %s', (km, text) => {
		expect(kmText(km)).toBe(text);
	});

	it('a ZIP+4 and spaces are read; an unknown ZIP3, a non-US place or a missing postcode has no centroid', () => {
		expect(centroidOf({ country: 'US', postcode: '94103-1234' })).toEqual(centroidOf({ country: 'US', postcode: '94103' }));
		expect(centroidOf({ country: 'US', postcode: '00000' })).toBeNull();
		expect(centroidOf({ country: 'GB', postcode: 'SW1A 1AA' })).toBeNull();
		expect(centroidOf({ country: 'US', postcode: null })).toBeNull();
	});

	it.each([
		[{ country: 'GB', postcode: 'SW1A 1AA' }, { country: 'GB', postcode: 'SW1 2AB' }, TIER.samePrefix3, 'same postcode area'],
		[{ country: 'GB', postcode: 'SW1A 1AA' }, { country: 'GB', postcode: 'SE1 7PB' }, TIER.samePrefix1, 'same postcode region'],
		[{ country: 'GB', postcode: 'SW1A 1AA' }, { country: 'GB', postcode: 'M1 1AE' }, TIER.sameCountry, 'same country'],
		[{ country: 'DE', postcode: '10115' }, { country: 'GB', postcode: 'M1 1AE' }, TIER.otherCountry, 'another country'],
		[{ country: 'DE', postcode: '10115' }, { country: null, postcode: null }, TIER.unknown, 'distance unknown'],
	])('outside the US (no centroids): a tier from the country and the postcode prefix %#', (from, to, tier, text) => {
		const p = proximity(from, to);
		expect(p).toEqual({ km: null, tier });
		expect(proximityText(p)).toBe(text);
	});

	it('the ZIP3 table is well formed: ~900 prefixes, each inside the US and its territories', () => {
		const rows = US_ZIP3_CENTROIDS.split(';');
		expect(rows.length).toBeGreaterThan(850);
		for (const r of rows) {
			expect(r).toMatch(/^\d{3}:-?\d+\.\d{2},-?\d+\.\d{2}$/);
			const [lat, lon] = r.slice(4).split(',').map(Number);
			expect(lat).toBeGreaterThan(-15); // American Samoa
			expect(lat).toBeLessThan(72); // Alaska
			expect(lon < -64 || lon > 140).toBe(true); // the Americas, or Guam and the Marianas
		}
	});
});
