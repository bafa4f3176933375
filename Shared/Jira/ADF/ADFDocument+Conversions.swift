extension ADFDocument {
    /// A document from plain text (a mail's text body): paragraphs where a blank line is, a hard
    /// break at every other line end, and `http`, `https` and `mailto` URLs as links.
    ///
    /// CRLF and CR count as line ends; trailing spaces of lines and control characters other
    /// than tab are dropped.
    public init(plainText: String) {
        self = PlainTextToADF.convert(plainText)
    }

    /// A document from an HTML body (sanitised on the way: see the module's `HTMLToADF` rules):
    /// paragraphs, line breaks, links (`http`, `https`, `mailto` only), lists, code, quotes,
    /// headings, bold, italic; scripts, styles, images and hidden elements are dropped, unknown
    /// tags are dropped with their text kept.
    public init(html: String) {
        self = HTMLToADF.convert(html)
    }

    /// The document as plain text for notification mail (see ``ADFPlainText``).
    public var plainText: String {
        ADFPlainText.render(self)
    }
}
