import { StatusError, status } from '../status';
import type { KubeObject } from '../types';

/** Decodes a `application/vnd.kubernetes.protobuf` request body (not yet implemented). */
export function decodeProtobufBody(_body: Buffer): KubeObject {
  throw new StatusError(status(415, 'UnsupportedMediaType', 'protobuf request bodies are not supported yet; send application/json'));
}
