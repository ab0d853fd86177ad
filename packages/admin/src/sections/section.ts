import type { FeatureState, Rollout } from '@hanoi/core';
import type { HtmlValue } from '../html';
import type { FormState, PageContext } from '../page-context';

/** What a section of the feature page is given to draw itself. */
export interface SectionArgs {
  ctx: PageContext;
  name: string;
  state: FeatureState;
  /** Errors and values of a form of this page that was refused. */
  form: FormState;
}

/** What an action is given: the rollout, the feature, the posted form and who posted it. */
export interface ActionArgs {
  rollout: Rollout<string>;
  name: string;
  form: URLSearchParams;
  actor: string;
}

/** A refused form: the field to show the message beside, in words. */
export interface FieldError {
  field: string;
  message: string;
}

/** One write a section offers, posted to `<feature>/<key>`. */
export interface SectionAction {
  /** Said on the page after it worked. */
  done: string;
  /** Does the write through the public Rollout API; a `FieldError` when the input is refused. */
  run(args: ActionArgs): Promise<FieldError | void>;
}

/**
 * One part of the feature page (switch, percentage, listed users...) with
 * the writes it offers. Parts that need more than every Rollout has (rules,
 * segments, the deny list, history) say so in `available`, feature-detected
 * on the rollout, and appear once the rollout has them.
 */
export interface FeatureSection {
  id: string;
  available(rollout: Rollout<string>): boolean;
  render(args: SectionArgs): HtmlValue | Promise<HtmlValue>;
  actions: Record<string, SectionAction>;
}
