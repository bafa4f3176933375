extension LocalDirectoryObjectStore {
    /// How keys map to paths under the root — safe (no traversal: `.` and `..` segments are not
    /// valid keys and `/` never appears inside a name) and free of collisions:
    ///
    /// - A key is split at `/`. Every segment but the last is a directory; the last is a file.
    /// - A segment is written with every byte outside `A-Z a-z 0-9 - _ .` percent-encoded
    ///   (upper-case hex); the empty segment (from `a//b` or `a/`) is written `!`.
    /// - An object's file name ends with `@`, which the encoding never produces, so the object
    ///   `a` (`a@`) and the directory of the objects `a/…` (`a`) never collide.
    /// - Temporary files start with `~`, which the encoding never produces either; listings
    ///   ignore them.
    ///
    /// A segment whose name would exceed 255 bytes (the file-system limit) cannot be stored
    /// here: such keys are refused with `InvalidKey`.
    enum Layout {
        static let objectSuffix: UInt8 = UInt8(ascii: "@")
        static let emptySegment = "!"
        static let temporaryPrefix = "~"
        static let maxNameBytes = 255

        /// The path of `key`'s file relative to the root, as its directory names and file name.
        static func names(for key: String) throws(ObjectStorageError) -> (directories: [String], file: String) {
            let segments = key.split(separator: "/", omittingEmptySubsequences: false)
            let names = segments.map { encode(Substring($0)) }
            let file = names.last! + "@"
            for name in names.dropLast() + [file] where name.utf8.count > maxNameBytes {
                throw .invalidKey(key, "a path segment is too long for the local store (\(name.utf8.count) bytes encoded, at most \(maxNameBytes))")
            }
            return (Array(names.dropLast()), file)
        }

        static func encode(_ segment: Substring) -> String {
            guard !segment.isEmpty else { return emptySegment }
            let hexDigits = Array("0123456789ABCDEF".utf8)
            var result: [UInt8] = []
            for byte in segment.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    result.append(byte)
                default:
                    result += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                }
            }
            return String(decoding: result, as: UTF8.self)
        }

        /// The segment's bytes a directory or file name (without `@`) stands for; `nil` for a
        /// name this layout does not produce.
        static func decode(_ name: Substring) -> [UInt8]? {
            if name == emptySegment { return [] }
            var result: [UInt8] = []
            var bytes = Array(name.utf8)[...]
            while let byte = bytes.popFirst() {
                if byte == UInt8(ascii: "%") {
                    guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                    result.append(value)
                    bytes = bytes.dropFirst(2)
                } else {
                    result.append(byte)
                }
            }
            return result
        }

        /// What a directory entry is: an object (with its last segment), a directory (with its
        /// segment), or something to ignore.
        enum Entry {
            case object(segment: [UInt8])
            case directory(segment: [UInt8])
            case ignored
        }

        static func classify(_ name: String) -> Entry {
            if name.hasPrefix(temporaryPrefix) || name == "." || name == ".." { return .ignored }
            if name.utf8.last == objectSuffix {
                return decode(name.dropLast()).map { .object(segment: $0) } ?? .ignored
            }
            return decode(Substring(name)).map { .directory(segment: $0) } ?? .ignored
        }
    }
}
