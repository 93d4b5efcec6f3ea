/**
 * Channel glue shared by the polling triggers and the Marketplace node: which n8n credential belongs to which
 * channel, credential data -> the client credential shapes of lib/channels/types.ts (1:1 field names), building a
 * client on n8n's request helper (createN8nRequest over this.helpers.httpRequest) with a stable credentialId so the
 * process-wide token cache and rate limiters are shared by every node using the same credential, and the node-side
 * credential tests (n8n's declarative `test` request cannot do a token exchange first).
 *
 * What differs per channel (credential type, label, data mapping, client, test name) comes from the channel
 * registry (lib/channels/registry.ts); nothing here names a channel.
 */
import {
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeCredentialTestResult,
	type INodePropertyOptions,
	type IPollFunctions,
} from 'n8n-workflow';
import { createChannelClient, type ChannelCredentialsOf } from '../../lib/channels/clients';
import { CHANNEL_REGISTRY, type ChannelName } from '../../lib/channels/registry';
import type { ChannelClient, ClientOptions } from '../../lib/channels/types';
import { createN8nRequest } from '../../lib/http/n8n';
import type { HttpRequestFn } from '../../lib/http/types';
import { TokenCache } from '../../lib/http/token-cache';
import { LimiterRegistry } from '../../lib/http/limiters';
import { credentialData, nodeError, registryCredentialTests, safeTest, type CredentialTest } from './errors';

export { CHANNELS, isChannel, type ChannelName } from '../../lib/channels/registry';

const byName = <T>(pick: (c: (typeof CHANNEL_REGISTRY)[number]) => T): Record<ChannelName, T> =>
	Object.fromEntries(CHANNEL_REGISTRY.map((c) => [c.name, pick(c)])) as Record<ChannelName, T>;

/** The n8n credential type of each channel */
export const CHANNEL_CREDENTIAL: Record<ChannelName, string> = byName((c) => c.credentialType);

/** Each channel's name as people write it */
export const CHANNEL_LABEL: Record<ChannelName, string> = byName((c) => c.label);

/** The channels as node options (sorted by name, as n8n wants options) */
export const CHANNEL_OPTIONS: INodePropertyOptions[] = CHANNEL_REGISTRY.map((c) => ({ name: c.label, value: c.name })).sort((a, b) =>
	a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }),
);

type Data = Record<string, unknown>;

/** n8n credential data -> the lib client credential of the channel (throws naming the missing fields). */
export function clientCredentials<N extends ChannelName>(channel: N, d: Data): ChannelCredentialsOf<N>;
export function clientCredentials(channel: ChannelName, d: Data): unknown {
	return CHANNEL_REGISTRY.find((c) => c.name === channel)!.credentialsFrom(d);
}

type Ctx = IExecuteFunctions | IPollFunctions;

/** The request function nodes use: n8n's helpers.httpRequest (proxies, outbound settings), never axios. */
export function nodeRequest(ctx: Ctx): HttpRequestFn {
	return n8nRequest(ctx);
}

/** The HttpRequestFn on this node's helpers.httpRequest */
export function n8nRequest(ctx: { helpers: { httpRequest(o: IHttpRequestOptions): Promise<unknown> } }): HttpRequestFn {
	return createN8nRequest((o) => ctx.helpers.httpRequest(o as unknown as IHttpRequestOptions));
}


/**
 * The request function inside a credential test: ICredentialTestFunctions only has the legacy `helpers.request`
 * (n8n's request-compatible adapter over its own HTTP stack), so translate the helper-style options to it.
 */
export function credentialTestRequest(ctx: ICredentialTestFunctions): HttpRequestFn {
	return createN8nRequest(async (o) => {
		const legacy: Record<string, unknown> = {
			uri: o.url,
			method: o.method,
			headers: o.headers,
			qs: o.qs,
			qsStringifyOptions: { arrayFormat: 'repeat' },
			resolveWithFullResponse: true,
			simple: false,
			timeout: o.timeout,
		};
		if (o.body !== undefined) legacy.body = o.body;
		if (o.json) legacy.json = true;
		return await ctx.helpers.request(legacy);
	});
}

/**
 * A client for `channel` from the node's credential of that channel. The credential id (stable across executions)
 * keys the shared token cache and limiters, so two nodes on one seller account share one rate budget.
 */
export async function channelClient(ctx: Ctx, channel: ChannelName, opts: ClientOptions = {}): Promise<ChannelClient> {
	const name = CHANNEL_CREDENTIAL[channel];
	if (!ctx.getNode().credentials?.[name]) {
		throw new NodeOperationError(ctx.getNode(), `Select a ${CHANNEL_LABEL[channel]} credential (${name}) on this node`);
	}
	const data = (await credentialData(ctx, name)) as Data;
	const ref = ctx.getNode().credentials?.[name];
	const credentialId = ref?.id ? `${name}:${ref.id}` : undefined;
	let creds: unknown;
	try {
		creds = clientCredentials(channel, data);
	} catch (error) {
		throw nodeError(ctx, error);
	}
	return createChannelClient(channel, creds, nodeRequest(ctx), { credentialId, ...opts });
}

async function testChannel(ctx: ICredentialTestFunctions, channel: ChannelName, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest(CHANNEL_CREDENTIAL[channel], credential, async (data) => {
		const creds = clientCredentials(channel, data);
		// a fresh token cache: a test must really exchange these secrets, not reuse a token cached for the same refresh token
		const client = createChannelClient(channel, creds, credentialTestRequest(ctx), {
			tokens: new TokenCache(),
			limiters: new LimiterRegistry(),
			credentialId: `${CHANNEL_CREDENTIAL[channel]}:test:${credential.id ?? 'new'}`,
			retry: { maxAttempts: 2 },
		});
		const r = await client.testCredentials();
		return { status: r.ok ? 'OK' : 'Error', message: r.message };
	});
}

/** Each channel's node-side credential test, under its name (the credential's testedBy) */
export const CHANNEL_CREDENTIAL_TESTS: Record<string, CredentialTest> = registryCredentialTests(CHANNEL_REGISTRY, testChannel);

/** A channel's credential test under its name, with the node's other tests (`others`), for its methods.credentialTest */
export function channelCredentialTests(channel: ChannelName, others: Record<string, CredentialTest> = {}): Record<string, CredentialTest> {
	const c = CHANNEL_REGISTRY.find((x) => x.name === channel)!;
	return { [c.credentialTest]: CHANNEL_CREDENTIAL_TESTS[c.credentialTest], ...others };
}

export const amazonSpApiTest = CHANNEL_CREDENTIAL_TESTS.amazonSpApiTest;
export const ebayApiTest = CHANNEL_CREDENTIAL_TESTS.ebayApiTest;
export const walmartApiTest = CHANNEL_CREDENTIAL_TESTS.walmartApiTest;
