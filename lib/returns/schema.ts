/**
 * The canonical return's JSON Schema (draft 2020-12), shipped in the package as
 * lib/returns/canonical-return.schema.json so that anyone (another system, a Code node, a test) can validate returns
 * with a standard validator. validateReturn() makes the same checks by hand, plus those a schema cannot express.
 */
import schemaJson from './canonical-return.schema.json';

/** The `$id` of the canonical return schema. */
export const CANONICAL_RETURN_SCHEMA_ID = 'urn:n8n-nodes-oms-wms:canonical-return';

/** The canonical return JSON Schema as a plain object (treat as read-only). */
export const canonicalReturnSchema: Readonly<Record<string, unknown>> = schemaJson;
