/**
 * The Inventory Allocator node: parameters in, the stock flows (lib/flows: sync-stock, publish-quantities,
 * reserve-orders) called, items out.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { compileRuleSet, RULE_APPLICATION_ORDER, validateChannelRuleSet, type ChannelRuleSet, type CompiledRuleSet } from '../../lib/allocation';
import { ruleParameterPath, ruleSetFromParameters, type RuleSetParameters } from '../../lib/allocation/parameters';
import { bundleIndex, channelList, commitShipment, previewQuantities, publishChanges, releaseStock, reserveOrders, syncStock, upsertWarehouses, type QuantityChange } from '../../lib/flows';
import { routingRulesFromParameters, RoutingRulesError, type RoutingRuleParameters } from '../../lib/routing';
import { DEFAULT_LOCATION, type StockLevelInput } from '../../lib/store/types';
import { errorItem, itemParameter } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description } from './description';
import { stockLevelFromItem, warehouseFromItem } from './items';

function changeItem(c: QuantityChange, pairedIndex: number): INodeExecutionData {
	const json: IDataObject = { channel: c.channel, sku: c.sku, quantity: c.quantity, previous: c.previous, atp: c.atp, rule: c.rule, tier: c.tier };
	if (c.explain !== undefined) json.explain = c.explain;
	if (c.basis !== undefined) json.basis = c.basis;
	return { json, pairedItem: { item: pairedIndex } };
}

export class InventoryAllocator implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:inventoryAllocator.svg', dark: 'file:inventoryAllocator.dark.svg' },
		group: ['transform'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
		subtitle: subtitle('{operation}', {
			operation: { commitShipment: 'Commit Shipment', preview: 'Preview', release: 'Release', reserve: 'Reserve', syncStock: 'Sync Stock', warehouses: 'Warehouses' },
		}),
		// Not offered to AI agents: it reserves, releases and commits stock and publishes quantities.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
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
					const skus = (this.getNodeParameter('previewSkus', i, '') as string)
						.split(',')
						.map((s) => s.trim())
						.filter(Boolean);
					const rows = await previewQuantities(store, rules, channels, skus, { explain, onlyDifferences: options.onlyDifferences === true });
					for (const row of rows) out.push({ json: row as unknown as IDataObject, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out, []];
		}

		if (operation === 'warehouses') {
			const action = this.getNodeParameter('warehouseAction', 0, 'list') as string;
			if (action === 'list') return [(await store.listWarehouses()).map((w) => ({ json: w as unknown as IDataObject, pairedItem: { item: 0 } })), []];
			const out: INodeExecutionData[] = [];
			const inputs: Array<{ index: number; input: ReturnType<typeof warehouseFromItem> }> = [];
			for (let i = 0; i < items.length; i++) {
				try {
					inputs.push({ index: i, input: warehouseFromItem(items[i].json) });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			for (const r of await upsertWarehouses(store, inputs)) {
				out.push(r.ok ? { json: { ...r.upsert.warehouse, created: r.upsert.created } as unknown as IDataObject, pairedItem: { item: r.index } } : errorItem(this, r.error, r.index));
			}
			out.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
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
				{ explain, record, cause, routing: readRouting(this) },
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
					// read from the item when it is the default `={{ $json.omsId }}` (no expression evaluated: itemParameter)
					const omsId = String(itemParameter(this, 'omsId', i, items) ?? '');
					let json: IDataObject;
					let parts: Array<{ sku: string; location: string; quantity: number }>;
					if (operation === 'release') {
						const scope = this.getNodeParameter('releaseScope', i, 'all') as string;
						const onlyEnded = this.getNodeParameter('onlyEnded', i, false) as boolean;
						const r = await releaseStock(store, omsId, scope === 'lines' ? this.getNodeParameter('releaseLines', i, '[]') : undefined, { cause, onlyEnded });
						parts = r.released;
						json = { omsId: r.omsId, released: r.released, releasedUnits: r.releasedUnits, ...(r.kept ? { kept: r.kept } : {}) };
						for (const sku of r.orderSkus) if (!touched.has(sku)) touched.set(sku, i);
					} else {
						const packageKey = String(this.getNodeParameter('packageKey', i) ?? '');
						const r = await commitShipment(store, omsId, packageKey, this.getNodeParameter('shippedLines', i, '[]'), { cause });
						parts = r.committed;
						for (const l of r.lines) if (!touched.has(l.sku)) touched.set(l.sku, i);
						json = { omsId: r.omsId, packageKey: r.packageKey, changed: r.changed, committed: r.committed, committedUnits: r.committedUnits };
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

/** The warehouse routing rules of Reserve (the whole batch): wrong ones fail the node, naming each problem. */
function readRouting(ctx: IExecuteFunctions): { rules?: ReturnType<typeof routingRulesFromParameters>; maxShipments?: number } {
	try {
		const rules = routingRulesFromParameters(ctx.getNodeParameter('routingRules', 0, {}) as RoutingRuleParameters);
		const max = ctx.getNodeParameter('maxShipments', 0, 0) as number;
		return { ...(rules ? { rules } : {}), ...(max > 0 ? { maxShipments: max } : {}) };
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), e instanceof RoutingRulesError ? `Warehouse Routing Rules: ${e.problems.join('; ')}` : (e as Error));
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
