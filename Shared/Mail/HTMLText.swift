/// Plain text from an HTML body, for mails that carry no text part.
public enum HTMLText {
    /// The text a reader would see, laid out as lines.
    ///
    /// - Block elements (`p`, `div`, `li`, `tr`, headings, `blockquote`, `hr`, …) and `<br>` end lines;
    ///   paragraphs, headings, lists and quotes are set off by one blank line.
    /// - List items start with `- ` (ordered lists: `1. `, `2. `, …), nested lists indent two spaces a level.
    /// - Each line inside a `<blockquote>` starts with `> ` per level, as a mail client quotes plain text.
    /// - A link keeps its address: `text (https://…)`, unless the text already shows it;
    ///   `mailto:` links show the bare address; `#…` and `javascript:` links add nothing.
    /// - `<script>`, `<style>`, `<title>`, `<head>`, `<template>`, comments and elements hidden with
    ///   `display:none` or `hidden` are dropped; images add nothing.
    /// - Character references are decoded; `&nbsp;` becomes a plain space that is not collapsed.
    /// - Whitespace collapses as in a browser, except inside `<pre>`.
    /// - Lines carry no trailing spaces, there is at most one blank line in a row, and the result
    ///   starts and ends with text.
    ///
    /// Any input is accepted (unclosed or stray tags, unquoted attributes, any case) and handled in
    /// time linear in its length.
    public static func plainText(fromHTML html: String) -> String {
        var tokenizer = HTMLTokenizer(html)
        var renderer = HTMLTextRenderer()
        while let token = tokenizer.next() { renderer.consume(token) }
        return renderer.finish()
    }
}
