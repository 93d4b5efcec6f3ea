/**
 * WMS glue for the wms node: which n8n credential belongs to which provider, credential data (+ the Generic REST
 * settings made in the node) -> the provider config types of lib/wms (1:1 field names), a provider built on n8n's
 * request helper, the store cursor name per provider + credential, and the node-side credential tests (a token
 * exchange or a GraphQL call comes first, which n8n's declarative `test` request cannot do).
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
	type ExtensivConfig,
	type GenericConfig,
	type ProviderDeps,
	type ShipBobConfig,
	type ShipHeroConfig,
	type WmsProvider,
	type WmsProviderName,
} from '../../lib/wms';
import { credentialKey } from '../../lib/wms/auth';
import type { HttpRequestFn } from '../../lib/http/types';
import type { CanonicalOrder, OrderLine } from '../../lib/order/types';
import type { Store, StoredShipment } from '../../lib/store/types';
import { credentialTestRequest } from './channel-client';
import { nodeRequest } from './channels';
import { InvalidItemError } from './items';
import { credentialData, nodeError, safeTest } from './errors';

export const WMS_CREDENTIAL: Record<WmsProviderName, string> = {
	shipbob: 'omsShipBobApi',
	shiphero: 'omsShipHeroApi',
	extensiv: 'omsExtensivApi',
	generic: 'omsGenericWmsApi',
};

export const WMS_LABEL: Record<WmsProviderName, string> = {
	shipbob: 'ShipBob',
	shiphero: 'ShipHero',
	extensiv: 'Extensiv 3PL Warehouse Manager',
	generic: 'Generic REST WMS',
};

export function isWmsProvider(v: unknown): v is WmsProviderName {
	return typeof v === 'string' && Object.prototype.hasOwnProperty.call(WMS_CREDENTIAL, v);
}

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => {
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

function required(provider: WmsProviderName, d: Data, fields: string[]): void {
	const missing = fields.filter((f) => str(d[f]) === undefined);
	if (missing.length) throw new Error(`${WMS_LABEL[provider]} credential is missing ${missing.join(', ')}`);
}

function integer(provider: WmsProviderName, d: Data, field: string): number {
	const n = Number(str(d[field]));
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${WMS_LABEL[provider]} credential: ${field} must be a positive whole number`);
	return n;
}

/**
 * n8n credential data -> the lib/wms provider config (throws naming the missing fields, never their values).
 * `generic` carries the Generic REST settings made in the node (paths, body, answer fields, status words).
 */
export function wmsConfig(provider: 'shipbob', d: Data): ShipBobConfig;
export function wmsConfig(provider: 'shiphero', d: Data): ShipHeroConfig;
export function wmsConfig(provider: 'extensiv', d: Data): ExtensivConfig;
export function wmsConfig(provider: 'generic', d: Data, generic?: Partial<GenericConfig>): GenericConfig;
export function wmsConfig(provider: WmsProviderName, d: Data, generic?: Partial<GenericConfig>): unknown;
export function wmsConfig(provider: WmsProviderName, d: Data, generic: Partial<GenericConfig> = {}): unknown {
	switch (provider) {
		case 'shipbob': {
			const oauth = d.authType === 'oauthToken';
			required(provider, d, [oauth ? 'oauthToken' : 'token', 'channelId']);
			const c: ShipBobConfig = {
				token: str(oauth ? d.oauthToken : d.token)!,
				channelId: str(d.channelId)!,
				apiVersion: str(d.apiVersion),
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
		case 'shiphero': {
			const refresh = d.authType === 'refreshToken';
			required(provider, d, refresh ? ['refreshToken'] : ['username', 'password']);
			const c: ShipHeroConfig = {
				username: str(d.username) ?? '',
				password: typeof d.password === 'string' ? d.password : '',
				refreshToken: refresh ? str(d.refreshToken) : undefined,
				shopName: str(d.shopName),
				baseUrl: str(d.baseUrl),
			};
			return c;
		}
		case 'extensiv': {
			required(provider, d, ['clientId', 'clientSecret', 'userLoginId', 'customerId', 'facilityId']);
			const c: ExtensivConfig = {
				clientId: str(d.clientId)!,
				clientSecret: String(d.clientSecret),
				userLoginId: str(d.userLoginId)!,
				tpl: str(d.tpl) ?? null,
				customerId: integer(provider, d, 'customerId'),
				facilityId: integer(provider, d, 'facilityId'),
				baseUrl: str(d.baseUrl),
				tokenUrl: str(d.tokenUrl),
			};
			return c;
		}
		case 'generic': {
			required(provider, d, ['baseUrl', 'authHeaderName', 'authHeaderValue']);
			const testPath = str(d.testPath);
			const c: GenericConfig = {
				...generic,
				baseUrl: str(d.baseUrl)!,
				authHeaderName: str(d.authHeaderName)!,
				authHeaderValue: String(d.authHeaderValue),
				...(testPath || generic.paths ? { paths: { ...(generic.paths ?? {}), ...(testPath ? { test: testPath } : {}) } } : {}),
			};
			return c;
		}
	}
}

/** The store cursor of Get Updates: one per provider and credential (two ShipBob accounts never share one) */
export function cursorName(provider: WmsProviderName, credentialId: string | undefined): string {
	return `wms:${provider}:${credentialId ?? 'default'}:updates`;
}

/** The provider of the node's selected credential, on n8n's request helper */
export async function wmsProvider(
	ctx: IExecuteFunctions,
	provider: WmsProviderName,
	generic: Partial<GenericConfig> = {},
	deps: Partial<ProviderDeps> = {},
): Promise<{ provider: WmsProvider; credentialId: string | undefined }> {
	const name = WMS_CREDENTIAL[provider];
	const ref = ctx.getNode().credentials?.[name];
	if (!ref) throw new NodeOperationError(ctx.getNode(), `Select a ${WMS_LABEL[provider]} credential (${name}) on this node`);
	const data = (await credentialData(ctx, name)) as Data;
	let config: unknown;
	try {
		config = wmsConfig(provider, data, generic);
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

export async function shipBobApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testWms(this, 'shipbob', credential);
}
export async function shipHeroApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testWms(this, 'shiphero', credential);
}
export async function extensivApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testWms(this, 'extensiv', credential);
}
export async function genericWmsApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return testWms(this, 'generic', credential);
}

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
