import { RegExpParser, type AST } from '@eslint-community/regexpp';
import {
  complement,
  fromRanges,
  has,
  intersect,
  MAX_CODE_POINT,
  MAX_CODE_UNIT,
  single,
  subtract,
  union,
  type CharSet,
} from './char-set';
import { foldSet, nonUnicodeCaseFolding, propertySet, unicodeCaseFolding, type CaseFolding } from './unicode-data';

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

/** Thrown for a pattern this compiler will not run; the message names the construct. */
export class UnsupportedPattern extends Error {}

/** An automaton this big would make every check slow; no useful id pattern needs it. */
export const MAX_STATES = 10_000;

const LINE_TERMINATORS: CharSet = fromRanges([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);
const DIGITS: CharSet = [0x30, 0x39];
const BASIC_WORD: CharSet = fromRanges([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
// ECMA-262 WhiteSpace and LineTerminator: \t \v \f, space, Zs, BOM, \n \r U+2028 U+2029.
const SPACES: CharSet = fromRanges([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);

interface Flags {
  unicode: boolean;
  sets: boolean;
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

/** A v-mode class: single characters, and the strings (`\q{ab}`) of any other length, folded. */
interface ClassValue {
  chars: CharSet;
  strings: Map<string, number[]>;
}

export function compileNfa(source: string, flagText: string): Nfa {
  const flags: Flags = {
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

class Builder {
  readonly op: number[] = [];
  readonly sets: (CharSet | undefined)[] = [];
  readonly at: number[] = [];
  readonly out1: number[] = [];
  readonly out2: number[] = [];
  private readonly max: number;
  private readonly setCache = new Map<AST.Node, CharSet>();
  private readonly classCache = new Map<AST.Node, ClassValue>();
  /** How many repeated groups enclose the element being compiled. */
  private repeated = 0;
  private readonly folding: CaseFolding | undefined;

  constructor(private readonly flags: Flags) {
    this.max = flags.unicode ? MAX_CODE_POINT : MAX_CODE_UNIT;
    this.folding = flags.ignoreCase ? (flags.unicode ? unicodeCaseFolding() : nonUnicodeCaseFolding()) : undefined;
  }

  build(pattern: AST.Pattern): Nfa {
    const match = this.state(OP_MATCH, -1, -1);
    const start = this.alternatives(pattern.alternatives, match);
    const word =
      this.flags.unicode && this.flags.ignoreCase ? union(BASIC_WORD, [0x17f, 0x17f], [0x212a, 0x212a]) : BASIC_WORD;
    return {
      op: this.op,
      sets: this.sets,
      at: this.at,
      out1: this.out1,
      out2: this.out2,
      start,
      unicode: this.flags.unicode,
      folding: this.folding,
      wordSet: this.fold(word),
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
      !(this.folding && has(this.folding.candidates, node.value));
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

  private fold(set: CharSet): CharSet {
    return foldSet(set, this.folding);
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

  /** A set worked out once per node: a repetition compiles its body once per copy. */
  private setOf(node: AST.Node, make: () => CharSet): CharSet {
    let set = this.setCache.get(node);
    if (!set) {
      set = make();
      this.setCache.set(node, set);
    }
    return set;
  }

  private element(node: AST.Element, next: number): number {
    switch (node.type) {
      case 'Character':
        return this.state(
          OP_CHAR,
          next,
          -1,
          this.setOf(node, () => this.fold(single(node.value))),
        );
      case 'CharacterSet':
        return this.state(
          OP_CHAR,
          next,
          -1,
          this.setOf(node, () => this.escapeSet(node)),
        );
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
            value = this.setsClass(node);
            this.classCache.set(node, value);
          }
          return this.classValue(value, next);
        }
        return this.state(
          OP_CHAR,
          next,
          -1,
          this.setOf(node, () => this.plainClass(node as AST.ClassRangesCharacterClass)),
        );
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

  /** The unfolded characters of `\d`, `\s`, `\w`, `\p{…}` (positive form) and `.`. */
  private rawEscape(node: AST.CharacterSet): CharSet {
    switch (node.kind) {
      case 'any':
        return this.flags.dotAll ? [0, this.max] : complement(LINE_TERMINATORS, this.max);
      case 'digit':
        return DIGITS;
      case 'space':
        return SPACES;
      case 'word':
        return this.flags.unicode && this.flags.ignoreCase
          ? union(BASIC_WORD, [0x17f, 0x17f], [0x212a, 0x212a])
          : BASIC_WORD;
      case 'property':
        if (node.strings) throw new UnsupportedPattern(`a property of strings (${node.raw}) is not supported`);
        return propertySet(node.value === null ? `\\p{${node.key}}` : `\\p{${node.key}=${node.value}}`);
    }
  }

  private negated(node: AST.CharacterSet): boolean {
    return node.kind !== 'any' && node.negate;
  }

  /** An escape as an atom: in u mode a negated escape is complemented before folding (\P{Ll} under i matches 'a'), in v mode after. */
  private escapeSet(node: AST.CharacterSet): CharSet {
    const raw = this.rawEscape(node);
    if (!this.negated(node)) return this.fold(raw);
    return this.flags.sets ? complement(this.fold(raw), this.max) : this.fold(complement(raw, this.max));
  }

  /** A class without the v flag: its members are folded together, then a `^` complements the result. */
  private plainClass(node: AST.ClassRangesCharacterClass): CharSet {
    const raw: CharSet[] = node.elements.map((element) => {
      switch (element.type) {
        case 'Character':
          return single(element.value);
        case 'CharacterClassRange':
          return [element.min.value, element.max.value];
        case 'CharacterSet':
          return this.negated(element) ? complement(this.rawEscape(element), this.max) : this.rawEscape(element);
      }
    });
    const folded = this.fold(union(...raw));
    return node.negate ? complement(folded, this.max) : folded;
  }

  private setsClass(node: AST.Node): ClassValue {
    switch (node.type) {
      case 'Character':
        return { chars: this.fold(single(node.value)), strings: new Map() };
      case 'CharacterClassRange':
        return { chars: this.fold([node.min.value, node.max.value]), strings: new Map() };
      case 'CharacterSet':
        return { chars: this.escapeSet(node), strings: new Map() };
      case 'ClassStringDisjunction': {
        const value: ClassValue = { chars: [], strings: new Map() };
        for (const alternative of node.alternatives) {
          const folded = alternative.elements.map((c) => this.fold(single(c.value))[0]!);
          if (folded.length === 1) value.chars = union(value.chars, single(folded[0]!));
          else value.strings.set(folded.join(','), folded);
        }
        return value;
      }
      case 'CharacterClass': {
        const value: ClassValue = { chars: [], strings: new Map() };
        for (const element of node.elements) {
          const part = this.setsClass(element);
          value.chars = union(value.chars, part.chars);
          for (const [key, s] of part.strings) value.strings.set(key, s);
        }
        return node.negate ? { chars: complement(value.chars, this.max), strings: new Map() } : value;
      }
      case 'ExpressionCharacterClass': {
        const value = this.setsClass(node.expression);
        return node.negate ? { chars: complement(value.chars, this.max), strings: new Map() } : value;
      }
      case 'ClassIntersection':
      case 'ClassSubtraction': {
        const left = this.setsClass(node.left);
        const right = this.setsClass(node.right);
        const keep = node.type === 'ClassIntersection';
        const strings = new Map([...left.strings].filter(([key]) => right.strings.has(key) === keep));
        const chars = keep ? intersect(left.chars, right.chars) : subtract(left.chars, right.chars);
        return { chars, strings };
      }
      default:
        throw new UnsupportedPattern(`${node.raw} is not supported`);
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

let negatesRepeatedClass: boolean | undefined;

/**
 * Node 20's V8 inverts a negated class inside a repeated group under the v
 * flag: `/(?:a[^b])+/v.test('ab')` is true. Such a pattern is refused where
 * the running engine has that fault (asked once), since no answer could then
 * agree with both the standard and this Node's RegExp.
 */
function v8NegatesRepeatedClass(): boolean {
  negatesRepeatedClass ??= new RegExp('(?:a[^b])+', 'v').test('ab');
  return negatesRepeatedClass;
}
