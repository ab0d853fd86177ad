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

/**
 * The marks of `closure`, shared by every automaton: a closure runs to its
 * end before another starts, and a pattern has at most MAX_STATES states.
 */
let marks = new Int32Array(64);
let markGeneration = 0;

export class LazyDfa {
  /** Start of each input class's range of (folded) characters, sorted; also one character of each class. */
  private readonly bounds: readonly number[];
  /**
   * The input class of each ASCII character, after folding, as the code of
   * the character at its place (a string is the smallest table V8 holds);
   * empty, with `asciiLimit` 0, in the unlikely case of more than 65,535 classes.
   */
  private readonly ascii: string;
  private readonly asciiLimit: number;
  private readonly width: number;
  private readonly maxStates: number;
  // DFA state i: its key (the kind of the character before it, then the NFA
  // states to continue from, before the closure over empty moves), whether
  // the input may end there (-1: not worked out), and its row of `table`: the
  // next state per input class (UNKNOWN, MATCHED or an index). Made at the
  // first run, so that a pattern held but never run holds only its classes.
  private keys: string[] = [];
  private endMatches: number[] = [];
  private table: Int16Array | Int32Array | undefined;
  private index: Map<string, number> | undefined;
  /**
   * With u or v, V8 also tries an empty match between the two halves of a
   * surrogate pair (ECMA-262 would step over it), where no character can be
   * taken but `\B` holds: `/\B/u.test('a😁a')` is true. Whether the pattern
   * matches the empty string there, between two non-word characters
   * (-1: not worked out).
   */
  private midPairMatch = -1;

  constructor(private readonly nfa: Nfa) {
    const cuts = new Set<number>([0]);
    const addCuts = (set: CharSet) => {
      for (let i = 0; i < set.length; i += 2) cuts.add(set[i]!).add(set[i + 1]! + 1);
    };
    for (const set of nfa.sets) if (set) addCuts(set);
    addCuts(nfa.wordSet);
    addCuts(LINE_TERMINATORS);
    this.bounds = [...cuts].sort((a, b) => a - b);
    this.width = this.bounds.length;
    let ascii = '';
    if (this.width <= 0xffff) {
      for (let c = 0; c < 128; c++) ascii += String.fromCharCode(this.classOf(nfa.folding ? nfa.folding.fold(c) : c));
    }
    this.ascii = ascii;
    this.asciiLimit = ascii.length;
    this.maxStates = Math.max(16, Math.min(2048, Math.floor(32_768 / this.width)));
  }

  /** The kind of the characters of input class `k`. */
  private kindOf(k: number): number {
    const c = this.bounds[k]!;
    return has(this.nfa.wordSet, c) ? WORD : has(LINE_TERMINATORS, c) ? LINE : OTHER;
  }

  /** The NFA states DFA state `s` continues from, and the kind of the character before it (read back from its key). */
  private kernelOf(s: number): [number[], number] {
    const key = this.keys[s]!;
    const colon = key.indexOf(':');
    return [
      key
        .slice(colon + 1)
        .split(',')
        .map(Number),
      Number(key.slice(0, colon)),
    ];
  }

  private reset(): void {
    this.keys = [];
    this.endMatches = [];
    this.index = new Map();
    // State indexes fit in 16 bits (maxStates <= 2048) beside UNKNOWN and MATCHED.
    this.table = new Int16Array(this.width * 4);
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
    const found = this.index!.get(key);
    if (found !== undefined) return found;
    if (this.keys.length >= this.maxStates) {
      this.reset();
      return this.add(kernel, before);
    }
    const id = this.keys.length;
    this.keys.push(key);
    this.endMatches.push(-1);
    let table = this.table!;
    if ((id + 1) * this.width > table.length) {
      const grown = new Int16Array(this.width * Math.ceil((id + 1) * 1.5));
      grown.set(table);
      this.table = table = grown;
    }
    table.fill(UNKNOWN, id * this.width, (id + 1) * this.width);
    this.index!.set(key, id);
    return id;
  }

  /** Whether the pattern matches somewhere in `input`. */
  test(input: string): boolean {
    const { unicode, folding } = this.nfa;
    const ascii = this.ascii;
    const asciiLimit = this.asciiLimit;
    const width = this.width;
    if (!this.table) this.reset();
    let table = this.table!;
    let s = 0;
    const n = input.length;
    for (let i = 0; i < n; i++) {
      let c = input.charCodeAt(i);
      let k: number;
      if (c < asciiLimit) k = ascii.charCodeAt(c);
      else {
        if (unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const low = input.charCodeAt(i + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            if (this.midPairMatch < 0) {
              this.midPairMatch = this.closure([this.nfa.start], OTHER, OTHER).includes(-1) ? 1 : 0;
            }
            if (this.midPairMatch === 1) return true;
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
        table = this.table!;
      }
      s = t;
    }
    if (this.endMatches[s]! < 0) {
      const [kernel, before] = this.kernelOf(s);
      this.endMatches[s] = this.closure(kernel, before, EDGE).includes(-1) ? 1 : 0;
    }
    return this.endMatches[s] === 1;
  }

  private step(from: number, k: number): number {
    const after = this.kindOf(k);
    const [fromKernel, before] = this.kernelOf(from);
    const reached = this.closure(fromKernel, before, after);
    let target: number;
    if (reached.includes(-1)) target = MATCHED;
    else {
      const c = this.bounds[k]!;
      const kernel = new Set<number>([this.nfa.start]);
      // The copies of a repeated atom share one set: ask each set once.
      const takes = new Map<CharSet, boolean>();
      for (const q of reached) {
        const set = this.nfa.sets[q]!;
        let taken = takes.get(set);
        if (taken === undefined) takes.set(set, (taken = has(set, c)));
        if (taken) kernel.add(this.nfa.out1[q]!);
      }
      const keys = this.keys;
      target = this.add(
        [...kernel].sort((a, b) => a - b),
        after,
      );
      if (keys !== this.keys) return target; // the memory was reset: `from` is gone
    }
    this.table![from * this.width + k] = target;
    return target;
  }

  /** The character-taking states reachable from `kernel` by empty moves, -1 standing for a match. */
  private closure(kernel: number[], before: number, after: number): number[] {
    const { op, at, out1, out2 } = this.nfa;
    if (marks.length < op.length) marks = new Int32Array(Math.max(op.length, marks.length * 2));
    if (markGeneration === 0x7fffffff) {
      marks.fill(0);
      markGeneration = 0;
    }
    const mark = marks;
    const generation = ++markGeneration;
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
