/**
 * The OMS Billing node's description: name, version, inputs and outputs, parameters. The class (./OmsBilling.node.ts)
 * adds what n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';
import { CHANNEL_PAYOUTS, channelLabel } from '../../lib/channels/registry';
import { DEFAULT_UNSETTLED_DAYS } from '../../lib/flows/reconcile-billing';
import { CHANNEL_OPTIONS } from '../shared/channels';
import { STORE_NOTICE } from '../shared/store';

/** The channels with a payout import (Import Payouts), by name */
export const PAYOUT_CHANNEL_OPTIONS: INodePropertyOptions[] = Object.keys(CHANNEL_PAYOUTS)
	.map((c) => ({ name: channelLabel(c), value: c }))
	.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));

export const OPERATION_NAMES = {
	getOrderLedger: 'Get Order Ledger',
	importFile: 'Import Payout File',
	importPayouts: 'Import Payouts',
	reconcile: 'Reconcile',
} as const;

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'OMS Billing',
	name: 'omsBilling',
	version: 1,
	description: "Every order's money: import the channels' payouts and fees, reconcile them with the orders, read an order's ledger",
	defaults: { name: 'OMS Billing' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: OPERATION_NAMES.getOrderLedger, value: 'getOrderLedger', description: "An order's ledger entries and what the channel still owes for it", action: 'Get an order ledger' },
				{
					name: OPERATION_NAMES.importFile,
					value: 'importFile',
					description: "Import a payout file (Amazon's settlement report, Stripe's balance export for WooCommerce) into the ledger",
					action: 'Import a payout file',
				},
				{
					name: OPERATION_NAMES.importPayouts,
					value: 'importPayouts',
					description: "Import a channel's payouts, fees and refunds since the last run into the ledger",
					action: 'Import payouts',
				},
				{ name: OPERATION_NAMES.reconcile, value: 'reconcile', description: 'Compare what each order and payout should be with what was paid, and flag the differences', action: 'Reconcile payouts' },
			],
			default: 'importPayouts',
		},
		// ---- Import Payouts
		{
			displayName: 'Channel',
			name: 'channel',
			type: 'options',
			noDataExpression: true,
			options: PAYOUT_CHANNEL_OPTIONS,
			default: PAYOUT_CHANNEL_OPTIONS[0]?.value ?? 'shopify',
			description: 'The channel whose payouts to import, with its credential. WooCommerce has no payout data in its API: import the payment gateway\'s export instead.',
			displayOptions: { show: { operation: ['importPayouts'] } },
		},
		{
			displayName: 'Since',
			name: 'sinceMode',
			type: 'options',
			options: [
				{ name: 'Stored Cursor', value: 'stored', description: 'Where the last run of this channel account stopped (kept in the OMS store); the first run starts at Since Time' },
				{ name: 'Time', value: 'time', description: 'Everything since a time (nothing stored)' },
			],
			default: 'stored',
			displayOptions: { show: { operation: ['importPayouts'] } },
		},
		{
			displayName: 'Since Time',
			name: 'since',
			type: 'string',
			default: '={{ $now.minus({ days: 30 }).toISO() }}',
			description: 'ISO 8601 time: the start of a Time run, and of the first Stored Cursor run',
			displayOptions: { show: { operation: ['importPayouts'] } },
		},
		// ---- Import Payout File
		{
			displayName: 'File Kind',
			name: 'fileKind',
			type: 'options',
			options: [
				{ name: 'Amazon Settlement Report (Flat File V2)', value: 'amazon_settlement_v2', description: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2, tab-separated' },
				{ name: 'Stripe Balance Export (WooCommerce)', value: 'stripe_balance_csv', description: "Stripe's itemized balance change report (CSV), the order in payment_metadata[order_id]" },
			],
			default: 'amazon_settlement_v2',
			displayOptions: { show: { operation: ['importFile'] } },
		},
		{
			displayName: 'File Text',
			name: 'fileText',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '={{ $json.text }}',
			description: "The file's content as text (for a downloaded file: Extract From File's Text operation first)",
			displayOptions: { show: { operation: ['importFile'] } },
		},
		{
			displayName: 'Account',
			name: 'account',
			type: 'string',
			default: 'amazon',
			description: 'Which seller account the file belongs to (kept on its payouts), for example the marketplace and seller ID',
			displayOptions: { show: { operation: ['importFile'] } },
		},
		// ---- Reconcile
		{
			displayName: 'Channel',
			name: 'reconcileChannel',
			type: 'options',
			options: [{ name: 'All Channels', value: 'all' }, ...CHANNEL_OPTIONS],
			default: 'all',
			displayOptions: { show: { operation: ['reconcile'] } },
		},
		{
			displayName: 'Unsettled After (Days)',
			name: 'unsettledAfterDays',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_UNSETTLED_DAYS,
			description: 'A shipped order that no payout has paid this many days after it shipped is flagged',
			displayOptions: { show: { operation: ['reconcile'] } },
		},
		{
			displayName: 'Output',
			name: 'reconcileOutput',
			type: 'options',
			options: [
				{ name: 'One Item per Flag', value: 'flags', description: 'Nothing when everything adds up' },
				{ name: 'One Summary Item', value: 'summary', description: 'The counts and every flag in one item, always' },
			],
			default: 'flags',
			displayOptions: { show: { operation: ['reconcile'] } },
		},
		// ---- Get Order Ledger
		{
			displayName: 'OMS ID',
			name: 'omsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			description: 'The order (channel:channelOrderId)',
			displayOptions: { show: { operation: ['getOrderLedger'] } },
		},
	],
};
