/**
 * The Wms node's description: name, version, inputs and outputs, parameters. The class (./Wms.node.ts) adds what
 * n8n's node review (its lint) reads there: icon, group, subtitle, usableAsTool, credentials.
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { WMS_REGISTRY } from '../../lib/wms';
import { STORE_NOTICE } from '../shared/store';

/** The Provider options: each registered provider by its option name (sorted, as n8n wants options) */
export const PROVIDER_OPTIONS = WMS_REGISTRY.map((p) => ({ name: p.optionName, value: p.name })).sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));

const show = (resource: string, operation: string[], extra: Record<string, unknown[]> = {}) => ({
	show: { resource: [resource], operation, ...extra },
});

/** Each provider's own fields (Generic REST's), shown only when it is the provider */
const PROVIDER_PROPERTIES: INodeProperties[] = WMS_REGISTRY.flatMap((p) =>
	(p.node?.properties ?? []).map((prop) => ({ ...prop, displayOptions: { ...prop.displayOptions, show: { provider: [p.name], ...prop.displayOptions?.show } } })),
);

export const description: Omit<INodeTypeDescription, 'icon' | 'group' | 'subtitle' | 'usableAsTool' | 'credentials'> = {
	displayName: 'WMS',
	name: 'wms',
	version: 1,
	description:
		'Push ready orders to the warehouse (ShipBob, ShipHero, Extensiv 3PL Warehouse Manager or any REST WMS) through an outbox, and pull status, tracking and inventory back',
	defaults: { name: 'WMS' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [
		STORE_NOTICE,
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			noDataExpression: true,
			options: PROVIDER_OPTIONS,
			default: 'shipbob',
		},
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Inventory', value: 'inventory' },
				{ name: 'Order', value: 'order' },
				{ name: 'Return', value: 'return' },
				{ name: 'Shipment', value: 'shipment' },
			],
			default: 'order',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['return'] } },
			options: [
				{
					name: 'Create',
					value: 'create',
					description:
						'Tell the warehouse an authorised return is coming (ShipBob return order, ShipHero return), once per return through the outbox: a WMS that does not answer is asked again by Order > Retry Pending; Extensiv 3PL Warehouse Manager and Generic REST have no returns API (nothing is owed)',
					action: 'Create a return at the WMS',
				},
				{
					name: 'Get Updates',
					value: 'getUpdates',
					description:
						'Read the returns told to this WMS that the OMS still waits for: one item per return the warehouse received, processed or cancelled, with the units received and their dispositions (for OMS Returns > Apply Warehouse Receipt)',
					action: 'Get return updates',
				},
			],
			default: 'create',
		},
		{
			displayName: 'Return ID',
			name: 'returnId',
			type: 'string',
			default: '={{ $json.returnId }}',
			required: true,
			displayOptions: show('return', ['create']),
			placeholder: 'shopify:123456',
			description: 'The OMS return ID (channel:channel return ID), as OMS Returns outputs it',
		},

		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['order'] } },
			options: [
				{
					name: 'Apply Channel Change',
					value: 'applyChannelChange',
					description:
						'The WMS’s part of a channel change (OMS Order > Apply Channel Change, At the WMS): cancel at the WMS then release, or hold the order when the WMS refuses; a new address goes to the WMS where the provider has an address update (ShipBob), else the order is held for a person',
					action: 'Apply a channel change at the WMS',
				},
				{
					name: 'Cancel',
					value: 'cancel',
					description:
						'Cancel the order at the WMS (every shipment of it) and in the OMS, through the outbox: a WMS that does not answer is asked again by Retry Pending (the order held cancel owed); run again to ask again a cancel refused or failed for good',
					action: 'Cancel an order at the WMS',
				},
				{
					name: 'Create',
					value: 'create',
					description: 'Send ready orders to the WMS through the outbox (idempotent by OMS ID); not-ready orders are refused',
					action: 'Create orders at the WMS',
				},
				{ name: 'Get', value: 'get', description: 'Read the order at the WMS, with the stored order', action: 'Get an order from the WMS' },
				{
					name: 'Retry Pending',
					value: 'retryPending',
					description: 'Send every due delivery of the outbox again (with backoff), then every due cancel, address update and return owed to the WMS; one item per delivery or call',
					action: 'Retry pending deliveries and calls',
				},
			],
			default: 'create',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['shipment'] } },
			options: [
				{
					name: 'Get Updates',
					value: 'getUpdates',
					description: 'Pull status and tracking since the stored cursor; emits each newly shipped package once',
					action: 'Get shipment updates',
				},
			],
			default: 'getUpdates',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['inventory'] } },
			options: [{ name: 'Get Levels', value: 'getLevels', description: 'Stock per SKU and location at the WMS', action: 'Get inventory levels' }],
			default: 'getLevels',
		},
		{
			displayName: 'Use Split Shipment Fields',
			name: 'useShipmentFields',
			type: 'boolean',
			default: true,
			displayOptions: show('order', ['create']),
			description:
				'Whether to send only the item’s shipmentLines as WMS order number shipmentNo when the item has them (Backorder Gate Ready/Partial); otherwise the whole order as shipment 1',
		},
		{
			displayName: 'OMS ID',
			name: 'omsId',
			type: 'string',
			default: '={{ $json.omsId }}',
			required: true,
			displayOptions: show('order', ['cancel', 'get']),
			placeholder: 'shopify:450789469',
		},
		{
			displayName: 'Shipment Number',
			name: 'shipmentNo',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1 },
			displayOptions: show('order', ['get']),
			description: 'Which WMS order of a split order (1 = the first or only one)',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 100,
			typeOptions: { minValue: 1 },
			// Order > Retry Pending, Return > Get Updates (neither resource has the other's operation)
			displayOptions: { show: { resource: ['order', 'return'], operation: ['retryPending', 'getUpdates'] } },
			description: 'Max number of due deliveries, and of due cancels, address updates and returns, to send in this run (Retry Pending); of returns to read, the longest unchanged first (Return > Get Updates)',
		},
		{
			displayName: 'Include Raw Payload',
			name: 'keepRaw',
			type: 'boolean',
			default: false,
			displayOptions: show('order', ['create', 'get']),
			description: 'Whether to keep the channel’s raw payload on output orders',
		},
		...PROVIDER_PROPERTIES,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Attempts per Call',
					name: 'attempts',
					type: 'number',
					default: 3,
					typeOptions: { minValue: 1, maxValue: 10 },
					description: 'Tries of one HTTP call on 429/5xx/timeouts before the outbox takes over (with its own backoff)',
				},
				{
					displayName: 'Backoff Base (Seconds)',
					name: 'backoffBaseSeconds',
					type: 'number',
					default: 30,
					typeOptions: { minValue: 0 },
					description: 'Outbox: the first retry of a failed delivery, cancel or address update waits this long, doubling each time (jittered, at most an hour)',
				},
				{ displayName: 'Client-Side Rate Limit', name: 'rateLimit', type: 'boolean', default: true, description: 'Whether to pace calls to the provider’s published limits' },
				{
					displayName: 'Max Delivery Attempts',
					name: 'maxAttempts',
					type: 'number',
					default: 8,
					typeOptions: { minValue: 1 },
					description: 'Outbox: after this many failed attempts a delivery, cancel or address update is marked failed with its last error (listed in the Attention queue)',
				},
				{ displayName: 'Timeout (Ms)', name: 'timeoutMs', type: 'number', default: 30000, typeOptions: { minValue: 100 } },
			],
		},
	],
};
