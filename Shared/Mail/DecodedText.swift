/// Text decoded from a declared charset by `MailCharset.decode`.
public struct DecodedText: Sendable, Equatable {
    /// The decoded text; bytes that could not be decoded are U+FFFD.
    public var text: String
    /// The canonical name of the charset the bytes were decoded as. It is the declared charset's
    /// canonical name, except that `iso-8859-1` and `us-ascii` text is decoded as `windows-1252`, and
    /// that a fallback (see `problem`) names the charset it fell back to.
    public var charset: String
    /// What went wrong, or nil when the bytes were exactly what the label declared.
    public var problem: CharsetProblem?

    public init(text: String, charset: String, problem: CharsetProblem? = nil) {
        self.text = text
        self.charset = charset
        self.problem = problem
    }
}
