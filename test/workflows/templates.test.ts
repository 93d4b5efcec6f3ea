/**
 * The workflow templates under workflows/ (issues 8 and 17), checked without a server: each one parses as an n8n 2.x
 * workflow, uses only n8n's own nodes (the ones checked against n8n 2.41's n8n-nodes-base, at versions it has)
 * and this package's nodes, sets only parameters its nodes describe with option values they offer, references
 * credentials by name only under the names its sticky notes tell the user to create (no secrets in the JSON), explains
 * itself with sticky notes, leaves its sub-workflow links for the user to pick (n8n's editor gives imported workflows
 * new ids) with a note at the node saying so, carries tags, the error workflow and pinned sample data on its triggers,
 * and is laid out so that nothing covers anything (node boxes, their labels, sticky notes, wires).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INode, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { validateReturn } from '../../lib/returns/validate';
import { validateOrder } from '../../lib/order/validate';
import { BackorderGate } from '../../nodes/BackorderGate/BackorderGate.node';
import { FraudGate } from '../../nodes/FraudGate/FraudGate.node';
import { InventoryAllocator } from '../../nodes/InventoryAllocator/InventoryAllocator.node';
import { Marketplace } from '../../nodes/Marketplace/Marketplace.node';
import { OmsOrder } from '../../nodes/OmsOrder/OmsOrder.node';
import { OmsReturns } from '../../nodes/OmsReturns/OmsReturns.node';
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
	credentials?: Record<string, { id: string | null; name: string; [k: string]: unknown }>;
	webhookId?: string;
	notes?: string;
	onError?: string;
}
interface Template {
	id: string;
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	settings?: Record<string, unknown>;
	tags?: Array<{ id: string; name: string }>;
	pinData?: Record<string, Array<{ json: Record<string, unknown> }>>;
}

const ours: Record<string, INodeTypeDescription> = Object.fromEntries(
	[BackorderGate, FraudGate, InventoryAllocator, Marketplace, OmsOrder, OmsReturns, ReportBuilder, ShopifyOrderTrigger, WooCommerceOrderTrigger, AmazonOrderTrigger, EbayOrderTrigger, WalmartOrderTrigger, Wms, Edi].map((C) => {
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
	'n8n-nodes-base.errorTrigger': [1],
	'n8n-nodes-base.set': [3, 3.1, 3.2, 3.3, 3.4, 3.5],
};

/** The error workflow every other template names in settings.errorWorkflow. */
const ERROR_WORKFLOW_ID = 'omsErrorAlert001';

/**
 * The credential each credential type is expected under: the templates reference credentials by these names (id null:
 * n8n resolves a name to the user's credential of that type on import and on every save), and their sticky notes tell
 * the user to create them under exactly these names before importing.
 */
const CREDENTIAL_NAMES: Record<string, string[]> = {
	omsShopifyApi: ['Shopify'],
	omsWooCommerceApi: ['WooCommerce'],
	omsAmazonSpApi: ['Amazon SP-API'],
	omsEbayApi: ['eBay'],
	omsWalmartApi: ['Walmart'],
	omsShipBobApi: ['ShipBob'],
	omsEdiPartnerApi: ['EDI Retailer', 'EDI Warehouse (3PL)'],
	httpBasicAuth: ['Fraud Review Form', 'Returns Form'],
	smtp: ['OMS SMTP'],
};

/** Channel of each order trigger of this package (for its pinned sample orders). */
const TRIGGER_CHANNEL: Record<string, string> = {
	'n8n-nodes-oms-wms.shopifyOrderTrigger': 'shopify',
	'n8n-nodes-oms-wms.wooCommerceOrderTrigger': 'woocommerce',
	'n8n-nodes-oms-wms.amazonOrderTrigger': 'amazon',
	'n8n-nodes-oms-wms.ebayOrderTrigger': 'ebay',
	'n8n-nodes-oms-wms.walmartOrderTrigger': 'walmart',
};

