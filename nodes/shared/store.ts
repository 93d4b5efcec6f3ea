/**
 * How every OMS node reaches the store: the optional `omsStoreApi` credential, else the embedded default.
 * The decision of which store (and the refusal of SQLite in queue mode) lives in lib/store/open.ts.
 *
 * Each node declares the credential in its own description, as an object literal:
 *   { name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }
 * (with omsStoreConnectionTest in its methods.credentialTest), not through a shared constant: n8n's node lint
 * (eslint-plugin-n8n-nodes-base, run by `n8n-node lint`) reads a node's credentials from the literal and crashes on
 * any other element. test/nodes/descriptions.test.ts holds every node to that declaration.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	IPollFunctions,
	IWebhookFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import { credentialData, nodeError, safeTest } from './errors';

export const STORE_NOTICE: INodeProperties = {
	displayName:
		'Without an OMS Store credential this node uses the embedded SQLite store in the n8n user folder. For n8n queue mode, select a PostgreSQL OMS Store credential (the same on every node).',
	name: 'storeNotice',
	type: 'notice',
	default: '',
};

type Ctx = IExecuteFunctions | IPollFunctions | IWebhookFunctions;

/** The store of the node's credential; a store that cannot be opened is n8n's error for the node, redacted */
export async function getStore(ctx: Ctx): Promise<Store> {
	let data: Record<string, unknown> | null = null;
	const node = ctx.getNode();
	if (node.credentials?.omsStoreApi) {
		data = await credentialData(ctx, 'omsStoreApi');
	}
	try {
		return await openStore(storeConfigFromCredential(data));
	} catch (error) {
		// a PostgreSQL server's refusal may quote what it was sent
		throw nodeError(ctx, error);
	}
}

/** credentialTest for the omsStoreApi credential: opens (and migrates) the store and reads its schema version. */
export async function omsStoreConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	// a PostgreSQL server's refusal is shown as it comes: redacted, in case it quotes what it was sent
	return safeTest('omsStoreApi', credential, async (data) => {
		const store = await openStore(storeConfigFromCredential(data));
		const version = await store.schemaVersion();
		return { status: 'OK', message: `Connected: OMS store schema version ${version}` };
	});
}
