/**
 * The templates under workflows/ as the tools that import them with n8n's CLI need them.
 *
 * The templates ship without a fixed sub-workflow link: an *Execute Workflow* node's *Workflow* is empty, because an
 * import in n8n's editor gives every workflow a new ID (a fixed ID would point nowhere there, silently). The editor
 * shows the empty link as a node issue and refuses to publish until the user picks the sub-workflow. `n8n
 * import:workflow` keeps the IDs the files carry, so a CLI import can be linked beforehand: linkSubWorkflows() does
 * what the user does in the editor, picking for each Execute Workflow node the template it is named after ("Fulfil
 * Order" -> "OMS 2: Fulfil Order").
 *
 * The form trigger carries no webhookId either (the editor gives it a new one on import, so the form's path differs
 * on every install); withWebhookIds() gives every node that serves a webhook and has none a fresh one, as the editor
 * does, so that the path is known before n8n starts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type CredentialJson, type WorkflowJson } from './n8n';

export const TEMPLATES_DIR = join(repoRoot, 'workflows');

/** Every template under workflows/, by file name. */
export function templateFiles(dir = TEMPLATES_DIR): string[] {
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
}

export function readTemplate(file: string, dir = TEMPLATES_DIR): WorkflowJson {
	return JSON.parse(readFileSync(join(dir, file), 'utf8')) as WorkflowJson;
}

/** The workflow an Execute Workflow node of the templates calls: the template named "OMS <n>: <node name>". */
export function subWorkflowFor(nodeName: string, templates: WorkflowJson[]): WorkflowJson {
	const found = templates.filter((t) => new RegExp(`^OMS \\d: ${nodeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(t.name));
	if (found.length !== 1) throw new Error(`no single template named "OMS <n>: ${nodeName}" for the Execute Workflow node "${nodeName}" (found ${found.length})`);
	return found[0];
}

/**
 * A copy of the workflow with each empty Execute Workflow link set to the template it is named after, by the ID the
 * CLI import keeps (from the templates in workflows/ unless others are given).
 */
export function linkSubWorkflows(wf: WorkflowJson, templates: WorkflowJson[] = templateFiles().map((f) => readTemplate(f))): WorkflowJson {
	const copy = structuredClone(wf);
	for (const node of copy.nodes) {
		if (node.type !== 'n8n-nodes-base.executeWorkflow') continue;
		const ref = node.parameters.workflowId as { __rl?: boolean; value?: string } | undefined;
		if (ref?.value) continue;
		const target = subWorkflowFor(node.name, templates);
		if (!target.id) throw new Error(`template "${target.name}" has no id`);
		node.parameters.workflowId = { __rl: true, value: target.id, mode: 'list', cachedResultName: target.name };
	}
	return copy;
}

/** Node types of the templates that serve a webhook (their path is derived from the node's webhookId). */
const WEBHOOK_NODE_TYPES = ['n8n-nodes-base.webhook', 'n8n-nodes-base.formTrigger', 'n8n-nodes-oms-wms.shopifyOrderTrigger', 'n8n-nodes-oms-wms.wooCommerceOrderTrigger'];

/** A copy of the workflow in which every webhook-serving node without a webhookId has a new one (as the editor gives). */
export function withWebhookIds(wf: WorkflowJson): WorkflowJson {
	const copy = structuredClone(wf);
	for (const node of copy.nodes) if (WEBHOOK_NODE_TYPES.includes(node.type) && !node.webhookId) node.webhookId = randomUUID();
	return copy;
}

/**
 * The login of the Fraud Review form (OMS 6 asks for it: n8n's form Basic Auth), made up once per test process, and
 * the credential the template expects under the name "Fraud Review Form".
 */
export const FRAUD_FORM_LOGIN = { user: 'reviewer', password: randomBytes(12).toString('hex') };
export function fraudFormCredential(): CredentialJson {
	return { id: 'omsFraudFormCred', name: 'Fraud Review Form', type: 'httpBasicAuth', data: { ...FRAUD_FORM_LOGIN } };
}

/** The login of OMS 11's two forms (a return by hand, the warehouse's receipt): the "Returns Form" credential. */
export function returnsFormCredential(): CredentialJson {
	return { id: 'omsReturnFormCr1', name: 'Returns Form', type: 'httpBasicAuth', data: { ...FRAUD_FORM_LOGIN } };
}

/** The Authorization header a reviewer's browser sends to the Fraud Review form. */
export function fraudFormAuthorization(): string {
	return `Basic ${Buffer.from(`${FRAUD_FORM_LOGIN.user}:${FRAUD_FORM_LOGIN.password}`).toString('base64')}`;
}

/** A template ready for `n8n import:workflow`: sub-workflows linked, webhook ids given. */
export function forCliImport(wf: WorkflowJson): WorkflowJson {
	return withWebhookIds(linkSubWorkflows(wf));
}