// ---- canvas geometry, as n8n 2.41's editor draws it (measured in its canvas): positions snap to a 16 px grid; a node
// is 96 wide and 96 high, taller with more ports (32 px per port plus 32: 128 with three outputs, 160 with four); its
// name is drawn below it, 192 wide and centred, in up to two lines (longer names are cut off with "..."), with the
// subtitle under it, about 64 high in all; a sticky note is a rectangle of its width and height at its position.
interface Rect {
	x: number;
	y: number;
	w: number;
	h: number;
}
const GRID = 16;
const NODE = 96;
const LABEL_WIDTH = 192;
const LABEL_HEIGHT = 64;
/** Characters of a node name that reliably fit on one line of its label (the editor wraps at words, two lines). */
const LABEL_LINE = 22;
const isSticky = (n: TemplateNode) => n.type === 'n8n-nodes-base.stickyNote';
/** Outputs of a node on the canvas: the ones its connections use (an error output is always wired, see above). */
const outputCount = (n: TemplateNode, connections: Template['connections']) => Math.max(1, connections[n.name]?.main.length ?? 0);
const nodeHeight = (outputs: number) => Math.max(NODE, (outputs + 1) * 2 * GRID);
const box = (n: TemplateNode, c: Template['connections']): Rect => ({ x: n.position[0], y: n.position[1], w: NODE, h: nodeHeight(outputCount(n, c)) });
/** The node with its label and subtitle below it (the label is twice as wide as the node). */
function footprint(n: TemplateNode, c: Template['connections']): Rect {
	const b = box(n, c);
	return { x: b.x - (LABEL_WIDTH - NODE) / 2, y: b.y, w: LABEL_WIDTH, h: b.h + LABEL_HEIGHT };
}
const stickyRect = (n: TemplateNode): Rect => ({ x: n.position[0], y: n.position[1], w: Number(n.parameters.width), h: Number(n.parameters.height) });
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const show = (r: Rect) => `[${r.x},${r.y} ${r.w}x${r.h}]`;

/** Whether the segment p-q passes through the rectangle (Liang-Barsky clipping). */
function segmentHits(p: [number, number], q: [number, number], r: Rect): boolean {
	let t0 = 0;
	let t1 = 1;
	const dx = q[0] - p[0];
	const dy = q[1] - p[1];
	for (const [pk, qk] of [
		[-dx, p[0] - r.x],
		[dx, r.x + r.w - p[0]],
		[-dy, p[1] - r.y],
		[dy, r.y + r.h - p[1]],
	]) {
		if (pk === 0) {
			if (qk < 0) return false;
			continue;
		}
		const t = qk / pk;
		if (pk < 0) t0 = Math.max(t0, t);
		else t1 = Math.min(t1, t);
		if (t0 > t1) return false;
	}
	return true;
}

/** A node name word-wrapped as its label is (LABEL_LINE characters a line). */
function labelLines(name: string): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of name.split(' ')) {
		if (line && line.length + 1 + word.length > LABEL_LINE) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	lines.push(line);
	return lines;
}

/**
 * Height a sticky note's markdown needs, estimated generously: about 7.5 px a character at the note's text size,
 * 21 px a line, headings taller, 24 px of padding.
 */
