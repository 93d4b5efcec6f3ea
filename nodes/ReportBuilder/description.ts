/**
 * The ReportBuilder node's description: name, version, inputs and outputs, parameters. The class (./ReportBuilder.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { REPORTS, type ReportName } from '../../lib/report';
import { STORE_NOTICE } from '../shared/store';
import { CHANNEL_OPTIONS } from '../shared/channels';

const PERIODIC = (Object.keys(REPORTS) as ReportName[]).filter((r) => REPORTS[r].periodic);

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'OMS Report',
	name: 'reportBuilder',
	version: 1,
	description:
		'Reports from the OMS store grouped by order source: orders by channel, status, day and SKU, what needs attention, backorders, fraud decisions, fulfilment SLA, inventory and returns, as items, CSV, an HTML page with charts or a Markdown summary',
	defaults: { name: 'OMS Report' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Report',
			name: 'report',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Attention (What a Person Must Act On)',
					value: 'attention',
					description: 'Fraud reviews, held orders, failed WMS deliveries, stuck orders and EDI 940s without a 997, oldest first (now, not a period); empty when nothing is owed',
					action: 'Report what needs attention',
				},
				{
					name: 'Backorders by SKU',
					value: 'backorders',
					description: 'Units waiting for stock per SKU, the orders waiting and the oldest one’s age (now, not a period)',
					action: 'Report backorders by SKU',
				},
				{
					name: 'Fraud Decisions by Channel and Rule',
					value: 'fraud',
					description: 'Orders screened, passed, held for review and rejected per channel, and the rules that fired',
					action: 'Report fraud decisions',
				},
				{
					name: 'Fulfilment SLA per Channel',
					value: 'sla',
					description: 'Placed to shipped p50 and p90 per channel, orders shipped after their ship-by and orders past it',
					action: 'Report the fulfilment SLA',
				},
				{
					name: 'Inventory Position per SKU',
					value: 'inventory',
					description: 'On hand, reserved, safety stock, available to promise and the quantity published to each channel (now)',
					action: 'Report the inventory position',
				},
				{
					name: 'Orders by Channel',
					value: 'byChannel',
					description: 'Sold orders, units and revenue per channel (one row per currency)',
					action: 'Report orders by channel',
				},
				{
					name: 'Orders by Day and Channel',
					value: 'byDay',
					description: 'Sold orders, units and revenue per day (or week, or month) and channel, in the time zone',
					action: 'Report orders by day and channel',
				},
				{
					name: 'Orders by Status',
					value: 'byStatus',
					description: 'How many sold orders placed in the period are in each OMS status, per channel',
					action: 'Report orders by status',
				},
				{
					name: 'Returns by Reason',
					value: 'returnsByReason',
					description:
						"Return lines requested per normalised reason and currency, with whose fault it is (the seller's or the customer's): returns, units returned, the return rate over the units shipped, refunds owed and refunded",
					action: 'Report returns by reason',
				},
				{
					name: 'Returns by SKU',
					value: 'returnsBySku',
					description: 'The SKUs with the most units returned, per currency: returns, units returned, the SKU’s units shipped and its return rate, refunds owed and refunded',
					action: 'Report returns by SKU',
				},
				{
					name: 'Returns by Source',
					value: 'returns',
					description:
						'Returns requested per channel and currency: units returned, the return rate over the units shipped, the units per reason, open, closed, declined and cancelled returns, refunds owed and refunded',
					action: 'Report returns by source',
				},
				{
					name: 'Top SKUs',
					value: 'topSkus',
					description: 'The best-selling SKUs by units of sold orders, with revenue per currency',
					action: 'Report the top SKUs',
				},
			],
			default: 'byChannel',
		},
		{
			displayName: 'Period',
			name: 'period',
			type: 'options',
			options: [
				{ name: 'Custom Range', value: 'custom' },
				{ name: 'Last Month', value: 'lastMonth' },
				{ name: 'Last N Days', value: 'lastNDays', description: 'The N whole days before today' },
				{ name: 'Last Week', value: 'lastWeek', description: 'Monday to Sunday' },
				{ name: 'This Month', value: 'thisMonth', description: 'From the 1st to now' },
				{ name: 'This Week', value: 'thisWeek', description: 'From Monday to now' },
				{ name: 'Today', value: 'today', description: 'From midnight to now' },
				{ name: 'Yesterday', value: 'yesterday' },
			],
			default: 'yesterday',
			description: 'Which orders to count, by when they were placed (returns: by when they were requested), in the time zone below',
			displayOptions: { show: { report: PERIODIC } },
		},
		{
			displayName: 'Days',
			name: 'days',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3660 },
			default: 7,
			description: 'How many whole days before today',
			displayOptions: { show: { report: PERIODIC, period: ['lastNDays'] } },
		},
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '',
			required: true,
			placeholder: '2026-05-01',
			description: 'First day (YYYY-MM-DD, from its midnight) or an ISO date-time, in the time zone',
			displayOptions: { show: { report: PERIODIC, period: ['custom'] } },
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			default: '',
			required: true,
			placeholder: '2026-05-31',
			description: 'Last day, included (YYYY-MM-DD), or an ISO date-time, excluded, in the time zone',
			displayOptions: { show: { report: PERIODIC, period: ['custom'] } },
		},
		{
			displayName: 'Time Zone',
			name: 'timeZone',
			type: 'string',
			default: '',
			placeholder: 'America/Los_Angeles',
			description: 'IANA time zone for days, weeks and months. Empty: the workflow’s time zone.',
		},
		{
			displayName: 'Compare with Previous Period',
			name: 'compare',
			type: 'boolean',
			default: false,
			description: 'Whether to add the previous period of the same length beside every figure (e.g. yesterday and the day before)',
			displayOptions: { show: { report: PERIODIC } },
		},
		{
			displayName: 'Group By',
			name: 'interval',
			type: 'options',
			options: [
				{ name: 'Day', value: 'day' },
				{ name: 'Week (Monday)', value: 'week' },
				{ name: 'Month', value: 'month' },
			],
			default: 'day',
			description: 'Size of the date buckets',
			displayOptions: { show: { report: ['byDay'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'Max number of results to return',
			displayOptions: { show: { report: ['topSkus', 'returnsBySku'] } },
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: 'Rows as Items', value: 'items', description: 'One item per row of the report, for further nodes' },
				{ name: 'One Item with Files', value: 'files', description: 'One item with the summary, and the report as CSV, HTML or Markdown binary files' },
			],
			default: 'items',
		},
		{
			displayName: 'Files',
			name: 'files',
			type: 'multiOptions',
			options: [
				{ name: 'CSV', value: 'csv' },
				{ name: 'HTML Page with Charts', value: 'html' },
				{ name: 'Markdown Summary', value: 'markdown' },
			],
			default: ['csv', 'html', 'markdown'],
			displayOptions: { show: { output: ['files'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'As Of',
					name: 'asOf',
					type: 'dateTime',
					default: '',
					description: 'Build the report as if it were this moment (e.g. to re-run yesterday’s report later). Empty: now.',
				},
				{ displayName: 'Channels', name: 'channels', type: 'multiOptions', options: CHANNEL_OPTIONS, default: [], description: 'Only these channels. None: all.' },
				{
					displayName: 'CSV Binary Property',
					name: 'csvProperty',
					type: 'string',
					default: 'csv',
					description: 'Name of the binary property for the CSV file',
				},
				{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', placeholder: 'orders-by-channel', description: 'File name without extension. Empty: the report and the period.' },
				{
					displayName: 'HTML Binary Property',
					name: 'htmlProperty',
					type: 'string',
					default: 'html',
					description: 'Name of the binary property for the HTML page',
				},
				{
					displayName: 'Include Rejected, Cancelled and Fraud-Review Orders',
					name: 'includeUnsold',
					type: 'boolean',
					default: false,
					description:
						'Whether to count orders the fraud gate rejected or holds for review, and cancelled orders, in the order counts, units and revenue. Off: sold orders only (orders on hold for payment or an address and backorders count). The fraud, backorder, inventory and returns reports are not affected.',
				},
				{
					displayName: 'Markdown Binary Property',
					name: 'markdownProperty',
					type: 'string',
					default: 'markdown',
					description: 'Name of the binary property for the Markdown summary',
				},
			],
		},
	],
};
