import { RegExpParser, type AST } from '@eslint-community/regexpp';
import { has, single, type CharSet } from './char-set';
import {
  CharClasses,
  UnsupportedPattern,
  v8NegatesRepeatedClass,
  type ClassValue,
  type PatternFlags,
} from './pattern-classes';
import type { CaseFolding } from './unicode-data';

/**
 * Compiles a JavaScript pattern into a Thompson automaton (an NFA) with
 * JavaScript's meaning: `.`, `\s`, `\w`, `\b`, `^`/`$` and case folding as
 * ECMA-262 defines them for the pattern's flags. Without `u`/`v` the automaton
 * reads UTF-16 code units, with them code points. Under `i`, every set holds
 * folded characters and the id is folded as it is read. What no automaton can
 * run (back-references, look-around) is refused, naming the construct.
 */

export const OP_CHAR = 0;
export const OP_SPLIT = 1;
export const OP_ASSERT = 2;
export const OP_MATCH = 3;

export const AT_INPUT_START = 0;
export const AT_INPUT_END = 1;
export const AT_LINE_START = 2;
export const AT_LINE_END = 3;
export const AT_WORD_BOUNDARY = 4;
export const AT_NOT_WORD_BOUNDARY = 5;

export interface Nfa {
  readonly op: number[];
  /** For OP_CHAR: the (folded) characters it takes. */
  readonly sets: (CharSet | undefined)[];
  /** For OP_ASSERT: which assertion. */
  readonly at: number[];
  readonly out1: number[];
  readonly out2: number[];
  readonly start: number;
  /** Reads code points (u, v) rather than code units. */
  readonly unicode: boolean;
  readonly folding: CaseFolding | undefined;
  /** The (folded) characters `\b` counts as word characters. */
  readonly wordSet: CharSet;
  /** A string every matching id contains (perhaps empty): a cheap test that rules most ids out. */
  readonly required: string;
}

/** An automaton this big would make every check slow; no useful id pattern needs it. */
export const MAX_STATES = 10_000;

export function compileNfa(source: string, flagText: string): Nfa {
  const flags: PatternFlags = {
    unicode: flagText.includes('u') || flagText.includes('v'),
    sets: flagText.includes('v'),
    ignoreCase: flagText.includes('i'),
    multiline: flagText.includes('m'),
    dotAll: flagText.includes('s'),
  };
  const pattern = new RegExpParser({ ecmaVersion: 2024 }).parsePattern(source, 0, source.length, {
    unicode: flags.unicode && !flags.sets,
    unicodeSets: flags.sets,
  });
  return new Builder(flags).build(pattern);
}

const SHARED_LIMIT = 4096;
const sharedSets = new Map<string, CharSet>();

/**
 * One copy per process of each small set (up to 8 ranges), so that thousands
 * of held patterns do not each hold their own `[0x30, 0x39]`. The table stops
 * growing at SHARED_LIMIT sets; later ones are kept as they are.
 */
function shared(set: CharSet): CharSet {
  if (set.length > 16) return set;
  const key = set.join(',');
  const found = sharedSets.get(key);
  if (found) return found;
  if (sharedSets.size < SHARED_LIMIT) sharedSets.set(key, set);
  return set;
}

class Builder {
  readonly op: number[] = [];
  readonly sets: (CharSet | undefined)[] = [];
  readonly at: number[] = [];
  readonly out1: number[] = [];
  readonly out2: number[] = [];
  private readonly classes: CharClasses;
  private readonly classCache = new Map<AST.Node, ClassValue>();
  /** How many repeated groups enclose the element being compiled. */
  private repeated = 0;

  constructor(private readonly flags: PatternFlags) {
    this.classes = new CharClasses(flags);
  }

  build(pattern: AST.Pattern): Nfa {
    const match = this.state(OP_MATCH, -1, -1);
    const start = this.alternatives(pattern.alternatives, match);
    // Held for as long as the pattern is: arrays of their exact length, and
    // the small sets every pattern uses (a letter, a digit range, `\w`) shared.
    return {
      op: this.op.slice(),
      sets: this.sets.map((set) => set && shared(set)),
      at: this.at.slice(),
      out1: this.out1.slice(),
      out2: this.out2.slice(),
      start,
      unicode: this.flags.unicode,
      folding: this.classes.folding,
      wordSet: shared(this.classes.wordChars()),
      required: this.requiredText(pattern),
    };
  }

  /**
   * The longest run of characters that every match contains in a row: the
   * literal characters of a pattern with one alternative, read up to the
   * first thing that is not one (assertions take no room, so they do not
   * break a run). Only characters that stand for themselves alone count:
   * no surrogates, and under `i` none with another case.
   */
  private requiredText(pattern: AST.Pattern): string {
    if (pattern.alternatives.length !== 1) return '';
    let best = '';
    let run = '';
    const end = () => {
      if (run.length > best.length) best = run;
      run = '';
    };
    const plain = (node: AST.Node): node is AST.Character =>
      node.type === 'Character' &&
      (node.value < 0xd800 || (node.value > 0xdfff && node.value <= 0xffff)) &&
      !(this.classes.folding && has(this.classes.folding.candidates, node.value));
    for (const element of pattern.alternatives[0]!.elements) {
      if (plain(element)) run += String.fromCharCode(element.value);
      else if (element.type === 'Quantifier' && element.min >= 1 && plain(element.element)) {
        run += String.fromCharCode(element.element.value);
        end();
      } else if (element.type !== 'Assertion') end();
    }
    end();
    return best;
  }

