/**
 * The workflow templates under workflows/ (issue 8), checked without a server: each one parses as an n8n 2.x
 * workflow, uses only n8n's own nodes (the ones checked against n8n 2.41's n8n-nodes-base, at versions it has)
 * and this package's nodes, sets only parameters its nodes describe with option values they offer, references
 * credentials by id and name only (no secrets in the JSON), explains itself with sticky notes, and calls the
 * "Fulfil Order" template by the id it is imported with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { BackorderGate } from '../../nodes/BackorderGate/BackorderGate.node';
import { FraudGate } from '../../nodes/FraudGate/FraudGate.node';
import { InventoryAllocator } from '../../nodes/InventoryAllocator/InventoryAllocator.node';
import { Marketplace } from '../../nodes/Marketplace/Marketplace.node';
import { OmsOrder } from '../../nodes/OmsOrder/OmsOrder.node';
import { ReportBuilder } from '../../nodes/ReportBuilder/ReportBuilder.node';
import { ShopifyOrderTrigger } from '../../nodes/ShopifyOrderTrigger/ShopifyOrderTrigger.node';
import { WooCommerceOrderTrigger } from '../../nodes/WooCommerceOrderTrigger/WooCommerceOrderTrigger.node';
import { AmazonOrderTrigger } from '../../nodes/AmazonOrderTrigger/AmazonOrderTrigger.node';
import { EbayOrderTrigger } from '../../nodes/EbayOrderTrigger/EbayOrderTrigger.node';
import { WalmartOrderTrigger } from '../../nodes/WalmartOrderTrigger/WalmartOrderTrigger.node';
import { Wms } from '../../nodes/Wms/Wms.node';
import { Edi } from '../../nodes/Edi/Edi.node';

const dir = join(__dirname, '..', '..', 'workflows');
const PREFIX = 'n8n-nodes-oms-wms.';

interface TemplateNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string; [k: string]: unknown }>;
	webhookId?: string;
}
interface Template {
	id: string;
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	settings?: Record<string, unknown>;
}

const ours: Record<string, INodeTypeDescription> = Object.fromEntries(
	[BackorderGate, FraudGate, InventoryAllocator, Marketplace, OmsOrder, ReportBuilder, ShopifyOrderTrigger, WooCommerceOrderTrigger, AmazonOrderTrigger, EbayOrderTrigger, WalmartOrderTrigger, Wms, Edi].map((C) => {
		const d = new C().description;
		return [d.name, d];
	}),
);

/** n8n-nodes-base types the templates may use, with the versions n8n 2.41.1 ships (read from its dist/nodes). */
const BASE: Record<string, number[]> = {
	'n8n-nodes-base.stickyNote': [1],
	'n8n-nodes-base.noOp': [1],
	'n8n-nodes-base.scheduleTrigger': [1, 1.1, 1.2, 1.3, 1.4],
	'n8n-nodes-base.executeWorkflow': [1, 1.1, 1.2, 1.3, 1.4],
	'n8n-nodes-base.executeWorkflowTrigger': [1, 1.1, 1.2],
	'n8n-nodes-base.formTrigger': [1, 2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6],
	'n8n-nodes-base.readWriteFile': [1, 1.1],
	'n8n-nodes-base.emailSend': [1, 2, 2.1],
	'n8n-nodes-base.if': [2, 2.1, 2.2, 2.3],
};

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const templates: Array<[string, Template]> = files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Template]);
const byId = new Map(templates.map(([, t]) => [t.id, t]));

const isExpression = (v: unknown) => typeof v === 'string' && v.startsWith('=');

