/// Writes one header field as folded lines of at most 78 characters where the content allows.
///
/// Folding only inserts CRLF before whitespace that is already there, so unfolding (removing the
/// CRLFs) gives back exactly the value written. A word never splits; a word too long for any line
/// stays on a line of its own (callers check `longestLineLength` against 998). The first plain word
/// stays on the `Name:` line, and no line is whitespace only.
struct OutboundHeaderFolder {
    static let preferredLineLength = 78

    private var finished: [String] = []
    private var current: String
    private var currentHasWord = false

    init(name: String) {
        current = name + ":"
    }

    /// Appends `word` after `separator` (spaces; empty glues the word to the previous one and never
    /// folds), folding before the separator when the word does not fit on the current line.
    mutating func append(_ word: String, after separator: String = " ") {
        if currentHasWord, !separator.isEmpty,
            current.utf8.count + separator.utf8.count + word.utf8.count > Self.preferredLineLength
        {
            finished.append(current)
            current = ""
        }
        current += separator + word
        currentHasWord = true
    }

    /// Appends `text` as RFC 2047 encoded words after a space, each word as long as its line allows.
    ///
    /// With `keepWhole`, a text that fits one word but not the rest of the current line starts on a
    /// new line instead of being split: for display names, which several decoders (Python's email
    /// before gh-128110, among others) wrongly join with a space when split.
    mutating func appendEncodedWords(_ text: String, keepWhole: Bool = false) {
        let scalars = EncodedWordEncoder.scalarBytes(text)
        let encoding = EncodedWordEncoder.encoding(for: scalars)
        var index = 0
        if keepWhole, currentHasWord {
            let room = Self.preferredLineLength - current.utf8.count - 1
            let whole = EncodedWordEncoder.word(scalars, from: 0, capacity: EncodedWordEncoder.maximumWordLength, encoding: encoding)
            if let whole, whole.next == scalars.count, whole.word.utf8.count > room {
                finished.append(current)
                current = ""
            }
        }
        while index < scalars.count {
            let room = Self.preferredLineLength - current.utf8.count - 1
            if let next = EncodedWordEncoder.word(scalars, from: index, capacity: room, encoding: encoding) {
                current += " " + next.word
                index = next.next
            } else {
                // Not even one scalar fits here: a fresh line holds a full word (" " + 75 ≤ 78).
                finished.append(current)
                current = ""
                guard
                    let next = EncodedWordEncoder.word(
                        scalars, from: index, capacity: EncodedWordEncoder.maximumWordLength, encoding: encoding)
                else { break }
                current = " " + next.word
                index = next.next
            }
            currentHasWord = true
        }
    }

    /// The lines, without line endings.
    var lines: [String] { finished + [current] }

    var longestLineLength: Int { lines.map(\.utf8.count).max() ?? 0 }

    /// The field with a CRLF after every line.
    var bytes: [UInt8] {
        var output: [UInt8] = []
        for line in lines { output += Array(line.utf8) + [13, 10] }
        return output
    }
}
