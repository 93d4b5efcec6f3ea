import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { compileRuleSet, computePublishable, RULE_APPLICATION_ORDER, validateChannelRuleSet, type ChannelRuleSet, type CompiledRuleSet } from '../../lib/allocation';
import { ruleParameterPath, ruleSetFromParameters, type RuleSetParameters } from '../../lib/allocation/parameters';
import { DEFAULT_LOCATION, type StockLevelInput, type Store } from '../../lib/store/types';
import { OrderNotFoundError } from '../../lib/store/rows';
import { errorItem } from '../shared/items';
import { getStore, omsStoreConnectionTest, STORE_NOTICE } from '../shared/store';
import { RULE_PARAMETERS } from './description';
import {
	atpFor,
	bundleIndex,
	channelList,
	ItemError,
	parseLines,
	publishChanges,
	publishedIndex,
	reserveOrders,
	stockLevelFromItem,
	syncStock,
	type QuantityChange,
} from './operations';
import { subtitle } from '../shared/subtitle';

function changeItem(c: QuantityChange, pairedIndex: number): INodeExecutionData {
	const json: IDataObject = { channel: c.channel, sku: c.sku, quantity: c.quantity, previous: c.previous, atp: c.atp, rule: c.rule, tier: c.tier };
	if (c.explain !== undefined) json.explain = c.explain;
	if (c.basis !== undefined) json.basis = c.basis;
	return { json, pairedItem: { item: pairedIndex } };
}

