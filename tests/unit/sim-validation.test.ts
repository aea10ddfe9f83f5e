import { describe, expect, it } from 'vitest';
import { definitionNameOf, goTypeName, resolve, schemaOf } from '../../sim/schemas/index';
import { checkFields } from '../../sim/validation/fields';
import { goValue } from '../../sim/validation/decode';
import { parseQuantity } from '../../sim/validation/quantity';
import { builtinCauses, goStringMap } from '../../sim/validation/builtin';
import { pruneUnknown, validateAgainstSchema } from '../../sim/validation/crdSchema';

const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const deploymentSchema = () => schemaOf('apps', 'v1', 'Deployment')!;

function aPodSpec(container: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { containers: [{ name: 'main', image: 'nginx:1.27', ...container }], ...extra };
}

function aDeployment(spec: Record<string, unknown> = {}) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: aPodSpec() }, ...spec } };
}

describe('schemas of the built-in kinds', () => {
  it('finds kinds by group, version and kind, under the definition names the apiserver serves', () => {
    expect(definitionNameOf('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(definitionNameOf('', 'v1', 'Event')).toBe('io.k8s.api.core.v1.Event');
    expect(definitionNameOf('events.k8s.io', 'v1', 'Event')).toBe('io.k8s.api.events.v1.Event');
    expect(definitionNameOf('autoscaling', 'v2', 'HorizontalPodAutoscaler')).toBe('io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
    expect(definitionNameOf('example.com', 'v1', 'Widget')).toBeUndefined();
  });

  it('resolves references and carries the group-version-kind, the descriptions and the integer widths', () => {
    const s = deploymentSchema();
    expect(s['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    const spec = resolve(s.properties!.spec);
    expect(spec.properties!.replicas).toMatchObject({ type: 'integer', format: 'int32', description: expect.stringContaining('desired pods') });
    expect(spec.required).toEqual(['selector', 'template']);
    const podSpec = resolve(resolve(spec.properties!.template).properties!.spec);
    expect(podSpec.properties!.terminationGracePeriodSeconds).toMatchObject({ type: 'integer', format: 'int64' });
    expect(goTypeName('io.k8s.api.apps.v1.DeploymentSpec')).toBe('DeploymentSpec');
    expect(goTypeName('io.k8s.api.core.v1.Event')).toBe('Event');
  });
});

describe('decoding checks', () => {
  it('lists unknown fields with list indexes and prunes them on request', () => {
    const d: any = aDeployment({ replica: 2 });
    d.spec.template.spec.containers[0].imagePullPolice = 'Always';
    const report = checkFields(deploymentSchema(), DEPLOYMENT, d, true);
    expect(report.unknown).toEqual(['spec.template.spec.containers[0].imagePullPolice', 'spec.replica']);
    expect(d.spec.replica).toBeUndefined();
    expect(d.spec.template.spec.containers[0].imagePullPolice).toBeUndefined();
  });

  it('words type errors as Go decoding does, including int32 overflow', () => {
    expect(checkFields(deploymentSchema(), DEPLOYMENT, aDeployment({ replicas: 'three' })).typeError).toBe(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(checkFields(deploymentSchema(), DEPLOYMENT, aDeployment({ replicas: 5e9 })).typeError).toBe(
      'json: cannot unmarshal number 5000000000 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(checkFields(deploymentSchema(), DEPLOYMENT, { spec: 'x' }).typeError).toBe('json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
    const ports = aDeployment();
    (ports.spec.template.spec as any).containers[0].ports = { containerPort: 80 };
    expect(checkFields(deploymentSchema(), DEPLOYMENT, ports).typeError).toBe(
      'json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.ports of type []v1.ContainerPort',
    );
  });

  it('accepts numbers as quantities and both forms of int-or-string', () => {
    const d = aDeployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } });
    (d.spec.template.spec as any).containers[0].resources = { limits: { cpu: 1, memory: '128Mi' } };
    (d.spec.template.spec as any).volumes = [{ name: 'scratch', emptyDir: { sizeLimit: 1000 } }];
    expect(checkFields(deploymentSchema(), DEPLOYMENT, d)).toEqual({ unknown: [], typeError: undefined });
    const fraction = aDeployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1.5 } } });
    expect(checkFields(deploymentSchema(), DEPLOYMENT, fraction).typeError).toMatch(/^json: cannot unmarshal number .*into Go struct field RollingUpdateDeployment\.spec\.strategy\.rollingUpdate\.maxSurge/);
  });

  it("knows the fields the declarations lost: a webhook rule's resources and a CRD schema's x-kubernetes extensions", () => {
    const hook = { webhooks: [{ name: 'check.example.com', rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods', 'pods/*'], scope: 'Namespaced' }] }] };
    const hookSchema = schemaOf('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration')!;
    expect(checkFields(hookSchema, definitionNameOf('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration')!, hook).unknown).toEqual([]);
    const crd = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'self.a > 0' }] } } }] } };
    const crdSchema = schemaOf('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!;
    expect(checkFields(crdSchema, definitionNameOf('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!, crd)).toEqual({ unknown: [], typeError: undefined });
  });

  it('takes any JSON where Go keeps it raw (managedFields), and int64 fields past the int32 range', () => {
    const d: any = aDeployment();
    d.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    d.spec.template.spec.securityContext = { runAsUser: 3_000_000_000 };
    expect(checkFields(deploymentSchema(), DEPLOYMENT, d)).toEqual({ unknown: [], typeError: undefined });
  });

  it("prints a patch as Go's %+v prints a map", () => {
    expect(goValue({ spec: { replicas: 2, b: [1, 'x'], a: null } })).toBe('map[spec:map[a:<nil> b:[1 x] replicas:2]]');
  });
});

describe('quantities', () => {
  it('parses decimal, binary and exponent suffixes', () => {
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity(2)).toBe(2);
    expect(parseQuantity('lots')).toBeUndefined();
  });
});

describe('built-in validation', () => {
  it('accepts a well-formed deployment', () => {
    expect(builtinCauses('Deployment', aDeployment(), undefined)).toEqual([]);
  });

  it('refuses an empty selector and one that does not match the template', () => {
    expect(builtinCauses('Deployment', aDeployment({ selector: {} }), undefined).map((c) => c.message)).toEqual([
      'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    expect(builtinCauses('Deployment', aDeployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }), undefined)).toEqual([]);
  });

  it('checks ports, protocols, restart policy and requests against limits in templates', () => {
    const d = aDeployment();
    d.spec.template.spec = aPodSpec({ ports: [{ containerPort: 0 }, { containerPort: 80, hostPort: 70000, protocol: 'HTTP' }], resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } }, { restartPolicy: 'Never' }) as any;
    expect(builtinCauses('Deployment', d, undefined).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.template.spec.containers[0].ports[0].containerPort: Required value',
      'spec.template.spec.containers[0].ports[1].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.template.spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('refuses duplicate container names and bad label values', () => {
    const pod = { metadata: { labels: { 'bad key!': 'x', ok: 'not ok!' } }, spec: aPodSpec({}, { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }) };
    expect(builtinCauses('Pod', pod, undefined).map((c) => c.field)).toEqual(['metadata.labels', 'metadata.labels', 'spec.containers[1].name']);
  });

  it('lets a job change nothing of its template, and a pod only its image', () => {
    const job = { spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: aPodSpec({}, { restartPolicy: 'Never' }) } } };
    const changed = structuredClone(job);
    changed.spec.template.spec.containers[0].image = 'other';
    expect(builtinCauses('Job', changed, job).map((c) => c.message)).toEqual(['Invalid value: core.PodTemplateSpec{...}: field is immutable']);
    const pod = { spec: aPodSpec() };
    expect(builtinCauses('Pod', { spec: aPodSpec({ image: 'nginx:1.28' }) }, pod)).toEqual([]);
    expect(builtinCauses('Pod', { spec: aPodSpec({ args: ['x'] }) }, pod).map((c) => c.reason)).toEqual(['FieldValueForbidden']);
  });

  it('formats label maps as Go does', () => {
    expect(goStringMap({ b: '2', a: '1' })).toBe('map[string]string{"a":"1", "b":"2"}');
  });
});

describe('CRD structural schemas', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: { size: { type: 'integer', minimum: 1 }, tags: { type: 'array', maxItems: 2, items: { type: 'string', minLength: 2 } }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    },
  };

  it('prunes undeclared fields except under preserve-unknown-fields, keeping the root metadata', () => {
    const obj: any = { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w' }, spec: { size: 1, nope: 1, free: { any: { thing: 1 } } }, top: 1 };
    expect(pruneUnknown(schema, obj)).toEqual(['spec.nope', 'top']);
    expect(obj).toEqual({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w' }, spec: { size: 1, free: { any: { thing: 1 } } } });
  });

  it('validates types, bounds, lengths, item counts and required fields', () => {
    const causes = validateAgainstSchema(schema, { spec: { size: 0, tags: ['a', 'bb', 'cc'] } });
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
      'spec.tags: Too many: 3: must have at most 2 items',
      'spec.tags[0]: Invalid value: "a": spec.tags[0] in body should be at least 2 chars long',
    ]);
    expect(validateAgainstSchema(schema, { spec: {} }).map((c) => c.reason)).toEqual(['FieldValueRequired']);
  });
});
