/**
 * Properties of validateOrder (lib/order/validate.ts). Promise: for any input at all (any JSON-like value, and valid
 * orders bent with hostile values, amounts at the edges, fields missing or extra) validateOrder returns a list and
 * never throws; every problem names a JSON path under `$` and says what is wrong; an order it accepts is one both
 * stores can record (no identifier they cannot keep, totals that add up exactly).
 */
import fc from 'fast-check';
import { toMinor } from '../../../lib/order/money';
import { unstorableIdentifiers, validateOrder } from '../../../lib/order/validate';
import type { CanonicalOrder } from '../../../lib/order/types';
import { makeOrder } from '../../helpers/orders';
import { amountLike, applyMutations, hostileString, hostileValue, mutation } from './arbitraries';
import { checkProperty, PROPERTY_TIMEOUT_MS } from './harness';

function wellFormed(problems: unknown): void {
	expect(Array.isArray(problems)).toBe(true);
	for (const p of problems as Array<{ path: unknown; message: unknown }>) {
		expect(typeof p.path).toBe('string');
		expect(p.path as string).toMatch(/^\$/);
		expect(typeof p.message).toBe('string');
		expect((p.message as string).length).toBeGreaterThan(0);
	}
}

/** What an accepted order must be, for both stores to take it exactly. */
function storable(order: CanonicalOrder): void {
	expect(unstorableIdentifiers(order)).toEqual([]);
	const c = order.currency;
	const t = order.totals;
	expect(toMinor(t.subtotal, c) + toMinor(t.shipping, c) + toMinor(t.tax, c) - toMinor(t.discount, c)).toBe(toMinor(t.total, c));
	for (const l of order.lines) expect(Number.isSafeInteger(toMinor(l.lineTotal, c))).toBe(true);
}

const anyInput = fc.oneof(hostileValue, fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }));

describe('validateOrder', () => {
	it('never throws on any value, and every problem has a path', () => {
		checkProperty({ name: 'validate.anyValue', numRuns: 1000, seed: 1802001 }, [anyInput], (v) => {
			wellFormed(validateOrder(v));
		});
	}, PROPERTY_TIMEOUT_MS);

	it('a valid order bent by mutations: problems with paths, never a throw; what it accepts is storable', () => {
		let accepted = 0;
		checkProperty({ name: 'validate.mutatedOrder', numRuns: 1500, seed: 1802002 }, [fc.array(mutation, { minLength: 1, maxLength: 5 })], (muts) => {
			const order = applyMutations(makeOrder({ raw: { note: 'x' } }), muts);
			const problems = validateOrder(order);
			wellFormed(problems);
			if (problems.length === 0) {
				accepted++;
				storable(order);
			}
		});
		expect(accepted).toBeGreaterThan(20);
	}, PROPERTY_TIMEOUT_MS);

	it('amounts at the edges in totals and lines: a problem at the amount, never a throw', () => {
		// mostly well-formed amounts (whole cents up to 2^53 of them, the big round ones), so the sums get checked
		const money = fc.oneof(
			{ arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((n) => n / 100), weight: 3 },
			{ arbitrary: fc.constantFrom(0, 1e13, 8e13, 9e13, 9.007e13, 2 ** 52 / 100), weight: 3 },
			{ arbitrary: amountLike, weight: 1 },
		);
		const totals = fc.record({ subtotal: money, shipping: money, tax: money, discount: money, total: money });
		const currency = fc.oneof({ arbitrary: fc.constantFrom('USD', 'JPY', 'KWD', 'CLF'), weight: 6 }, { arbitrary: fc.constantFrom('usd', 'XXX', 'US$', ''), weight: 1 }, { arbitrary: hostileString(4), weight: 1 });
		checkProperty({ name: 'validate.edgeAmounts', numRuns: 1500, seed: 1802003 }, [totals, money, money, fc.oneof(fc.integer(), amountLike), currency], (t, unitPrice, lineTotal, quantity, c) => {
			const base = makeOrder();
			const order = { ...base, currency: c, totals: t, lines: [{ ...base.lines[0], unitPrice, lineTotal, quantity }] };
			const problems = validateOrder(order);
			wellFormed(problems);
			if (problems.length === 0) storable(order as CanonicalOrder);
		});
	}, PROPERTY_TIMEOUT_MS);
});
