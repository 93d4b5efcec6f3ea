/**
 * How every node of the pack reports a failure to n8n, and keeps secrets out of it.
 *
 * - nodeError(ctx, error, itemIndex?): the one conversion at the adapter edge. An API failure from lib/ (HttpError
 *   of a channel client, WmsError of a WMS provider: lib/http/errors apiFailureOf) becomes n8n's NodeApiError with
 *   the HTTP status as httpCode and the vendor's own words as description, so n8n's error view and its Retry On
 *   Fail / error workflow settings work as for n8n's own nodes; anything else a NodeOperationError. Either way the
 *   message and description are redacted (lib/http/errors redactText) with every secret of every credential this
 *   node loaded in this execution, on top of what the lib/ client already masked.
 * - credentialData(ctx, type): the one way nodes read a credential; it remembers the credential's secrets for
 *   nodeError (per execution context, never stored).
 * - credentialSecrets(type, data): a credential's secret values: every field its credential type shows as a
 *   password (typeOptions.password), plus WooCommerce's consumer key (half of its Basic pair).
 * - safeTest(type, credential, test): a credential test whose message, OK or not, carries none of them.
 */
import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type ICredentialType,
	type INode,
	type INodeCredentialTestResult,
	type JsonObject,
} from 'n8n-workflow';
import { apiFailureOf, redactText, type ApiFailure, type Secrets } from '../../lib/http/errors';
import { OmsAmazonSpApi } from '../../credentials/OmsAmazonSpApi.credentials';
import { OmsEbayApi } from '../../credentials/OmsEbayApi.credentials';
import { OmsEdiPartnerApi } from '../../credentials/OmsEdiPartnerApi.credentials';
import { OmsExtensivApi } from '../../credentials/OmsExtensivApi.credentials';
import { OmsGenericWmsApi } from '../../credentials/OmsGenericWmsApi.credentials';
import { OmsShipBobApi } from '../../credentials/OmsShipBobApi.credentials';
import { OmsShipHeroApi } from '../../credentials/OmsShipHeroApi.credentials';
import { OmsShopifyApi } from '../../credentials/OmsShopifyApi.credentials';
import { OmsStoreApi } from '../../credentials/OmsStoreApi.credentials';
import { OmsWalmartApi } from '../../credentials/OmsWalmartApi.credentials';
import { OmsWooCommerceApi } from '../../credentials/OmsWooCommerceApi.credentials';

/** Fields holding a secret that the credential form does not mask */
const ALSO_SECRET: Record<string, string[]> = { omsWooCommerceApi: ['consumerKey'] };

function secretFieldsOf(type: ICredentialType): string[] {
	const fields = type.properties.filter((p) => p.typeOptions?.password === true).map((p) => p.name);
	return [...new Set([...fields, ...(ALSO_SECRET[type.name] ?? [])])];
}

/** Secret field names by credential type name, read from the credential types themselves */
export const SECRET_FIELDS: Record<string, string[]> = Object.fromEntries(
	[OmsStoreApi, OmsShopifyApi, OmsWooCommerceApi, OmsAmazonSpApi, OmsEbayApi, OmsWalmartApi, OmsShipBobApi, OmsShipHeroApi, OmsExtensivApi, OmsGenericWmsApi, OmsEdiPartnerApi].map((C) => {
		const t = new C();
		return [t.name, secretFieldsOf(t)];
	}),
);

type Data = ICredentialDataDecryptedObject | Record<string, unknown>;

/** The secret values of a credential's data (as typed, and trimmed: the clients trim what they send) */
export function credentialSecrets(type: string, data: Data | null | undefined): string[] {
	const out = new Set<string>();
	for (const f of SECRET_FIELDS[type] ?? []) {
		const v = data?.[f];
		if (typeof v !== 'string' || !v) continue;
		out.add(v);
		out.add(v.trim());
	}
	return [...out].filter(Boolean);
}

const remembered = new WeakMap<object, Set<string>>();

/** Keep `secrets` out of every error nodeError builds for this execution context */
export function rememberSecrets(ctx: object, secrets: Secrets): void {
	let set = remembered.get(ctx);
	if (!set) remembered.set(ctx, (set = new Set()));
	for (const s of secrets) if (typeof s === 'string' && s) set.add(s);
}

