import { has, type CharSet } from './char-set';
import { LINE_TERMINATORS } from './pattern-classes';
import {
  AT_INPUT_END,
  AT_INPUT_START,
  AT_LINE_END,
  AT_LINE_START,
  AT_NOT_WORD_BOUNDARY,
  AT_WORD_BOUNDARY,
  OP_ASSERT,
  OP_CHAR,
  OP_MATCH,
  OP_SPLIT,
  type Nfa,
} from './pattern-compile';

/**
 * Runs an NFA as a search (a match may start anywhere) by building its DFA
 * lazily: each step costs at most one pass over the NFA's states, and the
 * steps already taken are remembered, so a typical check is one table look-up
 * per character of the id. The memory is bounded; when it is full it starts
 * again, which keeps the cost linear in the id's length either way.
 */

// What surrounds a position, for the assertions: the edge of the input, a word
// character, a line terminator, anything else.
const EDGE = 0;
const WORD = 1;
const LINE = 2;
const OTHER = 3;

const UNKNOWN = -1;
const MATCHED = -2;

export class LazyDfa {
  /** Start of each input class's range of (folded) characters, sorted. */
  private readonly bounds: number[];
  /** The input class of each ASCII character, after folding. */
  private readonly ascii: Int32Array;
  /** For each input class: one character of it, and its kind. */
  private readonly sample: number[] = [];
  private readonly kind: number[] = [];
  private readonly width: number;
  private readonly maxStates: number;
  // DFA state i: the NFA states to continue from (before the closure over
  // empty moves), the kind of the character before it, whether the input may
  // end there (-1: not worked out), and its row of `table`: the next state
  // per input class (UNKNOWN, MATCHED or an index).
  private kernels: number[][] = [];
  private befores: number[] = [];
  private endMatches: number[] = [];
  private table: Int32Array;
  private readonly index = new Map<string, number>();
  private readonly mark: Int32Array;
  private generation = 0;
  /**
   * With u or v, V8 also tries an empty match between the two halves of a
   * surrogate pair (ECMA-262 would step over it), where no character can be
   * taken but `\B` holds: `/\B/u.test('a😁a')` is true. Whether the pattern
   * matches the empty string there, between two non-word characters.
   */
  private readonly midPairMatch: boolean;

  constructor(private readonly nfa: Nfa) {
    const cuts = new Set<number>([0]);
    const addCuts = (set: CharSet) => {
      for (let i = 0; i < set.length; i += 2) cuts.add(set[i]!).add(set[i + 1]! + 1);
    };
    for (const set of nfa.sets) if (set) addCuts(set);
    addCuts(nfa.wordSet);
    addCuts(LINE_TERMINATORS);
    this.bounds = [...cuts].sort((a, b) => a - b);
    for (const start of this.bounds) {
      this.sample.push(start);
      this.kind.push(has(nfa.wordSet, start) ? WORD : has(LINE_TERMINATORS, start) ? LINE : OTHER);
    }
    this.width = this.bounds.length;
    this.ascii = new Int32Array(128);
    for (let c = 0; c < 128; c++) this.ascii[c] = this.classOf(nfa.folding ? nfa.folding.fold(c) : c);
    this.maxStates = Math.max(16, Math.min(2048, Math.floor(32_768 / this.width)));
    this.table = new Int32Array(this.width * 8);
    this.mark = new Int32Array(nfa.op.length);
    this.midPairMatch = nfa.unicode && this.closure([nfa.start], OTHER, OTHER).includes(-1);
    this.reset();
  }

  private reset(): void {
    this.kernels = [];
    this.befores = [];
    this.endMatches = [];
    this.index.clear();
    this.add([this.nfa.start], EDGE);
  }

