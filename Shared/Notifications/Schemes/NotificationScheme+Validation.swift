import Foundation
import Mail

extension NotificationScheme {
    /// Reads and checks schemes from JSON: one scheme object, an array of them, or
    /// `{"schemes": [...]}` (what `export` writes).
    /// - Throws: `NotificationError` naming the scheme and the part that is wrong.
    public static func schemes(fromJSON json: [UInt8]) throws -> [NotificationScheme] {
        let decoder = JSONDecoder()
        let data = Data(json)
        let schemes: [NotificationScheme]
        do {
            let top = try JSONSerialization.jsonObject(with: data)
            if let object = top as? [String: Any], object["schemes"] != nil {
                schemes = try decoder.decode(SchemeList.self, from: data).schemes
            } else if top is [Any] {
                schemes = try decoder.decode([NotificationScheme].self, from: data)
            } else {
                schemes = [try decoder.decode(NotificationScheme.self, from: data)]
            }
        } catch let error as DecodingError {
            throw NotificationError("scheme JSON: \(Self.describe(error))")
        } catch {
            throw NotificationError("scheme JSON: \(error.localizedDescription)")
        }
        var seen = Set<String>()
        for scheme in schemes {
            try scheme.validate()
            guard seen.insert(scheme.project).inserted else {
                throw NotificationError("scheme JSON: project \(scheme.project) appears twice")
            }
        }
        return schemes
    }

    /// Checks what JSON decoding cannot: keys, addresses, one rule per event.
    /// - Throws: `NotificationError` naming the project and the part that is wrong.
    public func validate() throws {
        guard Self.isProjectKey(project) else {
            throw NotificationError("scheme: \"\(project)\" is not a Jira project key (capital letter, then capitals, digits or _)")
        }
        guard !templateSet.isEmpty, templateSet.count <= 100, !templateSet.contains(where: \.isNewline) else {
            throw NotificationError("scheme \(project): templateSet must be a name of 1 to 100 characters")
        }
        if let from {
            guard Self.isAddress(from) else { throw NotificationError("scheme \(project): from \"\(from)\" is not an email address") }
        }
        guard !notifications.isEmpty else { throw NotificationError("scheme \(project): notifications is empty") }
        var events = Set<NotificationEventKind>()
        for (index, rule) in notifications.enumerated() {
            let place = "scheme \(project): notifications[\(index)] (\(rule.event.rawValue))"
            guard events.insert(rule.event).inserted else { throw NotificationError("\(place): a second rule for the same event") }
            let who = rule.recipients
            guard who.reporter || who.assignee || who.watchers || !who.emailParticipantFields.isEmpty || !who.addresses.isEmpty else {
                throw NotificationError("\(place): recipients names nobody")
            }
            for field in who.emailParticipantFields where !field.hasPrefix("customfield_") {
                throw NotificationError("\(place): emailParticipantFields entry \"\(field)\" is not a custom field id (customfield_NNNNN)")
            }
            for (position, address) in who.addresses.enumerated() where !Self.isAddress(address) {
                throw NotificationError("\(place): addresses[\(position)] is not an email address")
            }
        }
    }

    static func isProjectKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("A"..."Z").contains(first), key.count <= 255 else { return false }
        return key.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func isAddress(_ text: String) -> Bool {
        let parsed = AddressListParser.parse(text)
        guard parsed.count == 1, let address = parsed.first, address.address == text.trimmingCharacters(in: .whitespaces) else { return false }
        return !address.localPart.isEmpty && address.domain.contains(".") && !text.contains(where: { $0 == "\r" || $0 == "\n" })
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the document" : String(text.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// What `mailbridge scheme export` writes: every scheme of a tenant.
struct SchemeList: Codable {
    var schemes: [NotificationScheme]
}