/** Whether a property applies under the node's parameters (displayOptions show/hide on plain values). */
function applies(prop: INodeProperties, params: Record<string, unknown>, description: INodeTypeDescription): boolean {
	const value = (name: string) => {
		const key = name.replace(/^\//, '');
		if (key in params) return params[key];
		return description.properties.find((p) => p.name === key)?.default;
	};
	const show = prop.displayOptions?.show ?? {};
	for (const [name, allowed] of Object.entries(show)) {
		if (name.startsWith('@')) continue;
		if (!(allowed as unknown[]).includes(value(name))) return false;
	}
	const hide = prop.displayOptions?.hide ?? {};
	for (const [name, denied] of Object.entries(hide)) {
		if (name.startsWith('@')) continue;
		if ((denied as unknown[]).includes(value(name))) return false;
	}
	return true;
}

/** Problems with one parameter value against the properties that may hold it. */
function checkValue(path: string, value: unknown, props: INodeProperties[]): string[] {
	const problems: string[] = [];
	const prop = props[0];
	if (isExpression(value)) return problems;
	switch (prop.type) {
		case 'options': {
			const values = props.flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
			if (!values.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(values)}`);
			break;
		}
		case 'multiOptions': {
			const values = props.flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
			if (!Array.isArray(value)) problems.push(`${path}: not a list`);
			else for (const v of value) if (!values.includes(v)) problems.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(values)}`);
			break;
		}
		case 'collection': {
			const children = (prop.options ?? []) as INodeProperties[];
			for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
				const child = children.filter((c) => c.name === k);
				if (child.length === 0) problems.push(`${path}.${k}: not an option of ${path}`);
				else problems.push(...checkValue(`${path}.${k}`, v, child));
			}
			break;
		}
		case 'fixedCollection': {
			const groups = (prop.options ?? []) as Array<{ name: string; values: INodeProperties[] }>;
			for (const [g, entries] of Object.entries((value ?? {}) as Record<string, unknown>)) {
				const group = groups.find((x) => x.name === g);
				if (!group) {
					problems.push(`${path}.${g}: not a group of ${path}`);
					continue;
				}
				const list = Array.isArray(entries) ? entries : [entries];
				list.forEach((entry, i) => {
					for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
						const child = group.values.filter((c) => c.name === k);
						if (child.length === 0) problems.push(`${path}.${g}[${i}].${k}: not a field of ${g}`);
						else problems.push(...checkValue(`${path}.${g}[${i}].${k}`, v, child));
					}
				});
			}
			break;
		}
		case 'number':
			if (typeof value !== 'number') problems.push(`${path}: ${JSON.stringify(value)} is not a number`);
			break;
		case 'boolean':
			if (typeof value !== 'boolean') problems.push(`${path}: ${JSON.stringify(value)} is not a boolean`);
			break;
		default:
			break;
	}
	return problems;
}

function checkOurNode(node: TemplateNode): string[] {
	const description = ours[node.type.slice(PREFIX.length)];
	const problems: string[] = [];
	// Polling triggers get n8n's pollTimes parameter added by n8n itself.
	const params = Object.entries(node.parameters).filter(([k]) => !(k === 'pollTimes' && description.polling));
	for (const [name, value] of params) {
		const candidates = description.properties.filter((p) => p.name === name && p.type !== 'notice');
		if (candidates.length === 0) {
			problems.push(`${node.name}: ${name} is not a parameter of ${description.name}`);
			continue;
		}
		const active = candidates.filter((p) => applies(p, node.parameters, description));
		if (active.length === 0) {
			problems.push(`${node.name}: ${name} is set but not shown for these settings (check operation/resource)`);
			continue;
		}
		problems.push(...checkValue(`${node.name}: ${name}`, value, active));
	}
	// credentials the node can take
	const allowed = new Set((description.credentials ?? []).map((c) => c.name));
	for (const cred of Object.keys(node.credentials ?? {})) if (!allowed.has(cred)) problems.push(`${node.name}: ${description.name} takes no ${cred} credential`);
	for (const c of description.credentials ?? []) {
		if (c.required && !c.displayOptions && !node.credentials?.[c.name]) problems.push(`${node.name}: needs a ${c.name} credential`);
		if (c.required && c.displayOptions && applies({ displayOptions: c.displayOptions } as INodeProperties, node.parameters, description) && !node.credentials?.[c.name]) {
			problems.push(`${node.name}: needs a ${c.name} credential for these settings`);
		}
	}
	return problems;
}