/** The secrets remembered for this context */
export function secretsOf(ctx: object): string[] {
	return [...(remembered.get(ctx) ?? [])];
}

/** A credential's data, read through n8n, its secrets remembered for nodeError */
export async function credentialData(ctx: { getCredentials(type: string): Promise<ICredentialDataDecryptedObject> }, type: string): Promise<Record<string, unknown>> {
	const data = (await ctx.getCredentials(type)) as Record<string, unknown>;
	rememberSecrets(ctx, credentialSecrets(type, data));
	return data;
}

/**
 * The error n8n gets for `error` on this node (and item): NodeApiError for an API failure, NodeOperationError
 * otherwise, redacted with the credentials' secrets. An error that already is one of n8n's is redacted in place.
 */
export function nodeError(ctx: { getNode(): INode }, error: unknown, itemIndex?: number, prefix?: string): NodeApiError | NodeOperationError {
	const secrets = secretsOf(ctx);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return scrubbed(error, secrets);
	const node = ctx.getNode();
	const message = redactText(`${prefix ? `${prefix}: ` : ''}${error instanceof Error ? error.message : String(error)}`, secrets);
	const failure = apiFailureOf(error);
	const index = itemIndex === undefined ? {} : { itemIndex };
	if (!failure) return scrubbed(new NodeOperationError(node, message, index), secrets);
	const description = failure.vendorMessage ? redactText(failure.vendorMessage, secrets) : undefined;
	const httpCode = failure.status ? String(failure.status) : undefined;
	// the response object n8n keeps holds only these redacted words (never the lib error with its stack)
	const response: JsonObject = { message, ...(httpCode ? { httpCode } : {}), ...(failure.code ? { code: failure.code } : {}) };
	return scrubbed(new NodeApiError(node, response, { message, description, httpCode, ...index }), secrets);
}

/** n8n's error with its texts redacted once more: n8n may put words of its own around what it was given */
function scrubbed<E extends NodeApiError | NodeOperationError>(e: E, secrets: string[]): E {
	e.message = redactText(e.message, secrets);
	if (typeof e.description === 'string') e.description = redactText(e.description, secrets);
	if (typeof e.stack === 'string') e.stack = redactText(e.stack, secrets);
	e.messages = e.messages.map((m) => redactText(m, secrets));
	return e;
}

/**
 * An Error for `message` that carries an API failure lib/ reported as data (a WMS refusal the outbox recorded):
 * nodeError turns it into a NodeApiError with that status and vendor message.
 */
export function apiError(message: string, failure: ApiFailure | null | undefined): Error {
	const e = new Error(message);
	return failure ? Object.assign(e, failure) : e;
}

/** `fn`, with whatever it throws turned into n8n's error for this node (a trigger's webhook lifecycle, a poll) */
export async function orNodeError<T>(ctx: { getNode(): INode }, fn: () => Promise<T>, prefix?: string): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		throw nodeError(ctx, error, undefined, prefix);
	}
}

/** A credential test whose message carries none of the credential's secrets, whatever the test or server said */
export async function safeTest(
	type: string,
	credential: ICredentialsDecrypted,
	test: (data: Record<string, unknown>) => Promise<INodeCredentialTestResult>,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as Record<string, unknown>;
	const secrets = credentialSecrets(type, data);
	let result: INodeCredentialTestResult;
	try {
		result = await test(data);
	} catch (error) {
		result = { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
	return { ...result, message: redactText(result.message ?? '', secrets) };
}

/** A node-side credential test (methods.credentialTest) */
export type CredentialTest = (this: ICredentialTestFunctions, credential: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>;

/**
 * One credential test per registry entry (a channel, a WMS provider), under the name its credential's testedBy
 * gives: `run(ctx, name, credential)` tests the entry `name`.
 */
export function registryCredentialTests<N extends string>(
	entries: ReadonlyArray<{ name: N; credentialTest: string }>,
	run: (ctx: ICredentialTestFunctions, name: N, credential: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>,
): Record<string, CredentialTest> {
	return Object.fromEntries(
		entries.map((e) => [
			e.credentialTest,
			async function (this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return run(this, e.name, credential);
			},
		]),
	);
}
