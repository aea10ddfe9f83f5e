/**
 * A kind's OpenAPI v3 schema as the portal hands it to the editor: the
 * kind's own component schema (`root`) and every component it refers to,
 * untouched. `GET /api/clusters/{cluster}/schemas/{kind}`.
 */
export interface KindSchema {
  group: string;
  version: string;
  kind: string;
  root: string;
  schemas: Record<string, SchemaNode>;
}

/** The parts of an OpenAPI schema object the editor reads; anything else is carried along. */
export interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  $ref?: string;
  enum?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [extension: string]: unknown;
}