function stickyTextHeight(content: string, width: number): number {
	const perLine = Math.floor((width - 24) / 7.5);
	let h = 24;
	for (const raw of content.split('\n')) {
		const heading = /^(#+)\s/.exec(raw);
		const text = raw.replace(/[*`]/g, '').replace(/^#+\s/, '');
		const lines = Math.max(1, Math.ceil(text.length / (heading ? perLine * 0.75 : perLine)));
		h += raw.trim() === '' ? 10 : lines * (heading ? (heading[1].length <= 2 ? 34 : 27) : 21);
	}
	return h;
}

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
		expect(template.name).toMatch(/^OMS \d+: /);
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
			const regular = n.type === PREFIX + 'omsOrder' && n.parameters.operation === 'applyChannelChange' ? 5 : n.type === PREFIX + 'backorderGate' || n.type === PREFIX + 'omsReturns' ? 3 : n.type === PREFIX + 'inventoryAllocator' && ['reserve', 'release', 'commitShipment'].includes(String(n.parameters.operation)) ? 2 : n.type === PREFIX + 'fraudGate' || (n.type === PREFIX + 'omsOrder' && n.parameters.operation === 'record') ? 3 : 1;
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

	it('references credentials by name only (id null), under the names its sticky notes tell the user to create, and carries no secrets', () => {
		const notes = template.nodes.filter(isSticky).map((n) => String(n.parameters.content)).join('\n');
		for (const n of template.nodes) {
			for (const [type, ref] of Object.entries(n.credentials ?? {})) {
				expect([n.name, type, Object.keys(ref).sort()]).toEqual([n.name, type, ['id', 'name']]);
				// a fixed id would be dropped by the editor's import (an id the instance does not know), and with it the name
				expect([n.name, type, ref.id]).toEqual([n.name, type, null]);
				expect([n.name, type, CREDENTIAL_NAMES[type]]).toEqual([n.name, type, expect.arrayContaining([ref.name])]);
				// the note names it (in bold or in italics), so that the user creates it under that name first
				expect([n.name, notes.includes(`**${ref.name}**`) || notes.includes(`*${ref.name}*`)]).toEqual([n.name, true]);
			}
		}
		const text = JSON.stringify(template);
		expect(text).not.toMatch(/shpat_|shpss_|ck_[0-9a-f]{20,}|cs_[0-9a-f]{20,}|Atzr\||v\^1\.1#|-----BEGIN|password"\s*:\s*"[^"]/i);
		expect(text).not.toMatch(/"(accessToken|consumerSecret|clientSecret|refreshToken|token|apiKey|webhookSecret|lwaClientSecret|certId)"\s*:/);
	});

	it('explains itself with sticky notes that say what it does and what to set, credentials first', () => {
		const notes = template.nodes.filter(isSticky).map((n) => String(n.parameters.content));
		expect(notes.length).toBeGreaterThanOrEqual(1);
		const all = notes.join('\n');
		expect(all).toMatch(/Set up/);
		if (template.nodes.some((n) => Object.keys(n.credentials ?? {}).length > 0)) expect(all).toMatch(/before\*\* you import|created \*\*before\*\*/);
		// every template has to be published to run, and the error workflow setting does not survive an editor import
		expect(all).toMatch(/[Pp]ublish/);
		if (template.id !== ERROR_WORKFLOW_ID) expect(all).toContain('*Workflow settings > Error workflow*: **OMS 0: Error Alert**');
	});

	it('leaves each sub-workflow link for the user to pick (no fixed id), says so in a note at the node, and names the template to pick', () => {
		for (const n of template.nodes.filter((x) => x.type === 'n8n-nodes-base.executeWorkflow')) {
			expect(n.parameters.source).toBe('database');
			// empty: n8n's editor shows the node with an issue and will not publish the workflow until one is picked
			expect(n.parameters.workflowId).toEqual({ __rl: true, value: '', mode: 'list' });
			const target = templates.map(([, t]) => t).filter((t) => t.name === `OMS ${t.name.slice(4, 5)}: ${n.name}`);
			expect([n.name, target.length]).toEqual([n.name, 1]);
			expect(target[0].nodes.some((x) => x.type === 'n8n-nodes-base.executeWorkflowTrigger')).toBe(true);
			expect(n.notes).toContain(`Pick ${target[0].name}`);
			// a sticky note right at the node (within 150 px of it) says what to pick and why
			const near = template.nodes.filter(isSticky).filter((st) => {
				const r = stickyRect(st);
				return overlaps({ x: r.x - 150, y: r.y - 150, w: r.w + 300, h: r.h + 300 }, box(n, template.connections));
			});
			expect([n.name, near.some((st) => String(st.parameters.content).includes(`pick **${target[0].name}**`))]).toEqual([n.name, true]);
		}
	});

	it('carries the tags of the pack and names the error workflow (but not itself)', () => {
		expect(template.tags?.map((t) => t.name)).toContain('OMS');
		for (const t of template.tags ?? []) {
			// fixed ids: n8n 2.41's CLI import of several workflows that bring one new tag name fails on the tag's
			// unique name unless the tag has an id (with it the second import finds the row the first one wrote)
			expect(t.id).toMatch(/^[A-Za-z0-9]{16}$/);
			expect(Object.keys(t).sort()).toEqual(['id', 'name']);
		}
		if (template.id === ERROR_WORKFLOW_ID) {
			expect(template.settings?.errorWorkflow).toBeUndefined();
			expect(template.nodes.map((n) => n.type)).toContain('n8n-nodes-base.errorTrigger');
		} else {
			expect(template.settings?.errorWorkflow).toBe(ERROR_WORKFLOW_ID);
		}
	});

	it('pins sample data only on triggers, and every pinned order is a valid canonical order of its trigger\'s channel', () => {
		for (const [name, items] of Object.entries(template.pinData ?? {})) {
			const node = template.nodes.find((n) => n.name === name);
			expect([name, node?.type]).toEqual([name, expect.stringMatching(/Trigger$/)]);
			expect(items.length).toBeGreaterThan(0);
			const channel = TRIGGER_CHANNEL[node!.type];
			const orders = channel || node!.type === 'n8n-nodes-base.executeWorkflowTrigger';
			// a Shopify Order Trigger set to the return topics emits canonical returns
			const returns = ((node!.parameters.topics as string[] | undefined) ?? []).some((t) => t.startsWith('returns/'));
			for (const { json } of items) {
				if (!orders) continue;
				expect({ name, problems: returns ? validateReturn(json) : validateOrder(json) }).toEqual({ name, problems: [] });
				if (channel) expect(json.channel).toBe(channel);
			}
		}
		// the triggers that bring data have a sample: orders, a form submission, a failure
		for (const n of template.nodes) {
			if (TRIGGER_CHANNEL[n.type] || ['n8n-nodes-base.executeWorkflowTrigger', 'n8n-nodes-base.formTrigger', 'n8n-nodes-base.errorTrigger'].includes(n.type)) {
				expect([n.name, (template.pinData?.[n.name] ?? []).length > 0]).toEqual([n.name, true]);
			}
		}
	});

	it('lays the canvas out so that nothing covers anything: nodes, their labels, sticky notes and wires', () => {
		const c = template.connections;
		const nodes = template.nodes.filter((n) => !isSticky(n));
		const stickies = template.nodes.filter(isSticky);
		const problems: string[] = [];
		// on n8n's grid, so that the editor draws everything where the template puts it
		for (const n of template.nodes) if (n.position.some((v) => v % GRID !== 0)) problems.push(`${n.name} at ${n.position.join(',')} is off the ${GRID} px grid`);
		for (const [i, a] of nodes.entries()) {
			for (const st of stickies) if (overlaps(footprint(a, c), stickyRect(st))) problems.push(`${a.name} ${show(footprint(a, c))} lies on ${st.name} ${show(stickyRect(st))}`);
			for (const b of nodes.slice(i + 1)) if (overlaps(footprint(a, c), footprint(b, c))) problems.push(`${a.name} ${show(footprint(a, c))} and ${b.name} ${show(footprint(b, c))} overlap`);
		}
		// a wire runs from its output on the right of its source to the input on the left of its target: no other node
		// may sit on the way (n8n draws it as a curve close to that line)
		for (const [from, conn] of Object.entries(c)) {
			const src = nodes.find((n) => n.name === from)!;
			const sb = box(src, c);
			conn.main.forEach((edges, output) => {
				for (const edge of edges) {
					const dst = nodes.find((n) => n.name === edge.node)!;
					const db = box(dst, c);
					const p: [number, number] = [sb.x + sb.w, sb.y + (sb.h * (output + 1)) / (conn.main.length + 1)];
					const q: [number, number] = [db.x, db.y + db.h / 2];
					if (q[0] <= p[0]) problems.push(`${from} -> ${edge.node} runs backwards (its target is not to the right of its source)`);
					for (const other of nodes) {
						if (other === src || other === dst) continue;
						if (segmentHits(p, q, box(other, c))) problems.push(`${from} -> ${edge.node} runs behind ${other.name}`);
					}
				}
			});
		}
		// names show in full (the label is two lines; longer names are cut off), sticky notes hold their text
		for (const n of nodes) {
			const lines = labelLines(n.name);
			if (lines.length > 2 || lines.some((l) => l.length > LABEL_LINE)) problems.push(`the name "${n.name}" does not fit in two lines of its label`);
		}
		for (const st of stickies) {
			const need = stickyTextHeight(String(st.parameters.content), Number(st.parameters.width));
			if (need > Number(st.parameters.height)) problems.push(`${st.name}: its text needs about ${need} px, it is ${st.parameters.height} px high`);
		}
		expect(problems).toEqual([]);
	});
});

describe('the template set', () => {
	it('has the seven templates of the OMS-to-WMS flow, recovery and attention, returns, the error alert (and the two EDI ones) with distinct ids', () => {
		expect(files.filter((f) => !f.startsWith('edi-'))).toEqual(['channel-reconciliation.json', 'daily-report.json', 'error-alert.json', 'fraud-review.json', 'fulfil-order.json', 'inventory-sync.json', 'order-intake.json', 'recovery-attention.json', 'returns.json', 'wms-status-sync.json']);
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
		expect(intake.connections[gate.name].main.map((o) => o.map((e) => e.node))).toEqual([['Ready to Fulfil?'], ['Held for review'], ['Cancel on Channel']]);
		expect(intake.nodes.find((n) => n.name === 'Ready to Fulfil?')).toMatchObject({ type: PREFIX + 'omsOrder', parameters: { operation: 'routeReadiness' } });
		expect(intake.connections['Ready to Fulfil?'].main.map((o) => o.map((e) => e.node))).toEqual([['Fulfil Order'], ['Not ready yet']]);
	});

	it.each(['omsOrderIntake01', 'omsChannelRecon1'])('%s carries out the channel’s changes: Updated -> Apply Channel Change, paid later into the same screening, released quantities published, the WMS asked first', (id) => {
		const intake = byId.get(id)!;
		const next = (name: string) => intake.connections[name].main.map((o) => o.map((e) => e.node));
		expect(next('Record Order')[1]).toEqual(['Apply Channel Change']);
		expect(intake.nodes.find((n) => n.name === 'Apply Channel Change')).toMatchObject({ type: PREFIX + 'omsOrder', parameters: { operation: 'applyChannelChange' } });
		// Fulfil, Republish, At the WMS, Held, Done, error
		expect(next('Apply Channel Change')).toEqual([['Screen for Fraud'], ['Release and Republish'], ['Cancel or Change at WMS'], ['Held for a person'], ['Nothing more to do'], ['Change refused (see the error)']]);
		expect(intake.nodes.find((n) => n.name === 'Cancel or Change at WMS')).toMatchObject({ type: PREFIX + 'wms', parameters: { resource: 'order', operation: 'applyChannelChange' } });
		expect(next('Cancel or Change at WMS')).toEqual([['Release and Republish']]);
		const release = intake.nodes.find((n) => n.name === 'Release and Republish')!;
		// only cancelled orders give their units back: a cancel the WMS refused leaves the order's units reserved
		expect(release).toMatchObject({ type: PREFIX + 'inventoryAllocator', parameters: { operation: 'release', onlyEnded: true } });
		// the same channel rules as Reserve Stock in OMS 2 (a copy: the two must not drift apart)
		const reserve = byId.get('omsFulfilOrder01')!.nodes.find((n) => n.name === 'Reserve Stock')!;
		const rulesOf = (p: Record<string, unknown>) => ({ channelRules: p.channelRules, defaultRule: p.defaultRule, channels: p.channels, rulesSource: p.rulesSource });
		expect(rulesOf(release.parameters)).toEqual(rulesOf(reserve.parameters));
		expect(next('Release and Republish')[1]).toEqual(['Publish Quantities']);
		expect(intake.nodes.find((n) => n.name === 'Publish Quantities')).toMatchObject({ type: PREFIX + 'marketplace', parameters: { operation: 'setQuantity' } });
	});

	it('Walmart orders are acknowledged on both ways in, through the channel outbox, with nothing evaluated: the trigger in OMS 1 (what fits in the burst at once, the rest by OMS 10), Get Walmart Orders in OMS 5 (before Record Order)', () => {
		const trigger = byId.get('omsOrderIntake01')!.nodes.find((n) => n.type === PREFIX + 'walmartOrderTrigger')!;
		expect(trigger.parameters.options).toEqual({ acknowledge: true });
		// Acknowledge Now left unset: Walmart's burst of 20 (the option's default, which the node applies when it is absent)
		const options = ours.walmartOrderTrigger.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		expect(options.find((o) => o.name === 'acknowledgeNow')?.default).toBe(20);
		// OMS 10 (Retry Channel Calls) sends what the trigger left owed: its Walmart Retry Pending
		const retry = [...byId.values()].flatMap((w) => w.nodes).find((n) => n.name === 'Retry Channel Calls')!;
		expect(retry).toMatchObject({ type: PREFIX + 'marketplace', parameters: { channel: 'fromItem', operation: 'retryPending' }, credentials: { omsWalmartApi: { name: 'Walmart' } } });
		const recon = byId.get('omsChannelRecon1')!;
		const get = recon.nodes.find((n) => n.name === 'Get Walmart Orders')!;
		expect(get).toMatchObject({ type: PREFIX + 'marketplace', parameters: { channel: 'walmart', operation: 'getOrdersSince', acknowledge: true } });
		expect(recon.connections['Get Walmart Orders'].main).toEqual([[{ node: 'Record Order', type: 'main', index: 0 }]]);
		// the option shows for this node (n8n drops a parameter its displayOptions hide)
		const d = ours.marketplace;
		const params = NodeHelpers.getNodeParameters(d.properties, get.parameters as INodeParameters, false, false, get as unknown as INode, d);
		expect(params?.acknowledge).toBe(true);
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
			// reconciliation: what follows the hourly read (its Since is an expression, evaluated once per run)
			['omsChannelRecon1', ['Record Order', 'Screen for Fraud', 'Ready to Fulfil?', 'Fulfil Order']],
			// a return's way to the warehouse and back (the hand form is the fallback; its fields are expressions)
			['omsReturns000011', ['Authorise Channel Return', 'Tell the Warehouse of a Channel Return', 'Every 15 Minutes, Warehouse Receipts', 'Get Return Updates', 'Apply Warehouse Receipt', 'Republish Returned Stock', 'Publish Returned Quantities']],
		];
		// parameters our nodes read from the item directly when they are exactly `={{ $json.<field> }}` (itemParameter)
		const readDirectly: Record<string, string[]> = {
			'Publish Quantities': ['sku', 'quantity'],
			'Authorise Channel Return': ['returnId'],
			'Tell the Warehouse': ['returnId'],
			'Tell the Warehouse of a Channel Return': ['returnId'],
			'Republish Returned Stock': ['omsId'],
			'Publish Returned Quantities': ['sku', 'quantity'],
			'Apply Warehouse Receipt': ['returnId'],
			'Republish Stock': ['omsId'],
		};
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

	it('the returns template tells the warehouse of every authorised return and moves returns by its receipt, with no person', () => {
		const returns = byId.get('omsReturns000011')!;
		const next = (name: string) => returns.connections[name].main.map((o) => o.map((e) => e.node));
		expect(next('Authorise Return')[0]).toEqual(['Tell the Warehouse']);
		expect(next('Authorise Channel Return')[0]).toEqual(['Tell the Warehouse of a Channel Return']);
		expect(next('Every 15 Minutes, Warehouse Receipts')).toEqual([['Get Return Updates']]);
		expect(next('Get Return Updates')[0]).toEqual(['Apply Warehouse Receipt']);
		expect(next('Apply Warehouse Receipt')).toEqual([['Republish Returned Stock'], ['Email About a Warehouse Receipt'], ['Nothing new at the warehouse'], ['Receipt not applied (see the error)']]);
		const node = (name: string) => returns.nodes.find((n) => n.name === name)!;
		for (const name of ['Tell the Warehouse', 'Tell the Warehouse of a Channel Return']) expect(node(name).parameters).toMatchObject({ resource: 'return', operation: 'create' });
		expect(next('Republish Returned Stock')[1]).toEqual(['Publish Returned Quantities']);
		expect(node('Get Return Updates').parameters).toMatchObject({ resource: 'return', operation: 'getUpdates' });
		// the hand form stays as the fallback
		expect(next('Return Received')).toEqual([['Receive Return']]);
	});

	it('every workflow that fulfils reaches the WMS; backorders and reserve quantity changes are handled', () => {
		const fulfil = byId.get('omsFulfilOrder01')!;
		expect(fulfil.connections['Reserve Stock'].main.map((o) => o.map((e) => e.node))).toEqual([['Route Backorders'], ['Publish Quantities'], ['Needs attention (see the error)']]);
		expect(fulfil.connections['Route Backorders'].main.map((o) => o.map((e) => e.node))).toEqual([['Send to WMS'], ['Send to WMS'], ['Note the Backorder'], ['Needs attention (see the error)']]);
	});

	// n8n (execution order v1) runs a node's children top to bottom, each branch to its end: Publish Quantities before
	// Route Backorders' branch (the WMS push), so a sale's quantities never wait for the WMS's rate limit; the stock sync
	// before the release of held orders
	it('keeps the branches that must run first above the ones that must wait (n8n runs the upper branch first)', () => {
		const y = (id: string, name: string) => byId.get(id)!.nodes.find((n) => n.name === name)!.position[1];
		expect(y('omsFulfilOrder01', 'Publish Quantities')).toBeLessThan(y('omsFulfilOrder01', 'Route Backorders'));
		expect(byId.get('omsFulfilOrder01')!.nodes.find((n) => n.name === 'Publish Quantities')!.notes).toMatch(/^Above Route Backorders/);
		expect(y('omsInventorySync', 'Get Stock Levels')).toBeLessThan(y('omsInventorySync', 'Release Held'));
	});

	// n8n 2.41's v1 order (n8n-core WorkflowExecute): after a node, the nodes its outputs lead to are sorted by their
	// canvas position (top first, then left) and put at the front of the stack, so each branch runs to its end before the
	// next. An order that is reserved and ready takes both of Reserve Stock's first two outputs.
	it('Fulfil Order publishes a sale’s quantities before its WMS push, and does not wait for the channels there', () => {
		const wf = byId.get('omsFulfilOrder01')!;
		const pos = (name: string) => wf.nodes.find((n) => n.name === name)!.position;
		const ran: string[] = [];
		const stack = ['When Executed by Another Workflow'];
		// the outputs an order with quantity changes that is ready to ship takes
		const taken: Record<string, number[]> = { 'When Executed by Another Workflow': [0], 'Reserve Stock': [0, 1], 'Route Backorders': [0], 'Send to WMS': [0], 'Publish Quantities': [0] };
		while (stack.length) {
			const name = stack.shift()!;
			ran.push(name);
			const next = (taken[name] ?? []).flatMap((o) => (wf.connections[name]?.main[o] ?? []).map((c) => c.node));
			next.sort((a, b) => pos(a)[1] - pos(b)[1] || pos(a)[0] - pos(b)[0]);
			stack.unshift(...next);
		}
		expect(ran).toEqual(['When Executed by Another Workflow', 'Reserve Stock', 'Publish Quantities', 'Route Backorders', 'Send to WMS']);
		// and the publish itself only queues: the channels' pace is the outbox's, not the WMS push's
		expect(wf.nodes.find((n) => n.name === 'Publish Quantities')!.parameters.quantityOptions).toEqual({ waitForChannel: false });
	});

	it('the error alert composes who failed, where and why, and mails it (n8n\'s Send Email, the OMS SMTP credential)', () => {
		const alert = byId.get(ERROR_WORKFLOW_ID)!;
		expect(alert.name).toBe('OMS 0: Error Alert');
		expect(alert.connections['Error Trigger'].main[0].map((e) => e.node)).toEqual(['Compose Alert']);
		expect(alert.connections['Compose Alert'].main[0].map((e) => e.node)).toEqual(['Email the Alert']);
		const fields = ((alert.nodes.find((n) => n.name === 'Compose Alert')!.parameters.assignments as { assignments: Array<{ name: string }> }).assignments).map((a) => a.name);
		expect(fields).toEqual(expect.arrayContaining(['subject', 'workflow', 'failedNode', 'error', 'executionUrl', 'text']));
		expect(alert.nodes.find((n) => n.name === 'Email the Alert')).toMatchObject({
			type: 'n8n-nodes-base.emailSend',
			credentials: { smtp: { id: null, name: 'OMS SMTP' } },
			parameters: { subject: '={{ $json.subject }}', text: '={{ $json.text }}' },
		});
	});

	it('no notification step is a placeholder: people are told by Send Email (alerts, the daily summary, the Attention digest)', () => {
		// the buyer's backorder notice (OMS 2) is a message to a customer, not to the team: still the shop's to write
		const buyerNotice = 'Notify buyers (placeholder)';
		for (const [file, t] of templates) {
			for (const n of t.nodes) if (n.name !== buyerNotice) expect([file, n.name, /placeholder/i.test(n.name) && /notify|send|alert/i.test(n.name)]).toEqual([file, n.name, false]);
		}
		const mailers = templates.flatMap(([, t]) => t.nodes.filter((n) => n.type === 'n8n-nodes-base.emailSend').map((n) => `${t.name} > ${n.name}`));
		expect(mailers.sort()).toEqual(['OMS 0: Error Alert > Email the Alert', 'OMS 10: Recovery and Attention > Email the Digest', 'OMS 11: Returns > Email About a Channel Return', 'OMS 11: Returns > Email About a Warehouse Receipt', 'OMS 11: Returns > Email About the Receipt', 'OMS 11: Returns > Email the Returns Team', 'OMS 7: Daily Report > Email the Summary']);
		for (const [, t] of templates) for (const n of t.nodes.filter((x) => x.type === 'n8n-nodes-base.emailSend')) expect(n.parameters.options).toMatchObject({ appendAttribution: false });
	});

	it('recovery and attention: stuck orders go back through screening and Fulfil Order; new Attention items are mailed as one digest', () => {
		const wf = byId.get('omsRecoverAttn01')!;
		const out = (name: string) => wf.connections[name].main.map((o) => o.map((e) => e.node));
		expect(wf.nodes.find((n) => n.name === 'Every 5 Minutes')!.parameters).toEqual({ rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] } });
		expect(out('Every 5 Minutes')).toEqual([['Recover Stuck Orders']]);
		expect(wf.nodes.find((n) => n.name === 'Recover Stuck Orders')).toMatchObject({ type: PREFIX + 'omsOrder', parameters: { operation: 'recover' } });
		expect(out('Recover Stuck Orders')).toEqual([['Screen for Fraud'], ['Fulfil Order']]);
		expect(out('Screen for Fraud')[0]).toEqual(['Ready to Fulfil?']);
		expect(out('Ready to Fulfil?')[0]).toEqual(['Fulfil Order']);
		// the same screening rules as intake
		const intakeScreen = byId.get('omsOrderIntake01')!.nodes.find((n) => n.name === 'Screen for Fraud')!;
		expect(wf.nodes.find((n) => n.name === 'Screen for Fraud')!.parameters).toEqual(intakeScreen.parameters);
		expect(wf.nodes.find((n) => n.name === 'New Attention Items')).toMatchObject({ parameters: { operation: 'attention', newOnly: true, attentionOutput: 'digest' } });
		expect(out('New Attention Items')).toEqual([['Email the Digest']]);
		// owed channel calls are retried on their own schedule (a failing recovery run does not stop them), every channel
		// with the credential names the other templates use
		expect(wf.nodes.find((n) => n.name === 'Every 5 Minutes, Channel Calls')!.parameters).toEqual({ rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] } });
		expect(out('Every 5 Minutes, Channel Calls')).toEqual([['Retry Channel Calls']]);
		const retry = wf.nodes.find((n) => n.name === 'Retry Channel Calls')!;
		expect(retry).toMatchObject({ type: PREFIX + 'marketplace', parameters: { channel: 'fromItem', operation: 'retryPending' }, onError: 'continueErrorOutput' });
		const publish = byId.get('omsOrderIntake01')!.nodes.find((n) => n.name === 'Publish Quantities')!;
		expect(retry.credentials).toEqual(publish.credentials);
		expect(Object.keys(retry.credentials!).sort()).toEqual(['omsAmazonSpApi', 'omsEbayApi', 'omsShopifyApi', 'omsWalmartApi', 'omsWooCommerceApi']);
		expect(out('Retry Channel Calls')).toEqual([[], ['Channel not reached (see the error)']]);
		const notes = wf.nodes.filter(isSticky).map((n) => String(n.parameters.content)).join('\n');
		expect(notes).toMatch(/Slack/);
		expect(notes).toMatch(/Teams/);
	});

	it('the fraud review form asks for a login and has no fixed path', () => {
		const form = byId.get('omsFraudReview01')!.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')!;
		expect(form.parameters.authentication).toBe('basicAuth');
		expect(form.credentials).toEqual({ httpBasicAuth: { id: null, name: 'Fraud Review Form' } });
		// the path is the node's webhookId unless one is set: none in the template, so n8n's editor gives a new one on import
		expect(form.webhookId).toBeUndefined();
		expect(form.parameters.path).toBeUndefined();
		expect((form.parameters.options as Record<string, unknown>).path).toBeUndefined();
	});
});
