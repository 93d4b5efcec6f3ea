/**
 * The stored form of an order's reservation parts: [[line_id, sku, location, active, committed, released], ...].
 * partsToJson reuses its row arrays between calls; documents of any length, in any order, must encode exactly as
 * the plain JSON of those rows, and decode back.
 */
import { partsFromJson, partsToJson, type ReservationPart } from '../../../lib/store/plan';

function doc(n: number, seed: number): ReservationPart[] {
	return Array.from({ length: n }, (_, i) => ({
		line: String(i + 1),
		sku: i % 5 === 4 ? `odd "sku" \\ ${seed}\n\u0001é😀` : `SKU-${seed + i}`,
		location: i % 2 ? 'east' : 'default',
		active: (seed + i) % 4,
		committed: i % 3,
		released: i === 2 ? 7 : 0,
	}));
}

const plain = (parts: ReservationPart[]) => JSON.stringify(parts.map((p) => [p.line, p.sku, p.location, p.active, p.committed, p.released]));

describe('reservation parts JSON', () => {
	it('encodes documents of any length, one after another, as the plain JSON of their rows', () => {
		const lengths = [3, 1, 0, 3, 5, 2, 17, 16, 3, 40, 1, 3];
		lengths.forEach((n, k) => {
			const parts = doc(n, k * 10);
			expect(partsToJson(parts)).toBe(plain(parts));
			expect(partsFromJson(partsToJson(parts))).toEqual(parts);
		});
	});

	it('decodes what a jsonb column gives back (already parsed)', () => {
		const parts = doc(4, 1);
		expect(partsFromJson(JSON.parse(plain(parts)))).toEqual(parts);
	});
});
