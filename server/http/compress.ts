import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const MIN_BYTES = 8 * 1024;

/** A JSON answer, compressed with br or gzip when large and the client accepts it (never for streams). */
export function jsonResponse(body: unknown, request: Request, headers: Record<string, string> = {}, status = 200): Response {
  const text = JSON.stringify(body);
  const accept = request.headers.get('accept-encoding') ?? '';
  const base = { 'Content-Type': 'application/json', Vary: 'Accept-Encoding', ...headers };
  if (Buffer.byteLength(text) < MIN_BYTES) return new Response(text, { status, headers: base });
  if (/\bbr\b/.test(accept)) {
    const data = brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    return new Response(new Uint8Array(data), { status, headers: { ...base, 'Content-Encoding': 'br' } });
  }
  if (/\bgzip\b/.test(accept)) return new Response(new Uint8Array(gzipSync(text, { level: 6 })), { status, headers: { ...base, 'Content-Encoding': 'gzip' } });
  return new Response(text, { status, headers: base });
}
