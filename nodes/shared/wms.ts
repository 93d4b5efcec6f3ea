/**
 * WMS glue for the wms node: which n8n credential belongs to which provider, credential data (+ the provider's own
 * node settings, e.g. Generic REST's) -> the provider config of lib/wms, a provider built on n8n's request helper,
 * the store cursor name per provider + credential, and the node-side credential tests (a token exchange or a
 * GraphQL call comes first, which n8n's declarative `test` request cannot do). What differs per provider comes from
 * the registry (lib/wms/registry.ts); nothing here names a provider.
 */
import {
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
} from 'n8n-workflow';
import {
	createWmsProvider,
	WMS_REGISTRY,
	wmsProviderDefinition,
	type ProviderDeps,
	type WmsConfigOf,
	type WmsProvider,
	type WmsProviderName,
} from '../../lib/wms';
import { credentialKey } from '../../lib/wms/auth';
import type { HttpRequestFn } from '../../lib/http/types';
import type { CanonicalOrder, OrderLine } from '../../lib/order/types';
import type { Store, StoredShipment } from '../../lib/store/types';
import { credentialTestRequest, nodeRequest } from './channels';
import { InvalidItemError } from './items';
import { credentialData, nodeError, registryCredentialTests, safeTest, type CredentialTest } from './errors';

export { isWmsProvider, WMS_PROVIDERS, type WmsProviderName } from '../../lib/wms';

const byName = <T>(pick: (p: (typeof WMS_REGISTRY)[number]) => T): Record<WmsProviderName, T> =>
	Object.fromEntries(WMS_REGISTRY.map((p) => [p.name, pick(p)])) as Record<WmsProviderName, T>;

/** The n8n credential type of each provider */
export const WMS_CREDENTIAL: Record<WmsProviderName, string> = byName((p) => p.credentialType);

/** Each provider's name as messages write it */
export const WMS_LABEL: Record<string, string> = byName((p) => p.label);

type Data = Record<string, unknown>;

/** A provider's own node settings (its `node.settingsFrom`), laid under its credential's config */
export type ProviderSettings = Record<string, unknown>;

/**
 * n8n credential data -> the lib/wms provider config (throws naming the missing fields, never their values).
 * `settings` are the provider's own node settings (Generic REST's paths, body, answer fields, status words).
 */
export function wmsConfig<N extends WmsProviderName>(provider: N, d: Data, settings?: ProviderSettings): WmsConfigOf<N>;
export function wmsConfig(provider: WmsProviderName, d: Data, settings: ProviderSettings = {}): unknown {
	return wmsProviderDefinition(provider)!.configFrom(d, settings);
}

/** The store cursor of Get Updates: one per provider and credential (two ShipBob accounts never share one) */
export function cursorName(provider: WmsProviderName, credentialId: string | undefined): string {
	return `wms:${provider}:${credentialId ?? 'default'}:updates`;
}

/** The provider of the node's selected credential, on n8n's request helper */
export async function wmsProvider(
	ctx: IExecuteFunctions,
	provider: WmsProviderName,
	settings: ProviderSettings = {},
	deps: Partial<ProviderDeps> = {},
): Promise<{ provider: WmsProvider; credentialId: string | undefined }> {
	const name = WMS_CREDENTIAL[provider];
	const ref = ctx.getNode().credentials?.[name];
	if (!ref) throw new NodeOperationError(ctx.getNode(), `Select a ${WMS_LABEL[provider]} credential (${name}) on this node`);
	const data = (await credentialData(ctx, name)) as Data;
	let config: unknown;
	try {
		config = wmsConfig(provider, data, settings);
	} catch (error) {
		throw nodeError(ctx, error);
	}
	const credentialId = ref.id ?? ref.name;
	return { provider: cachedProvider(provider, credentialId, config, deps, nodeRequest(ctx)), credentialId };
}

/**
 * Providers kept per credential and settings for the life of the process, so ShipHero's and Extensiv's tokens are
 * reused across executions (until they expire) instead of a login per run. The key hashes the config (secrets
 * included, so an edited credential gets a new provider; the hash is never shown). Each execution hands its own
 * n8n request helper to the provider it gets (executions running at the same moment share the latest one; n8n's
 * helpers send the same way for the same credential).
 */
const providers = new Map<string, { provider: WmsProvider; via: { request: HttpRequestFn } }>();
const MAX_PROVIDERS = 50;

function cachedProvider(name: WmsProviderName, credentialId: string, config: unknown, deps: Partial<ProviderDeps>, request: HttpRequestFn): WmsProvider {
	const key = `${name}:${credentialId}:${credentialKey(JSON.stringify(config), JSON.stringify(deps))}`;
	const hit = providers.get(key);
	if (hit) {
		hit.via.request = request;
		return hit.provider;
	}
	const via = { request };
	const provider = createWmsProvider(name, config, { ...deps, request: (o) => via.request(o) });
	if (providers.size >= MAX_PROVIDERS) providers.delete(providers.keys().next().value as string);
	providers.set(key, { provider, via });
	return provider;
}

