import { describe, expect, it } from 'vitest';
import { FakeFs } from '../../sim/exec/fs';
import { parse, SyntaxError } from '../../sim/exec/parse';
import { Shell } from '../../sim/exec/shell';
import { HEADER_DICTIONARY } from '../../sim/portforward/spdy';
import { createHash } from 'node:crypto';

const words = (script: string) => parse(script).map((p) => ({ after: p.after, commands: p.commands.map((c) => ({ words: c.words.map((w) => w.map((x) => x.text).join('')), redirects: c.redirects.map((r) => `${r.fd}${r.op}${r.target.map((x) => x.text).join('')}`) })) }));

describe('the shell grammar', () => {
  it('splits pipelines, lists and redirections', () => {
    expect(words('a x | b 2>&1 | c > out; d && e || f')).toEqual([
      { after: ';', commands: [{ words: ['a', 'x'], redirects: [] }, { words: ['b'], redirects: ['2>&1'] }, { words: ['c'], redirects: ['1>out'] }] },
      { after: ';', commands: [{ words: ['d'], redirects: [] }] },
      { after: '&&', commands: [{ words: ['e'], redirects: [] }] },
      { after: '||', commands: [{ words: ['f'], redirects: [] }] },
    ]);
  });

  it('reads descriptor numbers only when unquoted and right before the operator', () => {
    expect(words('echo 2>/dev/null "2">x >&2 <in >>log &>all')[0].commands[0]).toEqual({ words: ['echo', '2'], redirects: ['2>/dev/null', '1>x', '1>&2', '0<in', '1>>log', 'both>all'] });
  });

  it('rejects a dangling pipe or redirection with the shell’s words', () => {
    expect(() => parse('a |')).toThrow(new SyntaxError('syntax error: unexpected newline'));
    expect(() => parse('| a')).toThrow(new SyntaxError('syntax error: unexpected "|"'));
    expect(() => parse('echo >')).toThrow(new SyntaxError('syntax error: unexpected newline'));
    expect(() => parse('cat <<EOF')).toThrow(SyntaxError);
  });
});

function run(script: string, stdin = ''): Promise<{ out: Buffer; err: string; code: number; fs: FakeFs }> {
  const fs = new FakeFs();
  fs.mkdirp('/tmp');
  const out: Buffer[] = [];
  let err = '';
  return new Promise((resolve) => {
    const shell = new Shell(
      { stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => (err += Buffer.from(b).toString()), exit: (code) => resolve({ out: Buffer.concat(out), err, code, fs }) },
      { tty: false, stdin: true, env: { HOME: '/root' }, fs, hostname: 'h', cwd: '/', mainCommand: ['sh'] },
    );
    shell.start(['sh', '-c', script]);
    shell.input(Buffer.from(stdin, 'latin1'));
    shell.endInput();
  });
}

describe('the shell', () => {
  it('passes binary stdin through cat and a pipe unchanged', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await run('cat | cat > /tmp/b; cat /tmp/b', bytes.toString('latin1'));
    expect(r.code).toBe(0);
    expect(Buffer.compare(r.out, bytes)).toBe(0);
  });

  it('tar -c then tar -x through a pipe recreates a tree', async () => {
    const r = await run('mkdir -p /a/b && printf "x\\0y" > /a/b/f && tar cf - /a | tar -xf - -C /tmp && ls /tmp/a/b && wc -c < /tmp/a/b/f');
    expect(r.err).toBe("tar: removing leading '/' from member names\n");
    expect(r.out.toString()).toBe('f\n3\n');
  });

  it('exit stops the script with its code; an unknown command is 127', async () => {
    expect((await run('nope; echo $?; exit 4; echo never')).out.toString()).toBe('127\n');
    expect((await run('exit 4')).code).toBe(4);
  });
});

describe('the SPDY/3 header dictionary', () => {
  it('is the protocol’s 1423 bytes', () => {
    expect(HEADER_DICTIONARY.length).toBe(1423);
    expect(createHash('sha256').update(HEADER_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});
