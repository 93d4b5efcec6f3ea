/**
 * The Fraud Gate node: parameters in, the screening flows (lib/flows/screen-orders.ts: screen, resolve review,
 * back-test) called, orders out on Pass, Review or Reject.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { backtestStore, buildRuleSet, resolveOne, screenOne, type BuiltRuleSet, type Route } from '../../lib/flows';
import type { FraudRuleParameters } from '../../lib/fraud/parameters';
import { errorItem, omsView, orderFromItem, withoutRaw } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description } from './description';

const OUTPUT: Record<Route, number> = { pass: 0, review: 1, reject: 2 };

export class FraudGate implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:fraudGate.svg', dark: 'file:fraudGate.dark.svg' },
		group: ['transform'],
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
		subtitle: subtitle('{operation}', { operation: { backtest: 'Back-Test', resolveReview: 'Resolve Review', screen: 'Screen' } }),
		// Not offered to AI agents: Screen routes orders to Pass, Review or Reject and records the decision, Resolve Review releases or rejects held orders.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
	};

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const store = await getStore(this);
		const cause = `${this.getNode().name} (${operation === 'screen' ? 'Screen' : operation === 'resolveReview' ? 'Resolve Review' : 'Back-test'})`;

		const ruleParams = (i: number, optionsName: string): FraudRuleParameters => ({
			reviewThreshold: this.getNodeParameter('reviewThreshold', i, undefined),
			rejectThreshold: this.getNodeParameter('rejectThreshold', i, undefined),
			allowList: this.getNodeParameter('allowList', i, {}) as IDataObject,
			denyList: this.getNodeParameter('denyList', i, {}) as IDataObject,
			rules: this.getNodeParameter('rules', i, {}) as FraudRuleParameters['rules'],
			velocityRules: this.getNodeParameter('velocityRules', i, {}) as FraudRuleParameters['velocityRules'],
			ruleSetJson: (this.getNodeParameter(optionsName, i, {}) as IDataObject).ruleSetJson,
		});
		const ruleSetOrFail = (i: number, optionsName: string): BuiltRuleSet => {
			const built = buildRuleSet(ruleParams(i, optionsName));
			// a bad rule set is the node's configuration, not the item's: fail the node, naming the field
			if ('error' in built) throw new NodeOperationError(this.getNode(), built.error, { itemIndex: i });
			return built;
		};

		if (operation === 'backtest') {
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				const rs = ruleSetOrFail(i, 'backtestOptions');
				try {
					const f = this.getNodeParameter('backtestFilters', i, {}) as IDataObject;
					const o = this.getNodeParameter('backtestOptions', i, {}) as IDataObject;
					const maxChanges = typeof o.maxChanges === 'number' ? o.maxChanges : 100;
					const report = await backtestStore(
						store,
						rs.ruleSet,
						{
							channels: (f.channels as string[])?.length ? (f.channels as string[]) : undefined,
							placedFrom: (f.placedFrom as string) || undefined,
							placedTo: (f.placedTo as string) || undefined,
						},
						maxChanges,
					);
					out.push({ json: report as unknown as IDataObject, pairedItem: { item: i } });
				} catch (error) {
					out.push(errorItem(this, error, i));
				}
			}
			return [out];
		}

		const outputs: INodeExecutionData[][] = [[], [], []];

		if (operation === 'resolveReview') {
			for (let i = 0; i < items.length; i++) {
				try {
					const omsId = String(this.getNodeParameter('omsId', i)).trim();
					if (!omsId) throw new Error('OMS ID is empty: give the held order’s OMS ID, e.g. shopify:450789469');
					const decision = this.getNodeParameter('decision', i) as 'approved' | 'rejected';
					const by = String(this.getNodeParameter('by', i, '')).trim();
					if (!by) throw new Error('By is empty: say who resolved the review (it is kept in the timeline)');
					const note = String(this.getNodeParameter('note', i, '') ?? '').trim() || null;
					const r = await resolveOne(store, omsId, decision, by, note);
					outputs[OUTPUT[r.route]].push({
						json: {
							...(withoutRaw(r.stored.order, false) as unknown as IDataObject),
							fraud: { ...r.record.fraud, resolution: r.record.resolution } as unknown as IDataObject,
							oms: omsView(r.stored, { statusChanged: r.statusChanged }),
							alreadyResolved: r.alreadyResolved,
						},
						pairedItem: { item: i },
					});
				} catch (error) {
					outputs[0].push(errorItem(this, error, i));
				}
			}
			return outputs;
		}

		if (operation !== 'screen') throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`);
		let rs: BuiltRuleSet | undefined;
		for (let i = 0; i < items.length; i++) {
			rs ??= ruleSetOrFail(i, 'screenOptions');
			try {
				const options = this.getNodeParameter('screenOptions', i, {}) as IDataObject;
				const now = evaluateAt(options.evaluateAt);
				const limit = this.getNodeParameter('reviewTimeLimitHours', i, 72) as number;
				if (typeof limit !== 'number' || !(limit >= 0)) throw new Error(`Review Time Limit (Hours) must be a number of 0 or more (got ${JSON.stringify(limit)})`);
				const order = orderFromItem(items[i]);
				const r = await screenOne(store, order, rs, {
					now,
					reviewTimeLimitHours: limit,
					rescreenResolved: options.rescreenResolved === true,
					cause,
				});
				const { fraud: _old, oms: _oms, ...canonical } = withoutRaw(order, options.keepRaw === true) as unknown as IDataObject;
				void _old;
				void _oms;
				outputs[OUTPUT[r.route]].push({
					json: {
						...canonical,
						fraud: r.fraud as unknown as IDataObject,
						oms: omsView(r.stored, { statusChanged: r.statusChanged, ...(r.resolvedBefore ? { resolvedBefore: true } : {}) }),
					},
					pairedItem: { item: i },
				});
			} catch (error) {
				outputs[0].push(errorItem(this, error, i));
			}
		}
		return outputs;
	}
}

/** The "Evaluate At" option (ISO or a date the editor gives), else the current time; ISO 8601 UTC. */
function evaluateAt(value: unknown): string {
	if (value === undefined || value === null || value === '') return new Date().toISOString();
	const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
	// a time without a zone (as the editor's date picker gives it) is read as UTC
	const dt = DateTime.fromISO(text, { zone: 'utc' });
	if (!dt.isValid) throw new Error(`Evaluate At is not an ISO 8601 date and time: ${JSON.stringify(text)}`);
	return dt.toUTC().toISO() as string;
}