export class InventoryAllocator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inventory Allocator',
		name: 'inventoryAllocator',
		icon: { light: 'file:inventoryAllocator.svg', dark: 'file:inventoryAllocator.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle('{operation}', {
			operation: { commitShipment: 'Commit Shipment', preview: 'Preview', release: 'Release', reserve: 'Reserve', syncStock: 'Sync Stock' },
		}),
		description:
			'Keep stock and channel listings honest: sync WMS inventory, publish per-channel quantities from allocation rules, reserve orders atomically against available-to-promise',
		defaults: { name: 'Inventory Allocator' },
		// Not offered to AI agents: it reserves, releases and commits stock and publishes quantities.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		// The same two outputs for every operation, so that n8n never evaluates an expression to find them: it does so
		// for a node with outputs computed from its parameters whenever that node has an error output (On Error:
		// Continue (using error output)), and each execution that evaluates one builds a sandboxed isolate, which
		// costs more than the rest of a fulfilment execution.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Result', 'Quantity Changes'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
		properties: [
			STORE_NOTICE,
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Commit Shipment',
						value: 'commitShipment',
						description: 'Shipped units leave on hand and reserved (once per package)',
						action: 'Commit a shipment',
					},
					{
						name: 'Preview',
						value: 'preview',
						description: 'What each channel would be published under these rules, without writing anything',
						action: 'Preview channel quantities',
					},
					{
						name: 'Release',
						value: 'release',
						description: 'Give a cancelled order’s (or some lines’) reserved units back to available',
						action: 'Release reserved stock',
					},
					{
						name: 'Reserve',
						value: 'reserve',
						description: 'Reserve every line of each order against available-to-promise, atomically; annotates the order’s allocation',
						action: 'Reserve stock for orders',
					},
					{
						name: 'Sync Stock',
						value: 'syncStock',
						description: 'Take WMS inventory levels in; emit one item per channel and SKU whose listed quantity changed',
						action: 'Sync stock from the WMS',
					},
				],
				default: 'syncStock',
			},
			// Sync Stock
			{
				displayName: 'Input Fields',
				name: 'fields',
				type: 'collection',
				placeholder: 'Rename Field',
				default: {},
				displayOptions: { show: { operation: ['syncStock'] } },
				description: 'Field names of the WMS inventory items (defaults: sku, location, onHand)',
				options: [
					{ displayName: 'Location Field', name: 'location', type: 'string', default: 'location', description: 'Empty or missing location: the default location' },
					{ displayName: 'On Hand Field', name: 'onHand', type: 'string', default: 'onHand' },
					{ displayName: 'SKU Field', name: 'sku', type: 'string', default: 'sku' },
				],
			},
			// Release / Commit Shipment
			{
				displayName: 'OMS ID',
				name: 'omsId',
				type: 'string',
				default: '={{ $json.omsId }}',
				required: true,
				placeholder: 'shopify:450789469',
				description: 'The order’s OMS ID',
				displayOptions: { show: { operation: ['release', 'commitShipment'] } },
			},
			{
				displayName: 'Release',
				name: 'releaseScope',
				type: 'options',
				options: [
					{ name: 'Whole Order', value: 'all', description: 'Every unit reserved for the order' },
					{ name: 'Some Lines', value: 'lines', description: 'Only the SKUs and quantities given' },
				],
				default: 'all',
				displayOptions: { show: { operation: ['release'] } },
			},
			{
				displayName: 'Lines',
				name: 'releaseLines',
				type: 'json',
				default: '={{ $json.cancelLines }}',
				description: 'Units to release, as a list: [{ "sku": "MUG-1", "quantity": 2 }]',
				displayOptions: { show: { operation: ['release'], releaseScope: ['lines'] } },
			},
			{
				displayName: 'Package Key',
				name: 'packageKey',
				type: 'string',
				default: '={{ $json.packageKey }}',
				required: true,
				description: 'Unique per package (the WMS’s shipment ID or carrier + tracking number): committing the same package twice changes nothing',
				displayOptions: { show: { operation: ['commitShipment'] } },
			},
			{
				displayName: 'Shipped Lines',
				name: 'shippedLines',
				type: 'json',
				default: '={{ $json.lines }}',
				description: 'Units shipped in this package: [{ "sku": "MUG-1", "quantity": 2 }]',
				displayOptions: { show: { operation: ['commitShipment'] } },
			},
			// Preview
			{
				displayName: 'SKUs',
				name: 'previewSkus',
				type: 'string',
				default: '',
				placeholder: 'MUG-1, MUG-2',
				description: 'SKUs to preview, separated by commas; empty for every SKU',
				displayOptions: { show: { operation: ['preview'] } },
			},
			...RULE_PARAMETERS,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Explain',
						name: 'explain',
						type: 'boolean',
						default: true,
						description: 'Whether each quantity carries how it was reached (ATP, share, buffer, caps)',
					},
					{
						displayName: 'Full Recompute',
						name: 'fullRecompute',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/operation': ['syncStock'] } },
						description:
							'Whether to recompute every SKU, not only those whose stock changed (after editing the rules, or to re-send quantities a marketplace push failed to apply)',
					},
					{
						displayName: 'Only Differences',
						name: 'onlyDifferences',
						type: 'boolean',
						default: false,
						displayOptions: { show: { '/operation': ['preview'] } },
						description: 'Whether to list only the quantities that differ from what each channel was last published',
					},
					{
						displayName: 'Record as Published',
						name: 'recordPublished',
						type: 'boolean',
						default: true,
						displayOptions: { show: { '/operation': ['syncStock', 'reserve', 'release', 'commitShipment'] } },
						description:
							'Whether emitted quantities are recorded as published at once. Turn off when a later node confirms the marketplace push; then the next run emits them again until recorded (Full Recompute compares against what was recorded).',
					},
				],
			},
		],
	};

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const explain = options.explain !== false;
		const record = options.recordPublished !== false;
		const cause = `${this.getNode().name} (${operation})`;
		const store = await getStore(this);

		if (operation === 'preview') {
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				try {
					const rules = readRules(this, i);
					const channels = channelList(rules, this.getNodeParameter('channels', i, []) as string[]);
					out.push(...(await preview(store, rules, channels, this.getNodeParameter('previewSkus', i, '') as string, i, options)));
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out, []];
		}

		// The rule set configures the whole batch: an invalid one fails the node with every problem named.
		const rules = readRules(this, 0);
		const channels = channelList(rules, this.getNodeParameter('channels', 0, []) as string[]);

		if (operation === 'syncStock') {
			const f = this.getNodeParameter('fields', 0, {}) as IDataObject;
			const names = {
				sku: (f.sku as string) || 'sku',
				location: (f.location as string) || 'location',
				onHand: (f.onHand as string) || 'onHand',
			};
			const out: INodeExecutionData[] = [];
			const levels: StockLevelInput[] = [];
			const firstItem = new Map<string, number>();
			for (let i = 0; i < items.length; i++) {
				try {
					const level = stockLevelFromItem(items[i].json, names);
					levels.push(level);
					if (!firstItem.has(level.sku)) firstItem.set(level.sku, i);
					out.push({ json: { sku: level.sku, location: level.location ?? DEFAULT_LOCATION, onHand: level.onHand }, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			const { changes } = await syncStock(store, levels, rules, channels, { full: options.fullRecompute === true, explain, record, cause });
			const bi = changes.length ? await bundleIndex(store) : null;
			const changed: INodeExecutionData[] = [];
			for (const c of changes) {
				let paired = firstItem.get(c.sku);
				if (paired === undefined && bi) for (const comp of bi.bundles.get(c.sku) ?? []) if ((paired = firstItem.get(comp.sku)) !== undefined) break;
				changed.push(changeItem(c, paired ?? 0));
			}
			return [out, changed];
		}

		if (operation === 'reserve') {
			const { outcomes, changes } = await reserveOrders(
				store,
				items.map((item, index) => ({ index, doc: item.json as Record<string, unknown> })),
				rules,
				channels,
				{ explain, record, cause },
			);
			const orders: INodeExecutionData[] = [];
			const skuItem = new Map<string, number>();
			for (const o of outcomes) {
				if (!o.ok) {
					orders.push(errorItem(this, o.error, o.index));
					continue;
				}
				for (const l of o.result.lines) {
					if (!skuItem.has(l.sku)) skuItem.set(l.sku, o.index);
					for (const p of l.parts) if (!skuItem.has(p.sku)) skuItem.set(p.sku, o.index);
				}
				orders.push({ json: o.order as IDataObject, pairedItem: { item: o.index } });
			}
			return [orders, changes.map((c) => changeItem(c, skuItem.get(c.sku) ?? 0))];
		}

		if (operation === 'release' || operation === 'commitShipment') {
			const out: INodeExecutionData[] = [];
			const touched = new Map<string, number>();
			for (let i = 0; i < items.length; i++) {
				try {
					const omsId = String(this.getNodeParameter('omsId', i) ?? '').trim();
					if (!omsId) throw new ItemError('OMS ID is empty: give the order’s OMS ID, e.g. shopify:450789469');
					if (!(await store.getOrder(omsId))) throw new OrderNotFoundError(omsId);
					let json: IDataObject;
					let parts: Array<{ sku: string; location: string; quantity: number }>;
					if (operation === 'release') {
						const scope = this.getNodeParameter('releaseScope', i, 'all') as string;
						const lines = scope === 'lines' ? parseLines(this.getNodeParameter('releaseLines', i, '[]'), 'Lines') : undefined;
						const { released } = await store.release(omsId, lines, { cause });
						parts = released;
						json = { omsId, released, releasedUnits: released.reduce((s, r) => s + r.quantity, 0) };
					} else {
						const packageKey = String(this.getNodeParameter('packageKey', i) ?? '').trim();
						if (!packageKey) throw new ItemError('Package Key is empty: give the WMS shipment ID or carrier + tracking number');
						const lines = parseLines(this.getNodeParameter('shippedLines', i, '[]'), 'Shipped Lines');
						const { committed, changed } = await store.commitShipment(omsId, packageKey, lines, { cause });
						parts = committed;
						for (const l of lines) if (!touched.has(l.sku)) touched.set(l.sku, i);
						json = { omsId, packageKey, changed, committed, committedUnits: committed.reduce((s, r) => s + r.quantity, 0) };
					}
					for (const p of parts) if (!touched.has(p.sku)) touched.set(p.sku, i);
					out.push({ json, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			const changes = touched.size ? await publishChanges(store, touched.keys(), rules, channels, { explain, record }) : [];
			return [out, changes.map((c) => changeItem(c, touched.get(c.sku) ?? 0))];
		}

		throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`);
	}
}

/** The rule set from the parameters (or JSON), validated: an unsatisfiable one is a NodeOperationError naming each problem. */
export function readRules(ctx: IExecuteFunctions, i: number): CompiledRuleSet {
	const source = ctx.getNodeParameter('rulesSource', i, 'parameters') as string;
	let rs: ChannelRuleSet;
	let fromParams = false;
	if (source === 'json') {
		const raw = ctx.getNodeParameter('ruleSetJson', i, '{}') as unknown;
		try {
			rs = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ChannelRuleSet;
		} catch (e) {
			throw new NodeOperationError(ctx.getNode(), `Rule Set (JSON) is not valid JSON: ${(e as Error).message}`, { itemIndex: i });
		}
	} else {
		fromParams = true;
		rs = ruleSetFromParameters({
			channelRules: ctx.getNodeParameter('channelRules', i, {}) as RuleSetParameters['channelRules'],
			defaultRule: ctx.getNodeParameter('defaultRule', i, {}) as RuleSetParameters['defaultRule'],
			skuOverrides: ctx.getNodeParameter('skuOverrides', i, {}) as RuleSetParameters['skuOverrides'],
		});
	}
	const errors = validateChannelRuleSet(rs).filter((p) => p.severity === 'error');
	if (errors.length) {
		const where = (p: string) => (fromParams ? ruleParameterPath(p, rs) : p);
		throw new NodeOperationError(
			ctx.getNode(),
			`The channel rules cannot be used: ${errors.map((p) => `${where(p.path)}: ${p.message}`).join('; ')}`,
			{ itemIndex: i, description: `Rules are applied in this order:\n${RULE_APPLICATION_ORDER.join('\n')}` },
		);
	}
	return compileRuleSet(rs);
}

/** Preview: every (channel, SKU) with what it would list, what it was last published, and why. Writes nothing. */
async function preview(
	store: Store,
	rules: CompiledRuleSet,
	channels: string[],
	skuText: string,
	itemIndex: number,
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	const skus = skuText
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const bi = await bundleIndex(store);
	const atp = await atpFor(store, skus.length ? skus : 'all', bi);
	const published = await publishedIndex(store, skus.length ? [...atp.keys()] : 'all', channels);
	const out: INodeExecutionData[] = [];
	const explain = options.explain !== false;
	for (const [sku, a] of atp) {
		for (const p of computePublishable(sku, a, rules, channels, { explain })) {
			const prev = published.get(p.channel)?.get(sku);
			const previous = prev === undefined ? null : prev;
			if (options.onlyDifferences === true && previous === p.quantity) continue;
			const json: IDataObject = {
				channel: p.channel,
				sku,
				quantity: p.quantity,
				published: previous,
				changed: previous !== p.quantity,
				atp: a,
				rule: p.rule,
				tier: p.tier,
				pool: p.pool,
			};
			if (bi.bundles.has(sku)) json.bundle = true;
			if (explain) json.explain = p.explain;
			out.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return out;
}
