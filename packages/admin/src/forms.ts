import { html, type HtmlValue, type SafeHtml } from './html';
import type { FormState, PageContext } from './page-context';

/**
 * A form that writes: posts to `action` with the page's CSRF token. In
 * read-only mode there is no form at all.
 *
 * @example
 * postForm(ctx, featureUrl(ctx, name, '/percentage'), html`...`);
 */
export function postForm(ctx: PageContext, action: string, body: HtmlValue, className = ''): SafeHtml | '' {
  if (ctx.config.readOnly) return '';
  return html`<form method="post" action="${action}" ${className ? html` class="${className}"` : ''}>
    <input type="hidden" name="_csrf" value="${ctx.csrf}" />
    ${body}
  </form>`;
}

/** One labelled input, its hint and its error, tied together for screen readers. */
export interface FieldSpec {
  id: string;
  name: string;
  label: string;
  type?: 'text' | 'number' | 'search' | 'checkbox';
  value?: string;
  hint?: string;
  required?: boolean;
  textarea?: boolean;
  attrs?: SafeHtml;
}

/**
 * A labelled control with its hint and, when the form was refused, the
 * error in words beside it (`aria-invalid`, `aria-describedby`).
 *
 * @example
 * field(state, { id: 'percentage', name: 'percentage', label: 'Percentage of users', type: 'number' });
 */
export function field(state: FormState, spec: FieldSpec): SafeHtml {
  const error = state.errors[spec.name];
  const value = state.values[spec.name] ?? spec.value ?? '';
  const described = [spec.hint ? `${spec.id}-hint` : '', error ? `${spec.id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${spec.id}"
  name="${spec.name}"${spec.required ? html` required` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }${error ? html` aria-invalid="true"` : ''}
  ${spec.attrs ?? ''}`;
  const control = spec.textarea
    ? html`<textarea ${common} rows="4">${value}</textarea>`
    : html`<input type="${spec.type ?? 'text'}" value="${value}" ${common} />`;
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${spec.id}">${spec.label}</label>
    ${spec.hint ? html`<p class="hint" id="${spec.id}-hint">${spec.hint}</p>` : ''} ${control}
    ${error ? html`<p class="error" id="${spec.id}-error" role="alert">${error}</p>` : ''}
  </div>`;
}

/**
 * The name box of a form that creates a feature or a segment.
 *
 * @example
 * nameField(form);
 */
export function nameField(state: FormState): SafeHtml {
  return field(state, {
    id: 'name',
    name: 'name',
    label: 'Name',
    hint: '1 to 128 characters, no spaces; case matters.',
    required: true,
    attrs: html`autocomplete="off"`,
  });
}
