/**
 * Properties of the channel normalisers (lib/channels/<channel>/normalize.ts), on the vendor example payloads and
 * the constructed fixtures (test/unit/channels/payload-seeds.ts) with fast-check mutations: fields deleted,
 * replaced by hostile values (any Unicode, NUL, unpaired surrogates, numbers at the edges, wrong types), extra
 * fields added, hostile text spliced into strings. Promise: every input gives either
 * - a NormalizeError of that channel naming a field, or
 * - an order that validateOrder accepts and that both stores keep exactly as it is (no identifier holding text a
 *   store cannot keep, no free text a store would have to clean).
 * Never another exception.
 */
import fc from 'fast-check';
import { NormalizeError, normalizeOrder } from '../../../lib/channels/normalize';
import { cleanForStore } from '../../../lib/order/storable';
import { unstorableIdentifiers, validateOrder } from '../../../lib/order/validate';
import { loadSeeds, type SeedChannel } from '../channels/payload-seeds';
import { applyMutations, mutation } from './arbitraries';
import { checkProperty, PROPERTY_TIMEOUT_MS } from './harness';

const seeds = loadSeeds();
const SPECS: Record<SeedChannel, { numRuns: number; seed: number }> = {
	shopify: { numRuns: 800, seed: 1801001 },
	amazon: { numRuns: 800, seed: 1801002 },
	ebay: { numRuns: 800, seed: 1801003 },
	woocommerce: { numRuns: 800, seed: 1801004 },
	walmart: { numRuns: 800, seed: 1801005 },
};

describe.each(Object.keys(SPECS) as SeedChannel[])('normaliser %s', (channel) => {
	it('a mutated vendor payload gives a valid, storable order or a NormalizeError naming the field, nothing else', () => {
		const tally = { orders: 0, errors: 0 };
		checkProperty({ name: `normalize.${channel}`, ...SPECS[channel] }, [fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 })], (i, muts) => {
			const input = applyMutations(structuredClone(seeds[channel][i % seeds[channel].length]), muts);
			let order;
			try {
				order = normalizeOrder(channel, input);
			} catch (e) {
				if (!(e instanceof NormalizeError)) throw e;
				expect(e.channel).toBe(channel);
				expect(e.message.startsWith(`${channel} order `)).toBe(true);
				expect(e.field).not.toBe('');
				tally.errors++;
				return;
			}
			expect(validateOrder(order)).toEqual([]);
			expect(unstorableIdentifiers(order)).toEqual([]);
			const { raw: _raw, ...canonical } = order;
			void _raw;
			expect(cleanForStore(canonical).cleaned).toEqual([]);
			tally.orders++;
		});
		// both outcomes really occur, or the mutations exercise nothing
		expect(tally.orders).toBeGreaterThan(20);
		expect(tally.errors).toBeGreaterThan(20);
	}, PROPERTY_TIMEOUT_MS);
});
