/**
 * A terminal's line discipline in cooked mode, as the kernel gives a shell behind a
 * TTY: typed characters are echoed and edited (backspace, Ctrl-U) until Enter hands
 * the line to whoever reads the terminal; Ctrl-D on an empty line is an end of
 * input; Ctrl-C interrupts; arrow keys and other escape sequences are swallowed.
 */
import { ByteStream } from './streams';

export class Terminal {
  /** What the program behind the terminal reads: whole lines, and an end per Ctrl-D. */
  readonly input = new ByteStream({ rearm: true });
  private line = '';
  private escape = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly echo: (text: string) => void,
    private readonly interrupt: () => void,
  ) {}

  /** Bytes typed. */
  type(data: Uint8Array): void {
    for (const ch of this.decoder.decode(data, { stream: true })) this.key(ch);
  }

  private key(ch: string): void {
    if (this.escape === 1) {
      this.escape = ch === '[' || ch === 'O' ? 2 : 0;
      return;
    }
    if (this.escape === 2) {
      if (ch >= '@' && ch <= '~') this.escape = 0;
      return;
    }
    switch (ch) {
      case '\x1b':
        this.escape = 1;
        return;
      case '\x03':
        this.echo('^C\n');
        this.line = '';
        this.interrupt();
        return;
      case '\r':
      case '\n':
        this.echo('\n');
        this.input.write(`${this.line}\n`);
        this.line = '';
        return;
      case '\x7f':
      case '\b':
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join('');
          this.echo('\b \b');
        }
        return;
      case '\x04':
        // Ctrl-D hands over what is typed so far; on an empty line that is the end of input.
        if (this.line) this.input.write(this.line);
        else this.input.end();
        this.line = '';
        return;
      case '\x15':
        this.echo('\b \b'.repeat([...this.line].length));
        this.line = '';
        return;
      default:
        if (ch === '\t' || ch >= ' ') {
          this.line += ch;
          this.echo(ch);
        }
    }
  }
}
