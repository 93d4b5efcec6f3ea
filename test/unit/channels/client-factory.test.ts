import { startSandboxes, type Sandboxes } from '../../sandbox/start';
import { isolated, LONG_AGO, request } from '../../sandbox/testkit';
import { createChannelClient } from '../../../lib/channels/clients';
import { CHANNELS } from '../../../lib/channels/registry';
import { normalizeOrder } from '../../../lib/channels/normalize';

describe('createChannelClient against startSandboxes (one command, all channels)', () => {
	let sb: Sandboxes;
	beforeAll(async () => {
		sb = await startSandboxes({ ordersPerChannel: 30, seed: 99, timeScale: 0.001 });
	});
	afterAll(() => sb.close());

	it.each(CHANNELS)('%s: credential test, a full listing and canonical orders through the factory', async (channel) => {
		const c = createChannelClient(channel, sb.credentials[channel], request, isolated(0.001));
		expect(c.channel).toBe(channel);
		expect(await c.testCredentials()).toMatchObject({ ok: true });
		const r = await c.listOrdersSince(null, { lookbackFrom: LONG_AGO });
		expect(r.orders.length).toBe(30);
		const omsIds = r.orders.map((o) => normalizeOrder(channel, o).omsId);
		expect(new Set(omsIds)).toEqual(new Set(sb.orders[channel].map((o) => `${channel}:${o.id}`)));
		expect(c.stats.failed).toBe(0);
		// a wrong credential fails the credential test with a message, not a throw
		const wrong = { ...sb.credentials[channel], lwaClientSecret: 'x-wrong', certId: 'x-wrong', consumerSecret: 'x-wrong', clientSecret: 'x-wrong', accessToken: 'shpat_x-wrong' };
		const t = await createChannelClient(channel, wrong, request, isolated(0.001)).testCredentials();
		expect(t.ok).toBe(false);
		expect(t.message).not.toContain('x-wrong');
	});

	it('exposes the ground truth and webhook delivery through the start handle', async () => {
		expect(sb.groundTruth.some((g) => g.patterns.includes('fraud_ring'))).toBe(true);
		const d = await sb.deliverWebhook('shopify', sb.orders.shopify[0], { url: 'http://127.0.0.1:1/none' });
		expect(d[0].status).toBe(0); // nobody listening: recorded as a failed delivery
		expect(() => createChannelClient('etsy' as never, {}, request)).toThrow(/Unknown channel "etsy"/);
	});
});