  private classOf(c: number): number {
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid]! <= c) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private add(kernel: number[], before: number): number {
    const key = `${before}:${kernel.join(',')}`;
    const found = this.index.get(key);
    if (found !== undefined) return found;
    if (this.kernels.length >= this.maxStates) {
      this.reset();
      return this.add(kernel, before);
    }
    const id = this.kernels.length;
    this.kernels.push(kernel);
    this.befores.push(before);
    this.endMatches.push(-1);
    if ((id + 1) * this.width > this.table.length) {
      const grown = new Int32Array(this.table.length * 2);
      grown.set(this.table);
      this.table = grown;
    }
    this.table.fill(UNKNOWN, id * this.width, (id + 1) * this.width);
    this.index.set(key, id);
    return id;
  }

  /** Whether the pattern matches somewhere in `input`. */
  test(input: string): boolean {
    const { unicode, folding } = this.nfa;
    const ascii = this.ascii;
    const width = this.width;
    let table = this.table;
    let s = 0;
    const n = input.length;
    for (let i = 0; i < n; i++) {
      let c = input.charCodeAt(i);
      let k: number;
      if (c < 128) k = ascii[c]!;
      else {
        if (unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const low = input.charCodeAt(i + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            if (this.midPairMatch) return true;
            c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
            i++;
          }
        }
        k = this.classOf(folding ? folding.fold(c) : c);
      }
      let t = table[s * width + k]!;
      if (t < 0) {
        if (t === MATCHED) return true;
        t = this.step(s, k);
        if (t === MATCHED) return true;
        table = this.table;
      }
      s = t;
    }
    if (this.endMatches[s]! < 0) {
      this.endMatches[s] = this.closure(this.kernels[s]!, this.befores[s]!, EDGE).includes(-1) ? 1 : 0;
    }
    return this.endMatches[s] === 1;
  }

  private step(from: number, k: number): number {
    const after = this.kind[k]!;
    const reached = this.closure(this.kernels[from]!, this.befores[from]!, after);
    let target: number;
    if (reached.includes(-1)) target = MATCHED;
    else {
      const c = this.sample[k]!;
      const kernel = new Set<number>([this.nfa.start]);
      // The copies of a repeated atom share one set: ask each set once.
      const takes = new Map<CharSet, boolean>();
      for (const q of reached) {
        const set = this.nfa.sets[q]!;
        let taken = takes.get(set);
        if (taken === undefined) takes.set(set, (taken = has(set, c)));
        if (taken) kernel.add(this.nfa.out1[q]!);
      }
      const kernels = this.kernels;
      target = this.add(
        [...kernel].sort((a, b) => a - b),
        after,
      );
      if (kernels !== this.kernels) return target; // the memory was reset: `from` is gone
    }
    this.table[from * this.width + k] = target;
    return target;
  }

  /** The character-taking states reachable from `kernel` by empty moves, -1 standing for a match. */
  private closure(kernel: number[], before: number, after: number): number[] {
    const { op, at, out1, out2 } = this.nfa;
    const mark = this.mark;
    const generation = ++this.generation;
    const reached: number[] = [];
    const stack = kernel.slice().reverse();
    while (stack.length > 0) {
      const q = stack.pop()!;
      if (mark[q] === generation) continue;
      mark[q] = generation;
      switch (op[q]) {
        case OP_CHAR:
          reached.push(q);
          break;
        case OP_MATCH:
          reached.push(-1);
          break;
        case OP_SPLIT:
          stack.push(out2[q]!, out1[q]!);
          break;
        case OP_ASSERT:
          if (holds(at[q]!, before, after)) stack.push(out1[q]!);
          break;
      }
    }
    return reached;
  }
}

function holds(assertion: number, before: number, after: number): boolean {
  switch (assertion) {
    case AT_INPUT_START:
      return before === EDGE;
    case AT_INPUT_END:
      return after === EDGE;
    case AT_LINE_START:
      return before === EDGE || before === LINE;
    case AT_LINE_END:
      return after === EDGE || after === LINE;
    case AT_WORD_BOUNDARY:
      return (before === WORD) !== (after === WORD);
    case AT_NOT_WORD_BOUNDARY:
      return (before === WORD) === (after === WORD);
    default:
      return false;
  }
}
