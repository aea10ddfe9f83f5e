import { describe, expect, it } from 'vitest';
import { deleteOptionsFromProtobuf, evictionFromProtobuf, unwrapProtobuf, validateDeleteOptions } from '../../sim/api/deleteOptions';
import { StatusError } from '../../sim/status';

/** Minimal protobuf writer for the test: varints and length-delimited fields. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const num = (field: number, n: number) => [...varint(field << 3), ...varint(n)];
const bytes = (field: number, b: number[] | string) => {
  const data = typeof b === 'string' ? [...Buffer.from(b)] : b;
  return [...varint((field << 3) | 2), ...varint(data.length), ...data];
};
const envelope = (apiVersion: string, kind: string, raw: number[]) => Buffer.from([0x6b, 0x38, 0x73, 0x00, ...bytes(1, [...bytes(1, apiVersion), ...bytes(2, kind)]), ...bytes(2, raw)]);

describe('DeleteOptions in protobuf', () => {
  it('reads every field helm and kubectl send', () => {
    const raw = [...num(1, 0), ...bytes(2, [...bytes(1, 'uid-1'), ...bytes(2, '42')]), ...bytes(4, 'Background'), ...bytes(5, 'All')];
    const body = envelope('meta.k8s.io/v1', 'DeleteOptions', raw);
    const { kind, raw: inner } = unwrapProtobuf(body);
    expect(kind).toBe('DeleteOptions');
    expect(deleteOptionsFromProtobuf(inner)).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: 'uid-1', resourceVersion: '42' }, propagationPolicy: 'Background', dryRun: ['All'] });
  });

  it('reads a negative grace period and orphanDependents', () => {
    expect(deleteOptionsFromProtobuf(Uint8Array.from([...num(1, -1), ...num(3, 1)]))).toEqual({ gracePeriodSeconds: -1, orphanDependents: true });
  });

  it('reads the pod name and options of an Eviction', () => {
    const raw = [...bytes(1, [...bytes(1, 'web-1'), ...bytes(3, 'team-a')]), ...bytes(2, num(1, 5))];
    expect(evictionFromProtobuf(unwrapProtobuf(envelope('policy/v1', 'Eviction', raw)).raw)).toEqual({ name: 'web-1', namespace: 'team-a', deleteOptions: { gracePeriodSeconds: 5 } });
  });

  it('refuses a body without the magic number', () => {
    expect(() => unwrapProtobuf(Buffer.from('{}'))).toThrow(StatusError);
  });
});

describe('DeleteOptions validation', () => {
  const refusal = (o: object) => {
    try {
      validateDeleteOptions(o);
    } catch (err) {
      return (err as StatusError).status;
    }
    return undefined;
  };

  it('refuses an unknown propagation policy with the apiserver wording', () => {
    expect(refusal({ propagationPolicy: 'Sideways' })).toMatchObject({ code: 422, reason: 'Invalid', message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan"' });
  });

  it('refuses orphanDependents together with a propagation policy', () => {
    expect(refusal({ propagationPolicy: 'Orphan', orphanDependents: true })?.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set');
  });

  it('refuses a dryRun other than All', () => {
    expect(refusal({ dryRun: ['Some'] })?.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: "Some": supported values: "All"');
  });
});
