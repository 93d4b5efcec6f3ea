import type { CanonicalOrder, OrderLine } from '../../../lib/order/types';
import { createAxiosRequest } from '../../../lib/http/axios';
import { createWmsProvider } from '../../../lib/wms';
import type { ProviderDeps, WmsProvider } from '../../../lib/wms/types';
import { SANDBOX_CREDENTIALS, type SandboxProvider, type WmsSandbox } from '../../sandbox/wms';

export function order(n: number | string, lines?: Array<Partial<OrderLine> & { sku: string; quantity: number }>): CanonicalOrder {
	const ls: OrderLine[] = (lines ?? [{ sku: 'SKU-1', quantity: 2 }]).map((l, i) => ({
		lineId: l.lineId ?? String(i + 1),
		sku: l.sku,
		title: l.title ?? `Item ${l.sku}`,
		quantity: l.quantity,
		unitPrice: l.unitPrice ?? 10,
		lineTotal: (l.unitPrice ?? 10) * l.quantity,
	}));
	const subtotal = ls.reduce((s, l) => s + l.lineTotal, 0);
	return {
		omsId: `shopify:${n}`,
		channel: 'shopify',
		channelOrderId: String(n),
		orderNumber: `#${n}`,
		placedAt: '2026-05-01T14:00:00Z',
		updatedAt: '2026-05-01T14:05:00Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal, shipping: 5, tax: 0, discount: 0, total: subtotal + 5 },
		customer: { email: 'b@example.com', name: 'Ada Byron', phone: null, channelCustomerId: null },
		shipTo: { name: 'Ada Byron', company: null, line1: '1 Main St', line2: null, city: 'Ottawa', region: 'ON', postalCode: 'K1A 0B1', country: 'CA', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines: ls,
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
}

/**
 * Deps for tests: real HTTP to the sandbox, no real waiting between retries, and the production timeout. A call the
 * sandbox leaves unanswered (a `timeout` or `timeout_after_commit` fault) ends when the sandbox drops it after the
 * fault's hangMs; a short client deadline would also cut off answered calls on a slow machine.
 */
export function testDeps(extra: Partial<ProviderDeps> = {}): ProviderDeps {
	return {
		request: createAxiosRequest({ timeoutMs: 30_000 }),
		timeoutMs: 30_000,
		retry: { maxAttempts: 4, sleep: async () => undefined, random: () => 0 },
		...extra,
	};
}

/** A client of every provider of the WMS sandbox, with its default credentials */
export function sandboxProviders(sb: WmsSandbox, deps: ProviderDeps): Record<SandboxProvider, WmsProvider> {
	return {
		shipbob: createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, token: SANDBOX_CREDENTIALS.shipbob.token, channelId: SANDBOX_CREDENTIALS.shipbob.channelId }, deps),
		shiphero: createWmsProvider('shiphero', { baseUrl: sb.baseUrls.shiphero, ...SANDBOX_CREDENTIALS.shiphero }, deps),
		extensiv: createWmsProvider('extensiv', { baseUrl: sb.baseUrls.extensiv, ...SANDBOX_CREDENTIALS.extensiv, customerId: 1, facilityId: 1 }, deps),
		generic: createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: SANDBOX_CREDENTIALS.generic.headerName, authHeaderValue: SANDBOX_CREDENTIALS.generic.apiKey }, deps),
	};
}