  private state(op: number, out1: number, out2: number, set?: CharSet, at = -1): number {
    if (this.op.length >= MAX_STATES) {
      throw new UnsupportedPattern(`it expands to more than ${MAX_STATES} states (a smaller repetition count will do)`);
    }
    this.op.push(op);
    this.out1.push(out1);
    this.out2.push(out2);
    this.sets.push(set);
    this.at.push(at);
    return this.op.length - 1;
  }

  private alternatives(alternatives: readonly { elements: readonly AST.Element[] }[], next: number): number {
    let start = -1;
    for (let i = alternatives.length - 1; i >= 0; i--) {
      let cur = next;
      const elements = alternatives[i]!.elements;
      for (let j = elements.length - 1; j >= 0; j--) cur = this.element(elements[j]!, cur);
      start = start < 0 ? cur : this.state(OP_SPLIT, cur, start);
    }
    return start;
  }

  private element(node: AST.Element, next: number): number {
    switch (node.type) {
      case 'Character':
      case 'CharacterSet':
        return this.state(OP_CHAR, next, -1, this.classes.atom(node));
      case 'CharacterClass':
      case 'ExpressionCharacterClass':
        if (this.flags.sets && node.negate && this.repeated > 0 && v8NegatesRepeatedClass()) {
          throw new UnsupportedPattern(
            `this Node's RegExp reads a negated class (${node.raw}) inside a repeated group wrongly under the v flag; write it as [${node.raw}] (nested), or use the u flag`,
          );
        }
        if (this.flags.sets) {
          let value = this.classCache.get(node);
          if (!value) {
            value = this.classes.setsClass(node);
            this.classCache.set(node, value);
          }
          return this.classValue(value, next);
        }
        return this.state(OP_CHAR, next, -1, this.classes.atom(node as AST.ClassRangesCharacterClass));
      case 'Group':
      case 'CapturingGroup':
        return this.alternatives(node.alternatives, next);
      case 'Quantifier':
        return this.quantifier(node, next);
      case 'Assertion':
        return this.assertion(node, next);
      case 'Backreference':
        throw new UnsupportedPattern(`a back-reference (${node.raw}) cannot run in linear time`);
      default:
        throw new UnsupportedPattern(`${(node as AST.Node).raw} is not supported`);
    }
  }

  private quantifier(node: AST.Quantifier, next: number): number {
    if (node.element.type === 'Group' || node.element.type === 'CapturingGroup') {
      this.repeated++;
      try {
        return this.repetition(node, next);
      } finally {
        this.repeated--;
      }
    }
    return this.repetition(node, next);
  }

  private repetition(node: AST.Quantifier, next: number): number {
    let cur = next;
    if (node.max === Infinity) {
      const loop = this.state(OP_SPLIT, -1, next);
      this.out1[loop] = this.element(node.element, loop);
      cur = loop;
    } else {
      for (let i = node.min; i < node.max; i++) cur = this.state(OP_SPLIT, this.element(node.element, cur), next);
    }
    for (let i = 0; i < node.min; i++) cur = this.element(node.element, cur);
    return cur;
  }

  private assertion(node: AST.Assertion, next: number): number {
    switch (node.kind) {
      case 'start':
        return this.state(OP_ASSERT, next, -1, undefined, this.flags.multiline ? AT_LINE_START : AT_INPUT_START);
      case 'end':
        return this.state(OP_ASSERT, next, -1, undefined, this.flags.multiline ? AT_LINE_END : AT_INPUT_END);
      case 'word':
        return this.state(OP_ASSERT, next, -1, undefined, node.negate ? AT_NOT_WORD_BOUNDARY : AT_WORD_BOUNDARY);
      case 'lookahead':
        throw new UnsupportedPattern(`a look-ahead (${node.raw}) cannot run in linear time`);
      case 'lookbehind':
        throw new UnsupportedPattern(`a look-behind (${node.raw}) cannot run in linear time`);
    }
  }

  /** A v-mode class: its characters, or any of its strings. */
  private classValue(value: ClassValue, next: number): number {
    let start = value.chars.length > 0 || value.strings.size === 0 ? this.state(OP_CHAR, next, -1, value.chars) : -1;
    for (const string of value.strings.values()) {
      let cur = next;
      for (let i = string.length - 1; i >= 0; i--) cur = this.state(OP_CHAR, cur, -1, single(string[i]!));
      start = start < 0 ? cur : this.state(OP_SPLIT, cur, start);
    }
    return start;
  }
}
