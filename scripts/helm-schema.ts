/**
 * Writes the Helm chart's generated files from the kinds registry (`npm run helm:schema`):
 *   helm/crowsnest/values.schema.json     every value, its type and bounds; unknown keys refused;
 *                                         watchStreams.kinds checked against the registry's tokens
 *   helm/crowsnest/templates/_kinds.tpl   the registry's kinds and aliases, for the ClusterRole
 * A unit test fails when either file differs from what this script would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILTIN_KINDS, CUSTOM_STREAMS, KIND_GROUPS } from '../lib/kinds';

type Schema = Record<string, unknown>;

const CHART_DIR = new URL('../helm/crowsnest/', import.meta.url);
export const SCHEMA_PATH = fileURLToPath(new URL('values.schema.json', CHART_DIR));
export const KINDS_TEMPLATE_PATH = fileURLToPath(new URL('templates/_kinds.tpl', CHART_DIR));

/** Kinds the portal always watches, whatever the watch streams say (namespaces for access, CRDs for custom kinds). */
const ALWAYS_WATCHED = ['namespaces', 'crds'];

const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', additionalProperties: false, properties, ...extra });
const int = (minimum: number, maximum: number, description?: string): Schema => ({ type: 'integer', minimum, maximum, ...(description ? { description } : {}) });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const bool: Schema = { type: 'boolean' };
const strings: Schema = { type: 'array', items: { type: 'string' } };
/** Free-form Kubernetes fields passed through to the manifests (resources, affinity, …). */
const anyObject: Schema = { type: 'object' };
const anyList: Schema = { type: 'array' };
const image = (): Schema => object({ registry: str(), repository: str({ minLength: 1 }), tag: str(), pullPolicy: str({ enum: ['Always', 'IfNotPresent', 'Never'] }) });

/** Every word the watch streams grammar knows, each also as an `-exclusion`. */
export function watchStreamTokens(): string[] {
  return ['all', 'off', 'none', ...KIND_GROUPS.map((group) => group.alias), CUSTOM_STREAMS, ...BUILTIN_KINDS.map((kind) => kind.token)];
}

function watchStreamsKindsSchema(): Schema {
  const words = watchStreamTokens().filter((token) => token !== 'off' && token !== 'none');
  return {
    type: 'array',
    minItems: 1,
    description: 'all, off/none, kind tokens, group aliases and -exclusions (the CROWSNEST_WATCH_STREAMS grammar)',
    items: { type: 'string', pattern: `^(off|none|-?(${words.join('|')}))$` },
  };
}

