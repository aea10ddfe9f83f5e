/**
 * The protobuf TokenRequest body `kubectl create token` sends (its typed client speaks
 * protobuf): the `k8s\0` magic, a runtime.Unknown whose `raw` is the TokenRequest.
 * Only the spec is read (audiences = 1, boundObjectRef = 3 {kind, apiVersion, name,
 * uid}, expirationSeconds = 4). Kept apart from protobuf.ts, the decoder of the kinds
 * kubectl's generators send, which it can join as one more schema.
 */
import { badRequest } from '../status';

type Fields = Map<number, (number | Uint8Array)[]>;

function fields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= buf.length) throw new Error('truncated varint');
      const byte = buf[at++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  };
  while (at < buf.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      if (at + len > buf.length) throw new Error('truncated field');
      value = buf.subarray(at, at + len);
      at += len;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      value = 0;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(number, [...(out.get(number) ?? []), value]);
  }
  return out;
}

const text = (v: number | Uint8Array | undefined) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : '');
const bytes = (v: number | Uint8Array | undefined) => (v instanceof Uint8Array ? v : new Uint8Array());


/** The TokenRequest in a protobuf body, as the JSON kubectl would have sent. */
export function decodeTokenRequest(body: Buffer): Record<string, unknown> {
  try {
    if (body.length < 4 || body.readUInt32BE(0) !== 0x6b387300) throw new Error('protobuf body does not start with the Kubernetes magic number');
    const unknown = fields(body.subarray(4));
    const typeMeta = fields(bytes(unknown.get(1)?.[0]));
    const request = fields(bytes(unknown.get(2)?.[0]));
    const specFields = fields(bytes(request.get(2)?.[0]));
    const spec: Record<string, unknown> = {};
    const audiences = (specFields.get(1) ?? []).map(text);
    if (audiences.length) spec.audiences = audiences;
    const expiration = specFields.get(4)?.[0];
    if (typeof expiration === 'number') spec.expirationSeconds = expiration;
    const ref = specFields.get(3)?.[0];
    if (ref instanceof Uint8Array) {
      const r = fields(ref);
      spec.boundObjectRef = { kind: text(r.get(1)?.[0]), apiVersion: text(r.get(2)?.[0]), name: text(r.get(3)?.[0]), uid: text(r.get(4)?.[0]) || undefined };
    }
    return { apiVersion: text(typeMeta.get(1)?.[0]), kind: text(typeMeta.get(2)?.[0]), metadata: {}, spec };
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
}