describe.each(templates)('workflow template %s', (_file, template) => {
	it('is an importable n8n workflow with a stable id, unique node names and connections between existing nodes', () => {
		expect(template.id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(template.name).toMatch(/^OMS \d: /);
		expect(template.settings?.executionOrder).toBe('v1');
		const names = template.nodes.map((n) => n.name);
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(template.nodes.map((n) => n.id)).size).toBe(names.length);
		for (const n of template.nodes) {
			expect(Array.isArray(n.position) && n.position.length === 2).toBe(true);
			expect(typeof n.typeVersion).toBe('number');
		}
		for (const [from, c] of Object.entries(template.connections)) {
			expect(names).toContain(from);
			for (const out of c.main) for (const edge of out) expect(names).toContain(edge.node);
		}
	});

	it('uses only n8n base nodes (at versions n8n 2.41 has) and this package\'s nodes', () => {
		for (const n of template.nodes) {
			if (n.type.startsWith(PREFIX)) {
				expect(Object.keys(ours)).toContain(n.type.slice(PREFIX.length));
				// the node's newest version, as the editor would add it
				const d = ours[n.type.slice(PREFIX.length)];
				expect(n.typeVersion).toBe(d.defaultVersion ?? d.version);
			} else {
				expect(Object.keys(BASE)).toContain(n.type);
				expect(BASE[n.type]).toContain(n.typeVersion);
			}
		}
	});

	it('sets only parameters its nodes describe, with option values they offer', () => {
		const problems = template.nodes.filter((n) => n.type.startsWith(PREFIX)).flatMap(checkOurNode);
		expect(problems).toEqual([]);
	});

	it('routes the error output of every node set to "continue using error output" somewhere visible', () => {
		for (const n of template.nodes.filter((x) => (x as { onError?: string }).onError === 'continueErrorOutput')) {
			const outs = template.connections[n.name]?.main ?? [];
			// the error output comes after the node's regular outputs
			const regular = n.type === PREFIX + 'backorderGate' ? 3 : n.type === PREFIX + 'inventoryAllocator' && ['reserve', 'release', 'commitShipment'].includes(String(n.parameters.operation)) ? 2 : n.type === PREFIX + 'fraudGate' || (n.type === PREFIX + 'omsOrder' && n.parameters.operation === 'record') ? 3 : 1;
			expect([n.name, outs.length]).toEqual([n.name, regular + 1]);
			expect([n.name, outs[regular].length]).toEqual([n.name, 1]);
		}
	});

	it('has every node that is not a trigger connected to something upstream', () => {
		const targets = new Set(Object.values(template.connections).flatMap((c) => c.main.flat().map((e) => e.node)));
		for (const n of template.nodes) {
			if (n.type === 'n8n-nodes-base.stickyNote') continue;
			const description = ours[n.type.slice(PREFIX.length)];
			const trigger = /Trigger$/.test(n.type) || (description && (description.polling || description.webhooks));
			if (!trigger) expect([n.name, targets.has(n.name)]).toEqual([n.name, true]);
		}
	});

	it('references credentials by id and name only, and carries no secrets', () => {
		for (const n of template.nodes) {
			for (const [type, ref] of Object.entries(n.credentials ?? {})) {
				expect([type, Object.keys(ref).sort()]).toEqual([type, ['id', 'name']]);
				expect(ref.id).toMatch(/^[A-Za-z0-9]{16}$/);
			}
		}
		const text = JSON.stringify(template);
		expect(text).not.toMatch(/shpat_|shpss_|ck_[0-9a-f]{20,}|cs_[0-9a-f]{20,}|Atzr\||v\^1\.1#|-----BEGIN|password"\s*:\s*"[^"]/i);
		expect(text).not.toMatch(/"(accessToken|consumerSecret|clientSecret|refreshToken|token|apiKey|webhookSecret|lwaClientSecret|certId)"\s*:/);
	});

	it('explains itself with sticky notes that say what it does and what to set', () => {
		const notes = template.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
		expect(notes.length).toBeGreaterThanOrEqual(1);
		expect(notes.join('\n')).toMatch(/Set up/);
	});

	it('calls sub-workflows by the id of a template that starts with "When Executed by Another Workflow"', () => {
		for (const n of template.nodes.filter((x) => x.type === 'n8n-nodes-base.executeWorkflow')) {
			const ref = n.parameters.workflowId as { __rl: boolean; value: string; cachedResultName: string };
			expect(n.parameters.source).toBe('database');
			expect(ref.__rl).toBe(true);
			const target = byId.get(ref.value);
			expect(target?.name).toBe(ref.cachedResultName);
			expect(target?.nodes.some((x) => x.type === 'n8n-nodes-base.executeWorkflowTrigger')).toBe(true);
		}
	});
});

describe('the template set', () => {
	it('has the seven templates of the OMS-to-WMS flow (and the two EDI ones) with distinct ids', () => {
		expect(files.filter((f) => !f.startsWith('edi-'))).toEqual(['channel-reconciliation.json', 'daily-report.json', 'fraud-review.json', 'fulfil-order.json', 'inventory-sync.json', 'order-intake.json', 'wms-status-sync.json']);
		expect(files.filter((f) => f.startsWith('edi-'))).toEqual(['edi-retailer.json', 'edi-warehouse.json']);
		expect(byId.size).toBe(files.length);
	});

	it('intake has all five channel triggers, records, screens and routes every outcome visibly', () => {
		const intake = byId.get('omsOrderIntake01')!;
		const types = intake.nodes.map((n) => n.type);
		for (const t of ['shopifyOrderTrigger', 'wooCommerceOrderTrigger', 'amazonOrderTrigger', 'ebayOrderTrigger', 'walmartOrderTrigger']) expect(types).toContain(PREFIX + t);
		const record = intake.nodes.find((n) => n.type === PREFIX + 'omsOrder')!;
		expect(record.parameters.operation).toBe('record');
		expect(intake.connections[record.name].main.map((o) => o.length)).toEqual([1, 1, 1]);
		const gate = intake.nodes.find((n) => n.type === PREFIX + 'fraudGate')!;
		expect(intake.connections[gate.name].main.map((o) => o.map((e) => e.node))).toEqual([['Ready to Fulfil?'], ['Notify reviewers (point at email or chat)'], ['Cancel on Channel']]);
		expect(intake.nodes.find((n) => n.name === 'Ready to Fulfil?')).toMatchObject({ type: PREFIX + 'omsOrder', parameters: { operation: 'routeReadiness' } });
		expect(intake.connections['Ready to Fulfil?'].main.map((o) => o.map((e) => e.node))).toEqual([['Fulfil Order'], ['Not ready yet (awaiting payment, cancelled or shipped on the channel)']]);
	});

	// n8n 2.x evaluates expressions in a sandboxed isolate, and an execution that evaluates even one builds (or takes)
	// an isolate for itself: that costs more than everything else an intake or fulfilment execution does. So the path
	// every order takes evaluates none: no parameter it reads is an expression (defaults included), no webhook trigger
	// is at version 1 (n8n evaluates an option of version-1 webhook nodes on every request), and no node with an
	// error output has outputs computed from its parameters (n8n evaluates those whenever it sorts an error output).
	it('the path every order takes (intake -> Fulfil Order -> WMS and channels) makes n8n evaluate no expression', () => {
		const paths: Array<[string, string[]]> = [
			['omsOrderIntake01', ['Shopify Orders', 'WooCommerce Orders', 'Record Order', 'Screen for Fraud', 'Ready to Fulfil?', 'Fulfil Order']],
			['omsFulfilOrder01', ['When Executed by Another Workflow', 'Reserve Stock', 'Route Backorders', 'Send to WMS', 'Publish Quantities']],
		];
		// parameters our nodes read from the item directly when they are exactly `={{ $json.<field> }}` (itemParameter)
		const readDirectly: Record<string, string[]> = { 'Publish Quantities': ['sku', 'quantity'] };
		const expressions = (value: unknown, path: string, out: string[]) => {
			if (typeof value === 'string' && value.startsWith('=')) out.push(`${path} = ${value}`);
			else if (Array.isArray(value)) value.forEach((v, i) => expressions(v, `${path}[${i}]`, out));
			else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expressions(v, path ? `${path}.${k}` : k, out);
		};
		for (const [id, names] of paths) {
			const wf = byId.get(id)!;
			for (const name of names) {
				const node = wf.nodes.find((n) => n.name === name)!;
				expect(node).toBeDefined();
				const found: string[] = [];
				if (node.type.startsWith(PREFIX)) {
					const d = ours[node.type.slice(PREFIX.length)];
					if (d.webhooks?.length) expect(node.typeVersion).toBeGreaterThan(1);
					if ((node as { onError?: string }).onError === 'continueErrorOutput') expect(Array.isArray(d.outputs)).toBe(true);
					const params = NodeHelpers.getNodeParameters(d.properties, node.parameters as INodeParameters, true, false, node as unknown as INode, d);
					expressions(params, '', found);
				} else {
					expressions(node.parameters, '', found);
				}
				const allowed = (readDirectly[name] ?? []).map((f) => `${f} = ={{ $json.${f} }}`);
				expect({ node: name, expressions: found.filter((e) => !allowed.includes(e)) }).toEqual({ node: name, expressions: [] });
			}
		}
	});

	it('every workflow that fulfils reaches the WMS; backorders and reserve quantity changes are handled', () => {
		const fulfil = byId.get('omsFulfilOrder01')!;
		expect(fulfil.connections['Reserve Stock'].main.map((o) => o.map((e) => e.node))).toEqual([['Route Backorders'], ['Publish Quantities'], ['Needs attention (see the error)']]);
		expect(fulfil.connections['Route Backorders'].main.map((o) => o.map((e) => e.node))).toEqual([['Send to WMS'], ['Send to WMS'], ['Note the Backorder'], ['Needs attention (see the error)']]);
	});
});
