import Foundation

/// A lifecycle callback from Jira (Atlassian Connect): the app was installed, enabled, disabled
/// or uninstalled on a site. Parsed strictly: a payload missing what we need is an error naming
/// the field, never a half-filled tenant.
public struct AppLifecycleEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case installed, uninstalled, enabled, disabled
    }

    public var kind: Kind
    /// The app key the site installed (ours).
    public var appKey: String
    /// Atlassian's id of this installation; how every later call names the tenant.
    public var clientKey: String
    /// Only on `installed`: the HS256 secret for JWTs in both directions.
    public var sharedSecret: String?
    /// The site's base URL, without a trailing slash.
    public var baseURL: String
    public var displayURL: String?
    /// `jira`.
    public var productType: String
    public var description: String?

    /// Parses a lifecycle payload.
    /// - Throws: `TenancyError.invalidLifecycle` naming the missing or malformed field.
    public init(json: [UInt8]) throws(TenancyError) {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(json))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidLifecycle(field: key.stringValue, "is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalidLifecycle(field: Self.fieldName(context.codingPath), "has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalidLifecycle(field: Self.fieldName(context.codingPath), "is null")
        } catch {
            throw .invalidLifecycle(field: "(body)", "is not a JSON object")
        }
        guard let kind = Kind(rawValue: payload.eventType) else {
            throw .invalidLifecycle(field: "eventType", "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !payload.key.isEmpty else { throw .invalidLifecycle(field: "key", "is empty") }
        guard !payload.clientKey.isEmpty, payload.clientKey.utf8.count <= 255 else {
            throw .invalidLifecycle(field: "clientKey", "must be 1 to 255 bytes")
        }
        if kind == .installed {
            guard let secret = payload.sharedSecret, secret.utf8.count >= 32 else {
                throw .invalidLifecycle(field: "sharedSecret", "must be present on installed and at least 32 bytes")
            }
        }
        self.kind = kind
        appKey = payload.key
        clientKey = payload.clientKey
        sharedSecret = payload.sharedSecret
        baseURL = try Self.validatedBaseURL(payload.baseUrl, field: "baseUrl")
        displayURL = try payload.displayUrl.map { url throws(TenancyError) in try Self.validatedBaseURL(url, field: "displayUrl") }
        productType = payload.productType
        description = payload.description
    }

    /// A coding path as a field name; the whole body when the path is empty.
    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "(body)" : path.map(\.stringValue).joined(separator: ".")
    }

    /// HTTPS, or HTTP on a loopback host (the local Jira simulator); no query, no fragment.
    static func validatedBaseURL(_ text: String, field: String) throws(TenancyError) -> String {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil
        else { throw .invalidLifecycle(field: field, "is not an absolute URL") }
        let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .invalidLifecycle(field: field, "must use https")
        }
        return url
    }

    /// The wire shape (Atlassian's field names).
    private struct Payload: Decodable {
        var key: String
        var clientKey: String
        var sharedSecret: String?
        var baseUrl: String
        var displayUrl: String?
        var productType: String
        var description: String?
        var eventType: String
    }
}
