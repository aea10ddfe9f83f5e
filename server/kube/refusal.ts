import type { KubeConfig } from '@kubernetes/client-node';
import { errorFrom, kubeRequest, type KubeRequest } from './kubeRequest';

/** A refusal in Kubernetes' words: the status and message a person is shown. */
export interface Refusal {
  code: number;
  message: string;
}

/**
 * Asks the API server for its own wording of a refusal: sends `request` (with
 * `kubeConfig` acting as the person) and, when the answer's status is one
 * `refused` accepts, returns its status and message. When the request is not
 * refused after all (access changed in between) or the API server cannot be
 * asked, `fallback`: the refusal in Kubernetes' words as the portal would put it.
 */
export async function askRefusal(kubeConfig: KubeConfig, request: KubeRequest, fallback: Refusal, refused: (status: number) => boolean = (status) => status >= 300): Promise<Refusal> {
  try {
    const res = await kubeRequest(kubeConfig, { timeoutMs: 10_000, ...request });
    if (!refused(res.statusCode ?? 0)) {
      res.resume();
      return fallback;
    }
    const err = await errorFrom(res);
    return { code: err.status, message: err.message };
  } catch {
    return fallback;
  }
}
