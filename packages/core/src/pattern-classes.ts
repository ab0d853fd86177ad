import type { AST } from '@eslint-community/regexpp';
import {
  complement,
  fromRanges,
  intersect,
  MAX_CODE_POINT,
  MAX_CODE_UNIT,
  single,
  subtract,
  union,
  type CharSet,
} from './char-set';
import { foldSet, nonUnicodeCaseFolding, propertySet, unicodeCaseFolding, type CaseFolding } from './unicode-data';

/** Thrown for a pattern this compiler will not run; the message names the construct. */
export class UnsupportedPattern extends Error {}

export const LINE_TERMINATORS: CharSet = fromRanges([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);
const DIGITS: CharSet = [0x30, 0x39];
const BASIC_WORD: CharSet = fromRanges([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
// Under u (or v) and i, also what folds into BASIC_WORD: U+017F (long s), U+212A (Kelvin sign).
const EXTENDED_WORD: CharSet = union(BASIC_WORD, [0x17f, 0x17f], [0x212a, 0x212a]);
// ECMA-262 WhiteSpace and LineTerminator: \t \v \f, space, Zs, BOM, \n \r U+2028 U+2029.
const SPACES: CharSet = fromRanges([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);

export interface PatternFlags {
  unicode: boolean;
  sets: boolean;
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

/** A v-mode class: single characters, and the strings (`\q{ab}`) of any other length, folded. */
export interface ClassValue {
  chars: CharSet;
  strings: Map<string, number[]>;
}

/**
 * The character sets of a pattern's atoms, with ECMA-262's meaning for its
 * flags: `.`, `\d`, `\s`, `\w`, `\p{…}`, classes and, under `v`, nested
 * classes, `&&`, `--` and `\q{…}`. Under `i` every set holds folded
 * characters (the id is folded as it is read), and each negation happens
 * where the standard puts it: before folding for an escape in u mode
 * (`/\P{Ll}/iu` matches 'a'), after it in v mode and for a `[^…]`.
 */
export class CharClasses {
  readonly max: number;
  readonly folding: CaseFolding | undefined;
  private readonly cache = new Map<AST.Node, CharSet>();

  constructor(private readonly flags: PatternFlags) {
    this.max = flags.unicode ? MAX_CODE_POINT : MAX_CODE_UNIT;
    this.folding = flags.ignoreCase ? (flags.unicode ? unicodeCaseFolding() : nonUnicodeCaseFolding()) : undefined;
  }

  fold(set: CharSet): CharSet {
    return foldSet(set, this.folding);
  }

  /** The (folded) characters `\b` counts as word characters. */
  wordChars(): CharSet {
    return this.fold(this.flags.unicode && this.flags.ignoreCase ? EXTENDED_WORD : BASIC_WORD);
  }

  /** A set worked out once per node: a repetition compiles its body once per copy. */
  atom(node: AST.Character | AST.CharacterSet | AST.ClassRangesCharacterClass): CharSet {
    let set = this.cache.get(node);
    if (!set) {
      if (node.type === 'Character') set = this.fold(single(node.value));
      else if (node.type === 'CharacterSet') set = this.escapeSet(node);
      else set = this.plainClass(node);
      this.cache.set(node, set);
    }
    return set;
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
        return this.flags.unicode && this.flags.ignoreCase ? EXTENDED_WORD : BASIC_WORD;
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

  setsClass(node: AST.Node): ClassValue {
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
}

let negatesRepeatedClass: boolean | undefined;

/**
 * Node 20's V8 inverts a negated class inside a repeated group under the v
 * flag: `/(?:a[^b])+/v.test('ab')` is true. Such a pattern is refused where
 * the running engine has that fault (asked once), since no answer could then
 * agree with both the standard and this Node's RegExp.
 */
export function v8NegatesRepeatedClass(): boolean {
  negatesRepeatedClass ??= new RegExp('(?:a[^b])+', 'v').test('ab');
  return negatesRepeatedClass;
}