export function valuesSchema(): Schema {
  return object(
    {
      image: image(),
      imagePullSecrets: anyList,
      nameOverride: str(),
      fullnameOverride: str(),
      replicaCount: int(1, 100),
      serviceAccount: object({ create: bool, name: str(), annotations: anyObject }),
      rbac: object({
        create: bool,
        customResources: { type: 'array', items: object({ apiGroups: { ...strings, minItems: 1 }, resources: { ...strings, minItems: 1 } }, { required: ['apiGroups', 'resources'] }) },
        metrics: bool,
      }),
      auth: object({
        mode: str({ enum: ['oidc', 'dev'] }),
        allowDevAuth: bool,
        url: str({ pattern: '^(|https?://[^/]+)$', description: "the portal's public origin, no path" }),
        existingSecret: str(),
        sessionMaxAgeSeconds: int(5, 31_536_000),
        sessionCheckSeconds: int(1, 3600),
        sessionGraceSeconds: int(0, 3600),
        oidc: object({ issuer: str(), clientId: str(), existingSecret: str(), clientSecret: str(), groupsClaim: str({ minLength: 1 }), scopes: str({ minLength: 1 }) }),
        adminGroups: strings,
      }),
      redis: object({
        url: str({ pattern: '^(|rediss?://.+)$' }),
        existingSecret: str(),
        bundled: object({
          enabled: bool,
          auth: object({ existingSecret: str() }),
          image: image(),
          persistence: object({ enabled: bool, size: str({ minLength: 1 }), storageClass: str() }),
          resources: anyObject,
        }),
      }),
      fleet: object({ leaseTtlSeconds: int(2, 600), leaseRenewSeconds: int(1, 300), history: int(100, 10_000_000), heldTtlSeconds: int(3, 3600) }),
      watchStreams: object({
        kinds: watchStreamsKindsSchema(),
        perUserLimit: int(0, 100_000),
        heartbeatSeconds: int(1, 3600),
        maxNamespacesPerStream: int(1, 10_000),
        streamMaxSeconds: int(1, 86_400),
        streamBufferBytes: int(16 * 1024, 1024 * 1024 * 1024),
        streamBufferTotalBytes: int(64 * 1024, 64 * 1024 * 1024 * 1024),
        streamMaxDelaySeconds: int(1, 3600),
        resumeBuffer: int(10, 1_000_000),
        resumeBufferBytes: int(64 * 1024, 16 * 1024 * 1024 * 1024),
        informerIdleSeconds: int(1, 86_400),
        livenessSeconds: int(1, 3600),
        pollIntervalSeconds: int(1, 3600),
      }),
      accessReviewTtlSeconds: int(0, 86_400),
      rateLimit: object({ perSecond: int(0, 1_000_000), burst: int(1, 1_000_000) }),
      trustProxy: bool,
      sockets: object({ perUser: int(0, 10_000), shellsPerUser: int(0, 10_000), logStreamsPerUser: int(0, 10_000), shellIdleSeconds: int(1, 86_400), logRingLines: int(0, 1_000_000), bufferBytes: int(1024, 1024 * 1024 * 1024) }),
      usageIntervalSeconds: int(1, 3600),
      yard: object({
        teams: {
          type: 'array',
          description: 'team yards: id, the groups that edit it, the groups that may only look (CROWSNEST_YARDS)',
          items: object({ id: str({ pattern: '^[A-Za-z0-9_-]+$' }), edit: { ...strings, minItems: 1 }, view: strings }, { required: ['id', 'edit'] }),
        },
        dataDir: str(),
        maxDocumentBytes: int(4096, 64 * 1024 * 1024),
        maxKrates: int(1, 10_000),
        updatesPerSecond: int(1, 10_000),
      }),
      drainSeconds: int(0, 3600),
      terminationExtraSeconds: int(1, 600),
      logLevel: str({ enum: ['debug', 'info', 'warn', 'error'] }),
      logFormat: str({ enum: ['json', 'pretty'] }),
      kubeconfig: object({ existingSecret: str() }),
      extraEnv: anyList,
      containerPort: int(1, 65535),
      listenHost: str({ minLength: 1 }),
      podAnnotations: anyObject,
      podLabels: anyObject,
      podSecurityContext: anyObject,
      securityContext: anyObject,
      resources: anyObject,
      nodeSelector: anyObject,
      tolerations: anyList,
      affinity: anyObject,
      topologySpreadConstraints: object({ enabled: bool, maxSkew: int(1, 100), topologyKey: str({ minLength: 1 }), whenUnsatisfiable: str({ enum: ['DoNotSchedule', 'ScheduleAnyway'] }) }),
      service: object({ type: str({ enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }), port: int(1, 65535), annotations: anyObject }),
      ingress: object({
        enabled: bool,
        className: str(),
        annotations: anyObject,
        hosts: strings,
        tls: { type: 'array', items: object({ secretName: str(), hosts: strings }) },
      }),
      podDisruptionBudget: object({ enabled: bool, maxUnavailable: { type: ['integer', 'string'] } }),
      autoscaling: object({ enabled: bool, minReplicas: int(1, 100), maxReplicas: int(1, 1000), targetCPUUtilizationPercentage: int(1, 100) }),
      networkPolicy: object({ enabled: bool, ingressFrom: anyList, apiServerCIDRs: strings, apiServerPorts: { type: 'array', items: int(1, 65535) }, extraEgress: anyList }),
      serviceMonitor: object({ enabled: bool, interval: str({ pattern: '^[0-9]+(ms|s|m|h)$' }), labels: anyObject }),
    },
    { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Crowsnest chart values' },
  );
}

/** The kinds registry as the chart's templates read it (a JSON document inside a named template). */
export function kindsTemplate(): string {
  const registry = {
    kinds: Object.fromEntries(BUILTIN_KINDS.map((kind) => [kind.token, { group: kind.group, plural: kind.plural }])),
    aliases: Object.fromEntries(KIND_GROUPS.map((group) => [group.alias, group.tokens])),
    alwaysWatched: ALWAYS_WATCHED,
  };
  return [
    '{{/* Generated from lib/kinds by `npm run helm:schema`; do not edit. */}}',
    '{{- define "crowsnest.kindRegistry" -}}',
    JSON.stringify(registry),
    '{{- end }}',
    '',
  ].join('\n');
}

export function schemaText(): string {
  return `${JSON.stringify(valuesSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, schemaText());
  writeFileSync(KINDS_TEMPLATE_PATH, kindsTemplate());
  console.log(`wrote ${SCHEMA_PATH} and ${KINDS_TEMPLATE_PATH}`);
}
