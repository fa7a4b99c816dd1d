// A tiny VT100/xterm screen model: enough of the escape sequences Ink and log-update emit (cursor
// moves, erase line/screen, scrolling, SGR ignored) to know what a person would see on the screen.
// Also records the terminal modes the program switched on, so tests can check they were restored.

export interface TerminalModes {
  /** DECTCEM: cursor visible. */
  cursorVisible: boolean;
  /** ?1049/?47/?1047: alternate screen buffer. */
  altScreen: boolean;
  /** ?1000/?1002/?1003/?1006: mouse reporting. */
  mouse: boolean;
  /** ?2004: bracketed paste. */
  bracketedPaste: boolean;
}

export class VtScreen {
  cols: number;
  rows: number;
  grid: string[][];
  x = 0;
  y = 0;
  modes: TerminalModes = { cursorVisible: true, altScreen: false, mouse: false, bracketedPaste: false };
  /** Every mode ever switched on during the session (e.g. to prove the alt screen was never used). */
  everOn = new Set<string>();
  /** Lines scrolled off the top (what ends up in the scroll-back). */
  scrolledOff = 0;
  private pending = '';

  constructor(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
    this.grid = Array.from({ length: rows }, () => Array(cols).fill(' '));
  }

  resize(cols: number, rows: number): void {
    const old = this.grid;
    this.grid = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => old[r]?.[c] ?? ' '));
    this.cols = cols;
    this.rows = rows;
    this.x = Math.min(this.x, cols - 1);
    this.y = Math.min(this.y, rows - 1);
  }

  /** The visible screen as text lines (trailing spaces trimmed). */
  text(): string {
    return this.grid.map((r) => r.join('').trimEnd()).join('\n');
  }

  lines(): string[] {
    return this.grid.map((r) => r.join('').trimEnd());
  }

  private lineFeed(): void {
    if (this.y === this.rows - 1) {
      this.grid.shift();
      this.grid.push(Array(this.cols).fill(' '));
      this.scrolledOff++;
    } else this.y++;
  }

  private put(ch: string): void {
    if (this.x >= this.cols) {
      this.x = 0;
      this.lineFeed();
    }
    this.grid[this.y]![this.x] = ch;
    this.x++;
  }

  private setMode(params: string, on: boolean): void {
    for (const p of params.replace('?', '').split(';')) {
      const name =
        p === '25'
          ? 'cursor'
          : ['1049', '47', '1047'].includes(p)
            ? 'alt'
            : ['1000', '1002', '1003', '1006', '1015'].includes(p)
              ? 'mouse'
              : p === '2004'
                ? 'paste'
                : undefined;
      if (!name) continue;
      if (on) this.everOn.add(name);
      if (name === 'cursor') this.modes.cursorVisible = on;
      if (name === 'alt') this.modes.altScreen = on;
      if (name === 'mouse') this.modes.mouse = on;
      if (name === 'paste') this.modes.bracketedPaste = on;
    }
  }

  private csi(params: string, final: string): void {
    const nums = params
      .replace(/^[?>=]/, '')
      .split(';')
      .map((n) => (n === '' ? NaN : Number(n)));
    const n = (i: number, d: number) => (Number.isFinite(nums[i]) && nums[i]! > 0 ? nums[i]! : d);
    switch (final) {
      case 'A':
        this.y = Math.max(0, this.y - n(0, 1));
        break;
      case 'B':
        this.y = Math.min(this.rows - 1, this.y + n(0, 1));
        break;
      case 'C':
        this.x = Math.min(this.cols - 1, this.x + n(0, 1));
        break;
      case 'D':
        this.x = Math.max(0, this.x - n(0, 1));
        break;
      case 'E':
        this.x = 0;
        this.y = Math.min(this.rows - 1, this.y + n(0, 1));
        break;
      case 'F':
        this.x = 0;
        this.y = Math.max(0, this.y - n(0, 1));
        break;
      case 'G':
        this.x = Math.min(this.cols - 1, n(0, 1) - 1);
        break;
      case 'd':
        this.y = Math.min(this.rows - 1, n(0, 1) - 1);
        break;
      case 'H':
      case 'f':
        this.y = Math.min(this.rows - 1, n(0, 1) - 1);
        this.x = Math.min(this.cols - 1, n(1, 1) - 1);
        break;
      case 'J': {
        const mode = Number.isFinite(nums[0]) ? nums[0] : 0;
        if (mode === 2 || mode === 3) this.grid = this.grid.map(() => Array(this.cols).fill(' '));
        else if (mode === 0) {
          this.grid[this.y]!.fill(' ', this.x);
          for (let r = this.y + 1; r < this.rows; r++) this.grid[r]!.fill(' ');
        } else if (mode === 1) {
          for (let r = 0; r < this.y; r++) this.grid[r]!.fill(' ');
          this.grid[this.y]!.fill(' ', 0, this.x + 1);
        }
        break;
      }
      case 'K': {
        const mode = Number.isFinite(nums[0]) ? nums[0] : 0;
        const row = this.grid[this.y]!;
        if (mode === 0) row.fill(' ', this.x);
        else if (mode === 1) row.fill(' ', 0, this.x + 1);
        else row.fill(' ');
        break;
      }
      case 'h':
        if (params.startsWith('?')) this.setMode(params, true);
        break;
      case 'l':
        if (params.startsWith('?')) this.setMode(params, false);
        break;
      default:
        break; // SGR (m) and everything else: no effect on the text
    }
  }

  write(data: string): void {
    const s = this.pending + data;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === '\x1b') {
        const rest = s.slice(i);
        const csi = /^\x1b\[([0-9;?>=]*)([ -\/]*)([@-~])/.exec(rest);
        if (csi) {
          this.csi(csi[1]!, csi[3]!);
          i += csi[0].length;
          continue;
        }
        const osc = /^\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/.exec(rest);
        if (osc) {
          i += osc[0].length;
          continue;
        }
        if (rest.length < 2 || (rest[1] === '[' && !/[@-~]/.test(rest.slice(2))) || (rest[1] === ']' && !/\x07|\x1b\\/.test(rest))) {
          this.pending = rest; // incomplete sequence: wait for more data
          return;
        }
        if (rest[1] === '7' || rest[1] === '8' || rest[1] === '=' || rest[1] === '>') {
          i += 2;
          continue;
        }
        i += 2;
        continue;
      }
      if (ch === '\r') this.x = 0;
      else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') this.x = Math.max(0, this.x - 1);
      else if (ch === '\x07') {
        /* bell */
      } else if (ch >= ' ') {
        // Treat wide characters as one cell: the tests compare text, not column positions of CJK.
        const cp = s.codePointAt(i)!;
        const chr = String.fromCodePoint(cp);
        this.put(chr);
        i += chr.length;
        continue;
      }
      i++;
    }
  }
}
