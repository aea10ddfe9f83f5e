/**
 * The server side of SPDY/3.1 framing, as much as port-forward needs: kubectl (1.31+)
 * tunnels SPDY through a WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`), so the
 * bytes of binary messages form one SPDY byte stream each way. The client opens
 * streams with SYN_STREAM (headers compressed with zlib and SPDY's dictionary, one
 * compression context per direction), sends DATA, half-closes with FIN, resets with
 * RST_STREAM and pings. We reply to each stream (SYN_REPLY), send DATA and FIN, answer
 * pings, and say GOAWAY when the pod goes. No flow control: the client does none.
 */
import { constants, inflateSync } from 'node:zlib';

const WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age',
  'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length',
  'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma',
  'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public',
  'set-cookie', 'keep-alive', 'origin',
];
const TAIL = [
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505',
  '203 Non-Authoritative Information', '204 No Content', '301 Moved Permanently', '400 Bad Request', '401 Unauthorized', '403 Forbidden',
  '404 Not Found', '500 Internal Server Error', '501 Not Implemented', '503 Service Unavailable',
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT',
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,public',
  'privatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.',
].join('');

/** The zlib dictionary of SPDY/3 header blocks: length-prefixed header words, then common values. */
export const HEADER_DICTIONARY = Buffer.concat([
  ...WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(TAIL, 'latin1'),
]);

export const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const FLAG_FIN = 0x01;
const MAX_DATA = 64 * 1024;

export class SpdyError extends Error {}

/** Encodes a header block: a count, then length-prefixed names and values. */
export function headerBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase(), 'utf8');
    const value = Buffer.from(v, 'utf8');
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

export function parseHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (block.length < 4) throw new SpdyError('short header block');
  const count = block.readUInt32BE(0);
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > block.length) throw new SpdyError('short header block');
    const nameLen = block.readUInt32BE(at);
    const name = block.subarray(at + 4, at + 4 + nameLen).toString('utf8');
    at += 4 + nameLen;
    if (at + 4 > block.length) throw new SpdyError('short header block');
    const valueLen = block.readUInt32BE(at);
    out[name] = block.subarray(at + 4, at + 4 + valueLen).toString('utf8').split('\0')[0];
    at += 4 + valueLen;
  }
  return out;
}

/**
 * The reading side's header decompressor: one zlib stream across all header blocks.
 * Each block is inflated with everything before it, and only the new output kept —
 * header blocks are few and small, and this stays synchronous.
 */
class HeaderInflater {
  private input: Buffer[] = [];
  private produced = 0;

  inflate(chunk: Buffer): Buffer {
    this.input.push(chunk);
    const all = inflateSync(Buffer.concat(this.input), { dictionary: HEADER_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.produced);
    this.produced = all.length;
    return fresh;
  }
}

/**
 * The writing side's header compressor: a zlib stream whose blocks are stored (not
 * compressed) — valid zlib that any reader accepts, with no state to keep but "has
 * the stream header been sent".
 */
class HeaderDeflater {
  private started = false;

  deflate(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) parts.push(Buffer.from([0x78, 0x01]));
    this.started = true;
    for (let at = 0; at < block.length; at += 0xffff) parts.push(storedBlock(block.subarray(at, at + 0xffff)));
    // An empty stored block ends each header block, as zlib's sync flush does: it tells
    // the reader to hand over what it has without waiting for more input.
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** A deflate block of raw bytes (BTYPE 00), not the last one. */
function storedBlock(piece: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(piece.length, 1);
  head.writeUInt16LE(~piece.length & 0xffff, 3);
  return Buffer.concat([head, piece]);
}

export interface SpdyStream {
  id: number;
  headers: Record<string, string>;
  /** Data from the client; `end` when it half-closes, `reset` when it resets. */
  onData?: (data: Buffer) => void;
  onEnd?: () => void;
  onReset?: () => void;
  write(data: Buffer | string): void;
  /** Half-closes our side. */
  end(): void;
}

export class SpdyConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly streams = new Map<number, SpdyStream & { closed: boolean }>();
  private lastStream = 0;
  private closed = false;

  constructor(
    private readonly send: (bytes: Buffer) => void,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {}

  /** Bytes from the tunnel. Throws SpdyError on a protocol error. */
  receive(bytes: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, bytes]) : bytes;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3);
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.frame(frame);
    }
  }

  /** Tells the client the connection is going away. */
  goAway(): void {
    if (this.closed) return;
    this.closed = true;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(this.lastStream, 0);
    this.control(TYPE.GOAWAY, 0, body);
  }

  private control(type: number, flags: number, body: Buffer): void {
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8000 | 3, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags & 0xff) << 24) | body.length, 4);
    this.send(Buffer.concat([head, body]));
  }

  private data(id: number, flags: number, body: Buffer): void {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((flags & 0xff) << 24) | body.length, 4);
    this.send(Buffer.concat([head, body]));
  }

  private frame(frame: Buffer): void {
    const flags = frame[4];
    const body = frame.subarray(8);
    if (!(frame[0] & 0x80)) {
      const stream = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return;
      if (body.length) stream.onData?.(Buffer.from(body));
      if (flags & FLAG_FIN) stream.onEnd?.();
      return;
    }
    const version = frame.readUInt16BE(0) & 0x7fff;
    if (version !== 3) throw new SpdyError(`unsupported SPDY version ${version}`);
    const type = frame.readUInt16BE(2);
    switch (type) {
      case TYPE.SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = parseHeaderBlock(this.inflater.inflate(Buffer.from(body.subarray(10))));
        this.lastStream = Math.max(this.lastStream, id);
        this.openStream(id, headers, (flags & FLAG_FIN) !== 0);
        return;
      }
      case TYPE.RST_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const stream = this.streams.get(id);
        this.streams.delete(id);
        stream?.onReset?.();
        return;
      }
      case TYPE.PING:
        this.control(TYPE.PING, 0, Buffer.from(body));
        return;
      case TYPE.HEADERS:
        // Later headers carry nothing port-forward uses, but keep the compression context in step.
        this.inflater.inflate(Buffer.from(body.subarray(4)));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, GOAWAY: nothing to do for a server without flow control.
        return;
    }
  }

  private openStream(id: number, headers: Record<string, string>, remoteDone: boolean): void {
    const reply = Buffer.alloc(4);
    reply.writeUInt32BE(id);
    this.control(TYPE.SYN_REPLY, 0, Buffer.concat([reply, this.deflater.deflate(headerBlock({}))]));
    const stream: SpdyStream & { closed: boolean } = {
      id,
      headers,
      closed: false,
      write: (data) => {
        if (stream.closed || this.closed) return;
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        for (let at = 0; at < bytes.length; at += MAX_DATA) this.data(id, 0, bytes.subarray(at, at + MAX_DATA));
      },
      end: () => {
        if (stream.closed || this.closed) return;
        stream.closed = true;
        this.data(id, FLAG_FIN, Buffer.alloc(0));
      },
    };
    this.streams.set(id, stream);
    this.onStream(stream);
    if (remoteDone) stream.onEnd?.();
  }
}
