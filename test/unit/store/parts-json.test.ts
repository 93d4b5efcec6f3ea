/**
 * The stored form of an order's reservation parts: [line_id, sku, active] for a part at the default location with
 * nothing shipped or released, [line_id, sku, active, location, committed, released] for any other; documents that
 * earlier builds wrote, [line_id, sku, location, active, committed, released], must still decode.
 */
import { partsFromJson, partsToJson, type ReservationPart } from '../../../lib/stock/reservation';

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

/** The rows partsToJson must write, spelled out */
const expected = (parts: ReservationPart[]) =>
	JSON.stringify(
		parts.map((p) =>
			p.location === 'default' && p.committed === 0 && p.released === 0 ? [p.line, p.sku, p.active] : [p.line, p.sku, p.active, p.location, p.committed, p.released],
		),
	);
const earlierForm = (parts: ReservationPart[]) => JSON.stringify(parts.map((p) => [p.line, p.sku, p.location, p.active, p.committed, p.released]));

describe('reservation parts JSON', () => {
	it('writes the short row for a plain part and the long one for any other, and reads both back', () => {
		const lengths = [3, 1, 0, 3, 5, 2, 17, 16, 3, 40, 1, 3];
		lengths.forEach((n, k) => {
			const parts = doc(n, k * 10);
			expect(partsToJson(parts)).toBe(expected(parts));
			expect(partsFromJson(partsToJson(parts))).toEqual(parts);
		});
		const plain: ReservationPart = { line: '1', sku: 'SKU-1', location: 'default', active: 2, committed: 0, released: 0 };
		expect(partsToJson([plain])).toBe('[["1","SKU-1",2]]');
		expect(partsToJson([{ ...plain, committed: 1 }])).toBe('[["1","SKU-1",2,"default",1,0]]');
		expect(partsToJson([{ ...plain, location: 'east' }])).toBe('[["1","SKU-1",2,"east",0,0]]');
		// an SKU that reads like a number stays a string
		expect(partsFromJson(partsToJson([{ ...plain, sku: '12345' }]))).toEqual([{ ...plain, sku: '12345' }]);
	});

	it('reads documents in the form earlier builds wrote', () => {
		for (const n of [0, 1, 3, 7]) {
			const parts = doc(n, n);
			expect(partsFromJson(earlierForm(parts))).toEqual(parts);
		}
	});

	it('decodes what a jsonb column gives back (already parsed)', () => {
		const parts = doc(4, 1);
		expect(partsFromJson(JSON.parse(partsToJson(parts)))).toEqual(parts);
		expect(partsFromJson(JSON.parse(earlierForm(parts)))).toEqual(parts);
	});
});
