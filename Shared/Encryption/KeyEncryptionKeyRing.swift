import Foundation

/// The versions of a configuration key that are available, one of them active.
///
/// New boxes are always sealed with `active`; a box is opened with whichever version its key id
/// names, so adding a version and making it active rotates the key without breaking old data.
/// The same type holds the key-encryption keys (`MAILBRIDGE_KEK_*`) and the separate credentials
/// keys of `CredentialVault` (`MAILBRIDGE_CREDENTIALS_KEY_*`).
public struct KeyEncryptionKeyRing: Sendable, CustomStringConvertible {
    /// The version new boxes are sealed with.
    public let active: KeyEncryptionKey
    private let versions: [String: KeyEncryptionKey]

    /// - Throws: `EncryptionError.Kind.invalidKey` when `keys` is empty, repeats an id, or does
    ///   not contain `activeID`.
    public init(keys: [KeyEncryptionKey], activeID: String) throws {
        var versions = [String: KeyEncryptionKey]()
        for key in keys {
            guard versions.updateValue(key, forKey: key.id) == nil else {
                throw EncryptionError(.invalidKey, "key id \(key.id) appears more than once")
            }
        }
        guard let active = versions[activeID] else {
            let known = keys.map(\.id).sorted().joined(separator: ", ")
            throw EncryptionError(.invalidKey, "the active key id \(activeID) is not among the configured keys (\(known.isEmpty ? "none" : known))")
        }
        self.active = active
        self.versions = versions
    }

    /// Parses configuration text: entries `id:base64` separated by commas or newlines; blank
    /// lines and lines starting with `#` are ignored. Each key must decode to 32 bytes.
    ///
    /// ```
    /// kek-2026-05:3q2+7w…=,kek-2026-11:q83vEj…=
    /// ```
    /// - Throws: `EncryptionError.Kind.invalidKey` naming the entry (by position and id, never
    ///   by value) that is not `id:base64`, is not base64, or is not 32 bytes; or when the active
    ///   id is unknown.
    public init(configuration text: String, activeID: String) throws {
        var keys = [KeyEncryptionKey]()
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        let entries = lines.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for (position, entry) in entries.enumerated() {
            guard let colon = entry.firstIndex(of: ":") else {
                throw EncryptionError(.invalidKey, "key entry \(position + 1) is not in the form id:base64")
            }
            let id = String(entry[..<colon])
            guard let data = Data(base64Encoded: String(entry[entry.index(after: colon)...])) else {
                throw EncryptionError(.invalidKey, "key \(id) (entry \(position + 1)) is not valid base64")
            }
            keys.append(try KeyEncryptionKey(id: id, bytes: Array(data)))
        }
        try self.init(keys: keys, activeID: activeID)
    }

    /// Reads the configuration text (see `init(configuration:activeID:)`) from a file, such as
    /// a mounted secret.
    /// - Throws: `EncryptionError.Kind.invalidKey` when the file cannot be read or its content is
    ///   invalid.
    public init(contentsOf file: URL, activeID: String) throws {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw EncryptionError(.invalidKey, "cannot read key file \(file.path): \(error.localizedDescription)")
        }
        try self.init(configuration: text, activeID: activeID)
    }

    /// Reads `<prefix>_KEYS` (configuration text) or `<prefix>_FILE` (a path to it) and
    /// `<prefix>_ACTIVE` (the active id), e.g. `MAILBRIDGE_KEK_KEYS` and `MAILBRIDGE_KEK_ACTIVE`.
    /// - Throws: `EncryptionError.Kind.invalidKey` naming the missing or invalid variable.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, prefix: String) throws {
        func value(_ suffix: String) -> String? { environment[prefix + suffix].flatMap { $0.isEmpty ? nil : $0 } }
        guard let activeID = value("_ACTIVE") else {
            throw EncryptionError(.invalidKey, "\(prefix)_ACTIVE is required but not set")
        }
        do {
            if let text = value("_KEYS") {
                self = try KeyEncryptionKeyRing(configuration: text, activeID: activeID)
            } else if let path = value("_FILE") {
                self = try KeyEncryptionKeyRing(contentsOf: URL(fileURLWithPath: path), activeID: activeID)
            } else {
                throw EncryptionError(.invalidKey, "set \(prefix)_KEYS or \(prefix)_FILE")
            }
        } catch let error as EncryptionError {
            throw EncryptionError(error.kind, "\(prefix): \(error.message)")
        }
    }

    /// The version with `id`, or nil when this ring does not hold it.
    public func key(id: String) -> KeyEncryptionKey? { versions[id] }

    /// Every version's id, sorted.
    public var ids: [String] { versions.keys.sorted() }

    /// Ids only: `KeyEncryptionKeyRing(active: kek-2026-11, versions: kek-2026-05, kek-2026-11)`.
    public var description: String { "KeyEncryptionKeyRing(active: \(active.id), versions: \(ids.joined(separator: ", ")))" }
}
