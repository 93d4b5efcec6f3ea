/**
 * The Edi node's description: name, version, inputs and outputs, parameters. The class (./Edi.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { READABLE_SETS } from '../../lib/edi';
import { STORE_NOTICE } from '../shared/store';

export type Op = 'parse' | 'acknowledge' | 'generate940' | 'apply945' | 'reconcile997' | 'listPending' | 'generate855' | 'generate856' | 'generate810';

/** Operations whose input is X12 text (a file or a JSON field) */
const TEXT_IN: Op[] = ['parse', 'acknowledge', 'apply945', 'reconcile997'];

/** Operations whose output is X12 text */
const TEXT_OUT: Op[] = ['acknowledge', 'generate940', 'generate855', 'generate856', 'generate810'];

const show = (operation: Op[], extra: Record<string, unknown[]> = {}) => ({ show: { operation, ...extra } });

const TEXT_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file from Read/Write Files from Disk, FTP or SFTP' },
			{ name: 'JSON Field', value: 'json', description: 'The X12 text in a field of the item' },
		],
		default: 'binary',
		displayOptions: show(TEXT_IN),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: show(TEXT_IN, { inputSource: ['binary'] }),
		description: 'The binary field that holds the X12 file',
	},
	{
		displayName: 'Text Field',
		name: 'textField',
		type: 'string',
		default: 'edi',
		displayOptions: show(TEXT_IN, { inputSource: ['json'] }),
		description: 'The JSON field that holds the X12 text',
	},
	{
		displayName: 'Put Output in Binary File',
		name: 'outputBinary',
		type: 'boolean',
		default: true,
		displayOptions: show(TEXT_OUT),
		description: 'Whether to put the X12 text in a binary file as well (for Read/Write Files from Disk, FTP or SFTP); it is always in the JSON field "edi"',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: show(TEXT_OUT, { outputBinary: [true] }),
	},
];

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'EDI X12',
	name: 'edi',
	version: 1,
	description:
		'X12 EDI with 3PL warehouses (940 out; 945, 846, 997 in) and retailers (850 in; 855, 856, 810 out): parse, generate with store-kept control numbers, acknowledge, and apply to the OMS',
	defaults: { name: 'EDI X12' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Document', value: 'document', description: 'Any received X12 file: parse it, or acknowledge it with a 997' },
				{ name: 'Retailer', value: 'retailer', description: 'Send 855, 856 and 810 back for a retailer\'s 850 orders' },
				{ name: 'Warehouse', value: 'warehouse', description: 'A 3PL that speaks EDI: 940 out, 945 and 997 in' },
			],
			default: 'document',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['document'] } },
			options: [
				{ name: 'Acknowledge (997)', value: 'acknowledge', description: 'Write the 997 for a received interchange: each transaction set accepted, or rejected with the segment and element', action: 'Acknowledge a received interchange' },
				{ name: 'Parse', value: 'parse', description: 'Read an X12 file into items: 850 as canonical orders, 846 as inventory levels, and the rest as data', action: 'Parse an X12 document' },
			],
			default: 'parse',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['warehouse'] } },
			options: [
				{ name: 'Apply 945 Shipping Advice', value: 'apply945', description: 'Ship orders with tracking from the warehouse\'s 945, as the WMS node\'s Get Updates does; one item per new package', action: 'Apply warehouse shipping advice' },
				{ name: 'Generate 940 Shipping Order', value: 'generate940', description: 'Send ready orders to an EDI warehouse: once per order, recorded in the outbox (pending until the 997)', action: 'Generate a 940 warehouse shipping order' },
				{ name: 'List Unacknowledged 940s', value: 'listPending', description: 'Every 940 still waiting for the warehouse\'s 997', action: 'List unacknowledged 940s' },
				{ name: 'Reconcile 997', value: 'reconcile997', description: 'Mark the 940s a warehouse\'s 997 accepts as acknowledged and the rejected ones as failed', action: 'Reconcile functional acknowledgments' },
			],
			default: 'generate940',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['retailer'] } },
			options: [
				{ name: 'Generate 810 Invoice', value: 'generate810', description: 'Invoice a retailer\'s order', action: 'Generate an 810 invoice' },
				{ name: 'Generate 855 PO Acknowledgment', value: 'generate855', description: 'Acknowledge a retailer\'s 850 (accepted, backordered lines from the allocation, or rejected)', action: 'Generate an 855 PO acknowledgment' },
				{ name: 'Generate 856 Ship Notice (ASN)', value: 'generate856', description: 'Tell a retailer what shipped, from the packages the OMS recorded', action: 'Generate an 856 ship notice' },
			],
			default: 'generate855',
		},
		...TEXT_PROPERTIES,
		{
			displayName: 'Expected Transaction Set',
			name: 'expect',
			type: 'options',
			options: [{ name: 'Any (Detect From ST01)', value: 'any' }, ...READABLE_SETS.map((s) => ({ name: s, value: s }))],
			default: 'any',
			displayOptions: show(['parse']),
			description: 'Refuse a file holding another set',
		},
		{
			displayName: 'Use Split Shipment Fields',
			name: 'useShipmentFields',
			type: 'boolean',
			default: true,
			displayOptions: show(['generate940']),
			description:
				'Whether to send only the item\'s shipmentLines as shipment shipmentNo (what the Backorder Gate sets: the allocated part of a backordered order, a released later shipment), as the WMS node does',
		},
		{
			displayName: 'Reject Order',
			name: 'reject',
			type: 'boolean',
			default: false,
			displayOptions: show(['generate855']),
			description: 'Whether to reject the whole purchase order (BAK02 RJ, every line IR) instead of accepting it',
		},
		{
			displayName: 'Invoice Number',
			name: 'invoiceNumber',
			type: 'string',
			default: '={{ $json.channelOrderId }}',
			required: true,
			displayOptions: show(['generate810']),
			description: 'BIG02; must be unique with the retailer',
		},
		{
			displayName: 'Invoice Shipped Quantities Only',
			name: 'shippedOnly',
			type: 'boolean',
			default: true,
			displayOptions: show(['generate810']),
			description: 'Whether to invoice what the OMS recorded as shipped (refused while nothing shipped) instead of every ordered unit',
		},
		{
			displayName: 'Only the Partner\'s Orders',
			name: 'partnerOrdersOnly',
			type: 'boolean',
			default: true,
			displayOptions: show(['generate855', 'generate856', 'generate810']),
			description:
				'Whether to skip orders of other channels than this retailer\'s (the credential\'s Retailer Channel Name, else edi-&lt;partner ID&gt;), so the input may be every shipped order',
		},
		{
			displayName: 'Send Once',
			name: 'sendOnce',
			type: 'boolean',
			default: true,
			displayOptions: show(['acknowledge', 'generate856', 'generate810']),
			description:
				'Whether to skip what was sent before to this partner: the 997 for the same received interchange, the 856 for the same packages, the 810 with the same invoice number (so a schedule that reads the same files or orders again sends each once)',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: show(['parse', 'acknowledge', 'apply945', 'reconcile997']),
			options: [
				{ displayName: 'Available Qualifiers (846)', name: 'availableQualifiers', type: 'string', default: '33', description: 'QTY01 codes read as available, comma-separated, first found wins' },
				{ displayName: 'Check Sender and Receiver IDs', name: 'checkParties', type: 'boolean', default: true, description: 'Whether to refuse an interchange that is not from the partner to us' },
				{ displayName: 'Default Country', name: 'defaultCountry', type: 'string', default: '', placeholder: 'US', description: 'ISO country for addresses whose N4 has none; empty: such an address is refused' },
				{ displayName: 'Default Currency', name: 'defaultCurrency', type: 'string', default: '', placeholder: 'USD', description: 'For 850s and 810s without a CUR segment; empty: such a document is refused' },
				{ displayName: 'Location (846)', name: 'location', type: 'string', default: '', description: 'The stock location when the 846 has no N1*WH; empty: default' },
				{ displayName: 'On-Hand Qualifiers (846)', name: 'onHandQualifiers', type: 'string', default: '17', description: 'QTY01 codes read as on hand, comma-separated, first found wins' },
			],
		},
	],
};
