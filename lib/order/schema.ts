/**
 * The canonical order's JSON Schema (draft 2020-12), shipped in the package as
 * lib/order/canonical-order.schema.json so that anyone (another system, a Code node, a test) can validate orders
 * with a standard validator. validateOrder() makes the same checks by hand, plus those a schema cannot express.
 */
import schemaJson from './canonical-order.schema.json';

/** The `$id` of the canonical order schema. */
export const CANONICAL_ORDER_SCHEMA_ID = 'urn:n8n-nodes-oms-wms:canonical-order';

/** The canonical order JSON Schema as a plain object (treat as read-only). */
export const canonicalOrderSchema: Readonly<Record<string, unknown>> = schemaJson;
