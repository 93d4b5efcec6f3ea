/**
 * The OMS Billing node: parameters in, the billing flows (lib/flows: import-payouts.ts, reconcile-billing.ts) or the
 * store's ledger reads called, items out. Operations: Import Payouts (a channel's payouts with its credential, from
 * the stored cursor), Import Payout File (Amazon's settlement report), Reconcile (one item per flag), Get Order
 * Ledger. Bad input (an empty file, a date that is not one, an order without entries) is that item's error only.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { channelDefinition, isChannel } from '../../lib/channels/registry';
import { ItemError } from '../../lib/flows/item-error';
import { importPayoutFile, importPayoutsSince, type PayoutFileKind } from '../../lib/flows/import-payouts';
import { reconcileBilling } from '../../lib/flows/reconcile-billing';
import type { Store } from '../../lib/store/types';
import { CHANNEL_CREDENTIAL, CHANNEL_CREDENTIAL_TESTS, channelClient } from '../shared/channels';
import { errorItem, itemParameter } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description, OPERATION_NAMES, PAYOUT_CHANNEL_OPTIONS } from './description';

const PAYOUT_CHANNELS = PAYOUT_CHANNEL_OPTIONS.map((o) => String(o.value)).filter(isChannel);

function text(v: unknown): string {
	return typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v);
}

export class OmsBilling implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:omsBilling.svg', dark: 'file:omsBilling.dark.svg' },
		group: ['transform'],
		subtitle: subtitle('{operation}', { operation: OPERATION_NAMES }),
		// Not offered to AI agents: it writes the seller's money ledger. (n8n's lint wants the decision written down.)
		usableAsTool: undefined,
		credentials: [
			...PAYOUT_CHANNELS.map((ch) => ({
				name: CHANNEL_CREDENTIAL[ch],
				required: false,
				testedBy: channelDefinition(ch)!.credentialTest,
				displayOptions: { show: { operation: ['importPayouts'], channel: [ch] } },
			})),
			{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' },
		],
	};

	methods = { credentialTest: { ...CHANNEL_CREDENTIAL_TESTS, omsStoreConnectionTest } as typeof CHANNEL_CREDENTIAL_TESTS };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATION_NAMES;
		const store = await getStore(this);
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				out.push(...(await run(this, store, operation, i, items)));
			} catch (error) {
				out.push(errorItem(this, error, i));
			}
		}
		return [out];
	}
}

async function run(ctx: IExecuteFunctions, store: Store, operation: keyof typeof OPERATION_NAMES, i: number, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const item = (json: IDataObject): INodeExecutionData => ({ json, pairedItem: { item: i } });
	if (operation === 'importPayouts') {
		const ch = ctx.getNodeParameter('channel', i) as string;
		if (!isChannel(ch) || !PAYOUT_CHANNELS.includes(ch)) {
			throw new ItemError(ch === 'woocommerce' ? "WooCommerce has no payout data in its API: import the payment gateway's export instead" : `No payout import for channel ${JSON.stringify(ch)}`);
		}
		const client = await channelClient(ctx, ch);
		const from = ctx.getNodeParameter('sinceMode', i, 'stored') as 'stored' | 'time';
		const r = await importPayoutsSince(store, client, { from, since: text(ctx.getNodeParameter('since', i, '')) });
		return [item({ operation, ...(r as unknown as IDataObject) })];
	}
	if (operation === 'importFile') {
		const r = await importPayoutFile(store, {
			kind: ctx.getNodeParameter('fileKind', i) as PayoutFileKind,
			account: text(ctx.getNodeParameter('account', i, '')),
			text: String(itemParameter(ctx, 'fileText', i, items) ?? ''),
		});
		return [item({ operation, ...(r as unknown as IDataObject) })];
	}
	if (operation === 'reconcile') {
		const ch = ctx.getNodeParameter('reconcileChannel', i, 'all') as string;
		const days = ctx.getNodeParameter('unsettledAfterDays', i, 14) as number;
		const r = await reconcileBilling(store, { channel: ch === 'all' ? undefined : ch, unsettledAfterDays: days });
		if (ctx.getNodeParameter('reconcileOutput', i, 'flags') === 'summary') {
			return [item({ operation, flagCount: r.flags.length, orders: r.orders, payouts: r.payouts, flags: r.flags as unknown as IDataObject[] })];
		}
		return r.flags.map((f) => item({ operation, ...(f as unknown as IDataObject) }));
	}
	const omsId = text(itemParameter(ctx, 'omsId', i, items));
	if (!omsId) throw new ItemError('OMS ID is empty: give the order as channel:channelOrderId');
	const [entries, balances] = await Promise.all([store.orderLedger(omsId), store.orderBalances({ omsIds: [omsId] })]);
	if (!entries.length) throw new ItemError(`No ledger entries for order ${omsId} (recorded before billing, or not an order of the OMS)`);
	return [item({ operation, omsId, balances: balances as unknown as IDataObject[], entries: entries as unknown as IDataObject[] })];
}
