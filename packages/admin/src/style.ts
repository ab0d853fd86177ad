/** The page's stylesheet, served by the page itself at `<mount>/admin.css` (CSP `style-src 'self'`). */
export const STYLESHEET = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b57d0; --bad: #b3261e; --ok: #1a7f37; --bg: #fff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 1; }
.banner { background: #b3261e; color: #fff; font-weight: 700; text-align: center; padding: 6px; letter-spacing: .04em; }
.top { display: flex; justify-content: space-between; align-items: center; gap: 16px; padding: 10px 24px; border-bottom: 1px solid var(--line); background: var(--soft); }
.top nav a { margin-right: 16px; font-weight: 600; text-decoration: none; }
.who { margin: 0; color: var(--muted); }
.tag { display: inline-block; border: 1px solid var(--muted); border-radius: 4px; padding: 0 6px; font-size: 13px; }
main { max-width: 960px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 28px; margin: 8px 0 16px; word-break: break-all; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.name { word-break: break-all; }
.state-on { color: var(--ok); font-weight: 600; }
.state-off { color: var(--bad); font-weight: 600; }
.field { margin: 8px 0; }
.field label { display: block; font-weight: 600; }
.field.check label { display: inline; margin-left: 6px; }
.hint { margin: 0; color: var(--muted); font-size: 14px; }
.error { margin: 4px 0; color: var(--bad); font-weight: 600; }
.invalid input, .invalid textarea { border-color: var(--bad); }
input[type=text], input[type=search], input[type=number], textarea { font: inherit; padding: 6px 8px; border: 1px solid var(--muted); border-radius: 6px; min-width: 16em; }
textarea { width: 100%; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
form.inline { display: inline; }
.row { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; margin: 8px 0; }
.row .field { margin: 0; }
.row .hint { max-width: 28em; }
.saved { border-left: 4px solid var(--ok); background: #eef8f0; padding: 6px 12px; }
.summary { font-size: 18px; }
.pager { margin: 12px 0; display: flex; gap: 16px; align-items: center; }
.muted { color: var(--muted); }
code { background: var(--soft); padding: 1px 4px; border-radius: 4px; word-break: break-all; }
`;

/** The page's icon, served at `<mount>/favicon.svg`: a switch. */
export const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="9" width="28" height="14" rx="7" fill="#0b57d0"/><circle cx="23" cy="16" r="5" fill="#fff"/></svg>';
