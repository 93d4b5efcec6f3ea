/**
 * The channel registry (lib/channels/registry.ts): a channel is its folder plus one line there, and everything that
 * lists channels builds from it. These check that each entry is whole (its credential type exists, its client and
 * normaliser are its own) and that the places that used to keep their own lists now show exactly the registry.
 */
import { credentialTypes } from '../../helpers/credential-types';
import { extractOrders, normalizeOrder, NormalizeError, NORMALIZERS } from '../../../lib/channels/normalize';
import { CHANNEL_REGISTRY, CHANNELS, channelDefinition, channelLabel, isChannel } from '../../../lib/channels/registry';
import { statusProgress } from '../../../lib/channels/status';
import { channelName } from '../../../lib/report/render/format';

describe('channel registry', () => {
	it('has one whole entry per channel: a lower-case id, a label, its own credential type, client and normaliser', async () => {
		const types = await credentialTypes();
		expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
		expect(new Set(CHANNEL_REGISTRY.map((c) => c.credentialType)).size).toBe(CHANNELS.length);
		expect(new Set(CHANNEL_REGISTRY.map((c) => c.credentialTest)).size).toBe(CHANNELS.length);
		for (const c of CHANNEL_REGISTRY) {
			expect(c.name).toMatch(/^[a-z][a-z0-9_-]*$/);
			expect(c.label).not.toBe('');
			expect(c.color).toMatch(/^#[0-9a-f]{6}$/);
			expect([c.name, types.has(c.credentialType)]).toEqual([c.name, true]);
			expect(NORMALIZERS[c.name]).toBe(c.normalize);
			expect(channelDefinition(c.name)).toBe(c);
			expect(isChannel(c.name)).toBe(true);
			expect(channelLabel(c.name)).toBe(c.label);
			expect(channelName(c.name)).toBe(c.label);
		}
		expect(isChannel('edi-acme')).toBe(false);
		expect(isChannel('constructor')).toBe(false);
		expect(channelLabel('edi-acme')).toBe('edi-acme');
		expect(channelName('edi-acme')).toBe('Edi-acme');
	});

	it('maps each channel’s credential data through the registry, naming the channel when fields are missing', () => {
		for (const c of CHANNEL_REGISTRY) expect(() => c.credentialsFrom({})).toThrow(new RegExp(c.label));
		// a client of every channel is built from its sandbox credential in client-factory.test.ts
	});

	it('dispatches normalising and list extraction by channel, and refuses a channel it does not know', () => {
		expect(() => normalizeOrder('nosuchchannel', {})).toThrow(NormalizeError);
		expect(() => extractOrders('nosuchchannel', {})).toThrow(/no normaliser for channel "nosuchchannel"/);
		expect(extractOrders('walmart', { list: { elements: { order: [{ a: 1 }] } } })).toEqual([{ a: 1 }]);
		expect(() => extractOrders('walmart', {})).toThrow(expect.objectContaining({ field: 'list.elements.order' }));
		// status progress comes from each channel's own table (Walmart compares its lines' statuses)
		expect(statusProgress('shopify', 'PAID/FULFILLED', 'PAID/UNFULFILLED')).toBe(1);
		expect(statusProgress('walmart', 'Shipped', 'Created/Shipped')).toBe(1);
		expect(statusProgress('nosuchchannel', 'b', 'a')).toBe(0);
	});
});
