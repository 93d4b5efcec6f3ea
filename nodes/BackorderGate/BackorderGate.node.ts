/**
 * The Backorder Gate node: parameters in, the routing flows (lib/flows: route-orders.ts, release-held.ts) called,
 * orders out on Ready, Partial or Backorder.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { BACKORDER_POLICIES, policyFor, type BackorderPolicy, type PolicyConfig } from '../../lib/backorder';
import { GateItemError, releaseHeld, routeOne } from '../../lib/flows';
import type { AllocationAnnotation, CanonicalOrder } from '../../lib/order/types';
import { errorItem } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description } from './description';
import { gateItem } from './items';

const OUTPUT_INDEX = { ready: 0, partial: 1, backorder: 2 } as const;

export class BackorderGate implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:backorderGate.svg', dark: 'file:backorderGate.dark.svg' },
		group: ['transform'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
		subtitle: subtitle('{operation}', { operation: { route: 'Route', releaseHeld: 'Release Held' } }),
		// Not offered to AI agents: its outputs route orders (Ready, Partial, Backorder) and Release Held re-allocates stock.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
	};

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const holdDays = typeof options.holdDays === 'number' ? options.holdDays : null;
		const keepRaw = options.keepRaw === true;
		const cause = `${this.getNode().name} (${operation === 'route' ? 'Route' : 'Release Held'})`;
		const byChannel: Record<string, BackorderPolicy> = {};
		const cp = this.getNodeParameter('channelPolicies', 0, {}) as { policy?: Array<{ channel: string; policy: BackorderPolicy }> };
		for (const p of cp.policy ?? []) if (p.channel) byChannel[p.channel.trim()] = p.policy;
		const policy: PolicyConfig = { default: this.getNodeParameter('policy', 0) as BackorderPolicy, byChannel };
		try {
			policyFor('', policy);
			for (const c of Object.keys(byChannel)) policyFor(c, policy);
		} catch (e) {
			throw new NodeOperationError(this.getNode(), (e as Error).message, { description: `Policies: ${BACKORDER_POLICIES.join(', ')}` });
		}
		const store = await getStore(this);
		const outputs: INodeExecutionData[][] = [[], [], []];

		if (operation === 'route') {
			for (let i = 0; i < items.length; i++) {
				try {
					const json = items[i].json as unknown as Partial<CanonicalOrder> & { allocation?: AllocationAnnotation };
					if (typeof json.omsId !== 'string' || !json.omsId.trim()) {
						throw new GateItemError('Item has no omsId: Route takes the orders Inventory Allocator > Reserve emits');
					}
					const outcome = await routeOne(
						store,
						{ omsId: json.omsId.trim(), channel: json.channel ?? '', lines: json.lines ?? [], allocation: json.allocation },
						policy,
						{ now: new Date(), holdDays, cancelWholeOrder: options.cancelWholeOrder === true, cause },
					);
					if (outcome.shipments?.length) for (const s of outcome.shipments) outputs[OUTPUT_INDEX[outcome.output]].push({ json: gateItem(outcome, keepRaw, {}, s), pairedItem: { item: i } });
					else outputs[OUTPUT_INDEX[outcome.output]].push({ json: gateItem(outcome, keepRaw), pairedItem: { item: i } });
				} catch (error) {
					outputs[0].push(errorItem(this, error, i));
				}
			}
			return outputs;
		}

		if (operation === 'releaseHeld') {
			const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : undefined;
			const released = await releaseHeld(store, policy, {
				now: new Date(),
				holdDays,
				cancelWholeOrder: options.cancelWholeOrder === true,
				cause,
				priorityChannels: (options.priorityChannels as string[] | undefined) ?? [],
				limit,
				includeStillHeld: options.includeStillHeld === true,
			});
			for (const o of released) {
				outputs[OUTPUT_INDEX[o.output]].push({ json: gateItem(o, keepRaw, { released: o.released }), pairedItem: { item: 0 } });
			}
			return outputs;
		}

		throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`);
	}
}
