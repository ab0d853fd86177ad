import { html, type HtmlValue, type SafeHtml } from './html';

/**
 * A table with column headings (`scope="col"`), an optional caption and
 * attributes (`aria-describedby`, say).
 *
 * @example
 * dataTable(['Variant', 'Weight'], rows, { caption: 'Each user gets one variant.' });
 */
export function dataTable(
  headings: readonly HtmlValue[],
  rows: HtmlValue,
  options: { caption?: string; describedBy?: string } = {},
): SafeHtml {
  const { caption, describedBy } = options;
  return html`<table${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
${
  caption
    ? html`<caption class="muted">
        ${caption}
      </caption>`
    : ''
}
<thead><tr>${headings.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}