async function testWms(ctx: ICredentialTestFunctions, provider: WmsProviderName, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest(WMS_CREDENTIAL[provider], credential, async (data) => {
		const config = wmsConfig(provider, data);
		const p = createWmsProvider(provider, config, { request: credentialTestRequest(ctx), rateLimit: false, retry: { maxAttempts: 1 } });
		const r = await p.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	});
}

/** Each provider's node-side credential test, under its name (the credential's testedBy) */
export const WMS_CREDENTIAL_TESTS: Record<string, CredentialTest> = registryCredentialTests(WMS_REGISTRY, testWms);

/** Every provider's credential test, with the node's other tests (`others`), for its methods.credentialTest */
export function wmsCredentialTests(others: Record<string, CredentialTest> = {}): Record<string, CredentialTest> {
	return { ...others, ...WMS_CREDENTIAL_TESTS };
}

export const shipBobApiTest = WMS_CREDENTIAL_TESTS.shipBobApiTest;
export const shipHeroApiTest = WMS_CREDENTIAL_TESTS.shipHeroApiTest;
export const extensivApiTest = WMS_CREDENTIAL_TESTS.extensivApiTest;
export const genericWmsApiTest = WMS_CREDENTIAL_TESTS.genericWmsApiTest;

/** Newly recorded packages as output items (Get Updates of the wms node, Apply 945 of the edi node): one per package */
export async function shipmentItems(store: Store, shipments: StoredShipment[], provider: string): Promise<IDataObject[]> {
	const orders = new Map<string, CanonicalOrder | null>();
	const out: IDataObject[] = [];
	for (const s of shipments) {
		if (!orders.has(s.omsId)) orders.set(s.omsId, (await store.getOrder(s.omsId))?.order ?? null);
		const order = orders.get(s.omsId) ?? null;
		out.push({
			omsId: s.omsId,
			channel: order?.channel ?? s.omsId.split(':')[0],
			channelOrderId: order?.channelOrderId ?? s.omsId.slice(s.omsId.indexOf(':') + 1),
			orderNumber: order?.orderNumber ?? null,
			provider,
			packageKey: s.packageKey,
			carrier: s.carrier,
			trackingNumber: s.trackingNumber,
			trackingUrl: s.trackingUrl,
			shippedAt: s.shippedAt,
			lines: s.lines.map((l) => ({
				lineId: l.lineId ?? order?.lines.find((ol) => ol.sku === l.sku)?.lineId ?? null,
				sku: l.sku,
				quantity: l.quantity,
			})),
		});
	}
	return out;
}

/** The split shipment an item asks for (Backorder Gate's shipmentNo / shipmentLines), checked against the order's lines */
export function splitOf(json: IDataObject, order: CanonicalOrder): { shipmentNo?: number; lines?: OrderLine[] } {
	const n = Number(json.shipmentNo);
	const shipmentNo = Number.isInteger(n) && n > 0 ? n : undefined;
	const sl = json.shipmentLines;
	if (!Array.isArray(sl) || !sl.length) return shipmentNo ? { shipmentNo } : {};
	const lines = (sl as IDataObject[]).map((s, k) => {
		const lineId = s.lineId == null ? null : String(s.lineId);
		const line = order.lines.find((l) => (lineId ? l.lineId === lineId : l.sku === s.sku));
		const quantity = Number(s.quantity);
		if (!line) throw new InvalidItemError(`${order.omsId}: shipmentLines[${k}] (${lineId ?? String(s.sku)}) is not a line of the order`);
		if (!Number.isInteger(quantity) || quantity <= 0 || quantity > line.quantity) {
			throw new InvalidItemError(`${order.omsId}: shipmentLines[${k}] quantity ${String(s.quantity)} is not between 1 and the line’s ${line.quantity}`);
		}
		return { ...line, quantity, lineTotal: Math.round(line.unitPrice * quantity * 100) / 100 };
	});
	return { shipmentNo, lines };
}

/**
 * Several warehouses (issue 23): an item the Backorder Gate made for one warehouse's shipment carries that
 * warehouse (`warehouse.location`, `warehouse.account`). A WMS node sends only the shipments of warehouses its
 * provider serves; any other is refused on that item, naming where it belongs (wire a Switch on
 * warehouse.location to one WMS node per warehouse). Null: this node may send it (no warehouse, or no account set).
 */
export function warehouseRefusal(json: IDataObject, provider: string): string | null {
	const w = json.warehouse as { location?: unknown; account?: { kind?: unknown; provider?: unknown; partner?: unknown } | null } | undefined;
	const a = w?.account;
	if (!w || !a) return null;
	const shipment = `${String(json.omsId ?? 'the order')} shipment ${String(json.shipmentNo ?? 1)}`;
	if (a.kind === 'edi') return `${shipment} is for warehouse ${String(w.location)}, served by the EDI partner ${String(a.partner)}: send it with the EDI node, not a WMS node`;
	if (a.kind === 'wms' && a.provider !== provider) return `${shipment} is for warehouse ${String(w.location)}, served by ${String(a.provider)}; this WMS node speaks ${provider}: send it to that warehouse's WMS node (a Switch on warehouse.location)`;
	return null;
}
